"""The limit line of the resource modules (see `limit`): 优质均衡's unit table with the seven
indicator values, its student-weighted coefficients of variation and its schools' guarantee
facts, and 普及普惠's kindergarten
and town tables, each one hand-written DuckDB query over the warehouse's Parquet files, written
from the definitions (STANDARDS.md §1 and §2, docs/balanced-evaluation.md), not from Ibis's
output. Their columns are those of `resources.evaluation`'s and `resources.preschool`'s questions,
so `limit.same_frames` compares them value by value."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from .limit_files import files, text

COUNTED = ("primary", "junior", "nine_year", "complete_secondary", "twelve_year")
# code: (numerator column of the unit table, scale); the denominator is always the pupils.
BALANCED = {
    "balanced.R1": ("above_qual_teachers", 100),
    "balanced.R2": ("backbone_teachers", 100),
    "balanced.R3": ("pe_art_teachers", 100),
    "balanced.R4": ("teaching_aux_area", 1),
    "balanced.R5": ("sports_area", 1),
    "balanced.R6": ("equipment_value", 1),
    "balanced.R7": ("multimedia_classrooms", 100),
}
LEVELS = ("small", "middle", "large", "mixed")
TOWN = 4  # registry.AreaLevel.TOWN
MIXED_WORD = "混龄"


def _stage(grade: str) -> str:
    return (
        f"CASE WHEN {grade} <= 0 THEN 'preschool' WHEN {grade} <= 6 THEN 'primary' "
        f"WHEN {grade} <= 9 THEN 'junior' ELSE 'senior' END"
    )


def _units_cte(
    directory: str | Path, *, school_year_id: int, area_path: str, min_points: int, basis: str
) -> str:
    """`units`: one row per counted school's primary or junior part, facilities apportioned."""
    y = int(school_year_id)
    counted = ", ".join(text(t) for t in COUNTED)
    share_num, share_den = (
        ("students", "school_students") if basis == "students" else ("classes", "school_classes")
    )
    return f"""
schools AS (
  SELECT s.id AS school_id, s.area_id AS town_id, CASE WHEN s.is_teaching_point THEN 1 ELSE 0 END AS point
  FROM {files(directory, "school")} s JOIN {files(directory, "area")} a ON s.area_id = a.id
  WHERE s.archived_at IS NULL AND s.school_type IN ({counted}) AND starts_with(a.path, {text(area_path)})
),
cls AS (
  SELECT school_id, {_stage("grade")} AS stage, boys + girls AS pupils
  FROM {files(directory, "school_class", y)} WHERE school_year_id = {y} AND archived_at IS NULL
),
per_stage AS (SELECT school_id, stage, sum(pupils) AS students, count(*) AS classes FROM cls GROUP BY ALL),
per_school AS (
  SELECT school_id, sum(pupils) AS school_students, count(*) AS school_classes FROM cls GROUP BY ALL
),
fac AS (
  SELECT school_id, teaching_aux_area, sports_area, equipment_value, multimedia_classrooms
  FROM {files(directory, "facilities", y)} WHERE school_year_id = {y}
),
tstats AS (
  SELECT t.school_id, ty.stage, count(*) AS teachers,
    count(*) FILTER ((ty.stage = 'primary' AND ty.qualification IN ('associate', 'bachelor', 'postgraduate'))
                     OR (ty.stage = 'junior' AND ty.qualification IN ('bachelor', 'postgraduate'))) AS above,
    count(*) FILTER (ty.backbone_level <> 'none') AS backbone,
    count(*) FILTER (ty.pe_art_subject <> '') AS pe_art,
    count(*) FILTER (ty.qualification = '') AS no_qual
  FROM {files(directory, "teacher_year", y)} ty JOIN {files(directory, "teacher")} t ON ty.teacher_id = t.id
  WHERE ty.school_year_id = {y} AND t.archived_at IS NULL
  GROUP BY ALL
),
units AS (
  SELECT s.school_id, s.town_id, p.stage, p.students, p.classes,
    CASE WHEN f.school_id IS NULL THEN 0 ELSE 1 END AS has_facilities,
    CASE WHEN q.{share_den} > 0 THEN p.{share_num}::DOUBLE / q.{share_den} ELSE 0.0 END AS share,
    coalesce(f.teaching_aux_area * share, 0.0) AS teaching_aux_area,
    coalesce(f.sports_area * share, 0.0) AS sports_area,
    coalesce(f.equipment_value * share, 0.0) AS equipment_value,
    coalesce(f.multimedia_classrooms * share, 0.0) AS multimedia_classrooms,
    coalesce(t.teachers, 0) AS teachers, coalesce(t.above, 0) AS above_qual_teachers,
    coalesce(t.backbone, 0) AS backbone_teachers, coalesce(t.pe_art, 0) AS pe_art_teachers,
    coalesce(t.no_qual, 0) AS teachers_without_qualification
  FROM schools s
  JOIN per_stage p ON p.school_id = s.school_id
  JOIN per_school q ON q.school_id = s.school_id
  LEFT JOIN fac f ON f.school_id = s.school_id
  LEFT JOIN tstats t ON t.school_id = s.school_id AND t.stage = p.stage
  WHERE p.stage IN ('primary', 'junior') AND (s.point = 0 OR q.school_students >= {int(min_points)})
)"""


def balanced_sql(
    directory: str | Path, *, school_year_id: int, area_path: str, min_points: int, basis: str
) -> str:
    """Per counted school and stage: pupils, classes, teachers, apportioned facilities and the
    seven values (numerator × scale ÷ pupils; NULL without pupils)."""
    values = ",\n  ".join(
        f'CASE WHEN students > 0 THEN {col}::DOUBLE * {scale} / students END AS "{code}"'
        for code, (col, scale) in BALANCED.items()
    )
    units = _units_cte(
        directory, school_year_id=school_year_id, area_path=area_path, min_points=min_points, basis=basis
    )
    return f"WITH {units}\nSELECT * EXCLUDE (share),\n  {values}\nFROM units"


def balanced_cv_sql(
    directory: str | Path, *, school_year_id: int, area_path: str, min_points: int, basis: str
) -> str:
    """Per stage and indicator over units with pupils: X̄ = ΣAᵢ/ΣPᵢ, CV = √(Σ(Pᵢ/P)(Aᵢ/Pᵢ − X̄)²)/X̄
    (NULL when X̄ is 0), the mean X̄ × scale and the units counted."""
    pick = " ".join(f"WHEN '{code}' THEN {col}" for code, (col, _) in BALANCED.items())
    indicators = ", ".join(f"('{code}', {scale})" for code, (_, scale) in BALANCED.items())
    units = _units_cte(
        directory, school_year_id=school_year_id, area_path=area_path, min_points=min_points, basis=basis
    )
    return f"""WITH {units},
long AS (
  SELECT u.stage, i.code, i.scale, u.students::DOUBLE AS pop, (CASE i.code {pick} END)::DOUBLE AS res
  FROM units u CROSS JOIN (VALUES {indicators}) i(code, scale) WHERE u.students > 0
),
totals AS (
  SELECT *, sum(res) OVER w AS tot_res, sum(pop) OVER w AS tot_pop FROM long
  WINDOW w AS (PARTITION BY stage, code)
)
SELECT stage, code AS indicator,
  CASE WHEN max(tot_res / tot_pop) > 0
       THEN sqrt(sum(pop / tot_pop * (res / pop - tot_res / tot_pop) ^ 2)) / max(tot_res / tot_pop) END AS cv,
  max(tot_res / tot_pop) * max(scale) AS mean, count(*) AS schools
FROM totals GROUP BY stage, code"""


def balanced_facts_sql(
    directory: str | Path, *, school_year_id: int, area_path: str, limits: Sequence[float]
) -> str:
    """Per counted school with primary or junior classes, the guarantee items' facts: pupils,
    classes, the largest class and the classes over their stage's limit in those stages; teachers
    of the year (every stage), certified, trained at least the year's hours, rotated, and rotated
    backbone; music and art rooms (`limits`: primary and junior class sizes, training hours)."""
    y = int(school_year_id)
    primary, junior, hours = (float(v) for v in limits)
    counted = ", ".join(text(t) for t in COUNTED)
    return f"""
WITH schools AS (
  SELECT s.id AS school_id, s.school_type
  FROM {files(directory, "school")} s JOIN {files(directory, "area")} a ON s.area_id = a.id
  WHERE s.archived_at IS NULL AND s.school_type IN ({counted}) AND starts_with(a.path, {text(area_path)})
),
cls AS (
  SELECT * FROM (
    SELECT school_id, {_stage("grade")} AS stage, boys + girls AS pupils
    FROM {files(directory, "school_class", y)} WHERE school_year_id = {y} AND archived_at IS NULL
  ) WHERE stage IN ('primary', 'junior')
),
classes AS (
  SELECT school_id, sum(pupils) AS compulsory_students, count(*) AS compulsory_classes,
    max(pupils) AS max_class_size,
    count(*) FILTER ((stage = 'primary' AND pupils > {primary!r})
                     OR (stage = 'junior' AND pupils > {junior!r})) AS classes_over
  FROM cls GROUP BY school_id
),
teachers AS (
  SELECT t.school_id, count(*) AS teachers, count(*) FILTER (ty.has_certificate) AS certified,
    count(*) FILTER (ty.training_hours::DOUBLE >= {hours!r}) AS trained,
    count(*) FILTER (ty.rotated) AS rotated,
    count(*) FILTER (ty.rotated AND ty.backbone_level <> 'none') AS rotated_backbone
  FROM {files(directory, "teacher_year", y)} ty JOIN {files(directory, "teacher")} t ON ty.teacher_id = t.id
  WHERE ty.school_year_id = {y} AND t.archived_at IS NULL
  GROUP BY t.school_id
),
fac AS (
  SELECT school_id, music_rooms, art_rooms, music_room_area, art_room_area
  FROM {files(directory, "facilities", y)} WHERE school_year_id = {y}
)
SELECT s.school_id, s.school_type, CASE WHEN f.school_id IS NULL THEN 0 ELSE 1 END AS has_facilities,
  coalesce(f.music_rooms, 0) AS music_rooms, coalesce(f.art_rooms, 0) AS art_rooms,
  coalesce(f.music_room_area, 0.0) AS music_room_area, coalesce(f.art_room_area, 0.0) AS art_room_area,
  c.compulsory_students, c.compulsory_classes, c.max_class_size, c.classes_over,
  coalesce(t.teachers, 0) AS teachers, coalesce(t.certified, 0) AS certified,
  coalesce(t.trained, 0) AS trained, coalesce(t.rotated, 0) AS rotated,
  coalesce(t.rotated_backbone, 0) AS rotated_backbone
FROM schools s
JOIN classes c ON c.school_id = s.school_id
LEFT JOIN fac f ON f.school_id = s.school_id
LEFT JOIN teachers t ON t.school_id = s.school_id"""


def _kindergartens_cte(
    directory: str | Path, *, school_year_id: int, area_path: str, limits: Sequence[tuple[str, float]]
) -> str:
    """`kg`: one row per kindergarten under the area and the school year (`preschool_units`)."""
    y = int(school_year_id)
    limit_of = dict(limits)
    level = (
        f"CASE WHEN contains(name, {text(MIXED_WORD)}) THEN 'mixed' WHEN grade <= -2 THEN 'small' "
        "WHEN grade = -1 THEN 'middle' ELSE 'large' END"
    )
    cap = " ".join(f"WHEN '{lv}' THEN {float(limit_of[lv])!r}" for lv in limit_of)
    per_level = ",\n    ".join(
        f"count(*) FILTER (level = '{lv}') AS c_{lv}, "
        f"count(*) FILTER (level = '{lv}' AND over) AS c_over_{lv}"
        for lv in LEVELS
    )
    otherwise = float(limit_of["large"])
    return f"""
c AS (
  SELECT school_id, level, size, size::DOUBLE > (CASE level {cap} ELSE {otherwise!r} END) AS over
  FROM (SELECT school_id, {level} AS level, boys + girls AS size FROM {files(directory, "school_class", y)}
        WHERE school_year_id = {y} AND archived_at IS NULL AND grade <= 0)
),
classes AS (
  SELECT school_id, sum(size) AS c_children, count(*) AS c_classes, count(*) FILTER (over) AS c_over,
    max(size) AS c_max,
    {per_level}
  FROM c GROUP BY school_id
),
tstats AS (
  SELECT t.school_id, count(*) AS t_teachers, count(*) FILTER (t.is_full_time) AS t_full,
    count(*) FILTER (t.is_full_time AND ty.has_certificate) AS t_cert
  FROM {files(directory, "teacher_year", y)} ty JOIN {files(directory, "teacher")} t ON ty.teacher_id = t.id
  WHERE ty.school_year_id = {y} AND ty.stage = 'preschool' AND t.archived_at IS NULL
  GROUP BY t.school_id
),
rec AS (
  SELECT school_id, CASE WHEN is_inclusive THEN 1 ELSE 0 END AS inclusive
  FROM {files(directory, "inclusive_kindergarten", y)} WHERE school_year_id = {y}
),
kg AS (
  SELECT s.id AS school_id, {y}::BIGINT AS school_year_id, s.area_id AS town_id,
    CASE WHEN s.ownership = 'public' THEN 1 ELSE 0 END AS is_public,
    CASE WHEN s.ownership = 'public' OR coalesce(r.inclusive, 0) = 1 THEN 1 ELSE 0 END AS is_inclusive,
    CASE WHEN r.school_id IS NULL THEN 0 ELSE 1 END AS has_record,
    coalesce(c.c_children, 0) AS children, coalesce(c.c_classes, 0) AS classes,
    {", ".join(f"coalesce(c.c_{lv}, 0) AS classes_{lv}" for lv in LEVELS)},
    coalesce(c.c_over, 0) AS classes_over, coalesce(c.c_classes, 0) - coalesce(c.c_over, 0) AS classes_within,
    {", ".join(f"coalesce(c.c_over_{lv}, 0) AS over_{lv}" for lv in LEVELS)},
    coalesce(c.c_max, 0) AS max_class_size,
    children * is_inclusive AS inclusive_children, children * is_public AS public_children,
    coalesce(t.t_teachers, 0) AS teachers, coalesce(t.t_full, 0) AS fulltime_teachers,
    coalesce(t.t_cert, 0) AS certified_teachers
  FROM {files(directory, "school")} s
  JOIN {files(directory, "area")} a ON s.area_id = a.id
  JOIN {files(directory, "school_year")} sy ON sy.id = {y}
  LEFT JOIN classes c ON c.school_id = s.id
  LEFT JOIN tstats t ON t.school_id = s.id
  LEFT JOIN rec r ON r.school_id = s.id
  WHERE s.archived_at IS NULL AND s.school_type = 'kindergarten' AND starts_with(a.path, {text(area_path)})
)"""


def preschool_sql(
    directory: str | Path, *, school_year_id: int, area_path: str, limits: Sequence[tuple[str, float]]
) -> str:
    """Per kindergarten: children, classes by level and over their level's size, public and
    inclusive, full-time and certified teachers (`preschool_units`' columns)."""
    kg = _kindergartens_cte(directory, school_year_id=school_year_id, area_path=area_path, limits=limits)
    return f"WITH {kg}\nSELECT * FROM kg"


def preschool_towns_sql(
    directory: str | Path, *, school_year_id: int, area_path: str, limits: Sequence[tuple[str, float]]
) -> str:
    """Per town under the area: its kindergartens and their children, its population aged 3-5
    (0, has_population 0, when not supplied): the gross enrolment's inputs."""
    y = int(school_year_id)
    kg = _kindergartens_cte(directory, school_year_id=school_year_id, area_path=area_path, limits=limits)
    return f"""WITH {kg},
kids AS (SELECT town_id, count(*) AS k_units, sum(children) AS k_children FROM kg GROUP BY town_id),
pop AS (
  SELECT area_id, population FROM {files(directory, "preschool_population", y)} WHERE school_year_id = {y}
)
SELECT a.id AS town_id, {y}::BIGINT AS school_year_id, coalesce(k.k_units, 0) AS kindergartens,
  coalesce(k.k_children, 0) AS children, coalesce(p.population, 0) AS population,
  CASE WHEN p.area_id IS NULL THEN 0 ELSE 1 END AS has_population
FROM {files(directory, "area")} a
JOIN {files(directory, "school_year")} sy ON sy.id = {y}
LEFT JOIN kids k ON k.town_id = a.id
LEFT JOIN pop p ON p.area_id = a.id
WHERE a.level = {TOWN} AND a.archived_at IS NULL AND starts_with(a.path, {text(area_path)})"""
