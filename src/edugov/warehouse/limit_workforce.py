"""The limit line of 师资队伍 (see `limit`): the province staffing's five outputs (schools, subjects,
the town × subject heat map, age bands, retirements by year), each one hand-written DuckDB query
straight over the warehouse's Parquet files, written from the definitions (docs/workforce.md, the
norms' formulas: posts by the student and village class ratios, subject need by curriculum periods
over the teaching load, teachers shared out by their periods, the 2025 retirement rule per birth
month), not from `workforce.province`'s SQL. Their columns are those of `province.duckdb_compute`,
so `workforce.province.compare` compares them value by value."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pandas as pd

from .limit_files import files, text

PARTS = ("schools", "subjects", "heat", "ages", "retirements")
# Staffed school types and the stage each teaches first (registry.SCHOOL_TYPE_GRADES' lowest grade).
TEACHING_STAGE = {
    "primary": "primary",
    "junior": "junior",
    "nine_year": "primary",
    "complete_secondary": "junior",
    "senior": "senior",
    "twelve_year": "primary",
}
STAGE_RANK = {"kindergarten": 0, "primary": 1, "junior": 2, "senior": 3}
AGE_BANDS = (("30岁以下", 0, 29), ("30-39岁", 30, 39), ("40-49岁", 40, 49), ("50-54岁", 50, 54))
OLDEST = "55岁及以上"
HORIZON = 5
BLANKS = " \t\n\r\x0b\x0c\u3000\u00a0"  # what str.strip() removes from a subject's name


def _grade_stage(grade: str) -> str:
    return (
        f"CASE WHEN {grade} <= 0 THEN 'kindergarten' WHEN {grade} <= 6 THEN 'primary' "
        f"WHEN {grade} <= 9 THEN 'junior' ELSE 'senior' END"
    )


def _subject(column: str, aliases: dict[str, str]) -> str:
    stripped = f"trim({column}, {text(BLANKS)})"
    whens = " ".join(f"WHEN {text(a)} THEN {text(b)}" for a, b in aliases.items())
    return f"CASE {stripped} {whens} ELSE {stripped} END"


def _rank(column: str) -> str:
    return "CASE " + " ".join(f"WHEN {column} = '{s}' THEN {r}" for s, r in STAGE_RANK.items()) + " END"


def _base(
    directory: str | Path, *, school_year_id: int, area_path: str, params: Any, aliases: dict[str, str]
) -> str:
    """The CTEs every part reads: the area's staffed schools, their classes per grade, the year's
    teachers with the month each retires, and each teacher's share of each subject taught."""
    y = int(school_year_id)
    d = directory
    stage = " ".join(f"WHEN '{t}' THEN '{s}'" for t, s in TEACHING_STAGE.items())
    staffed = ", ".join(f"'{t}'" for t in TEACHING_STAGE)
    (mb, mf, ms, mc), (fb, ff, fs, fc) = params.retirement["M"], params.retirement["F"]
    born = "r.birth_year * 12 + r.birth_month - 1"

    def retire(base: int, first: int, step: int, cap: int) -> str:
        return (
            f"(r.birth_year + {base}) * 12 + r.birth_month - 1 + CASE WHEN {born} >= {first * 12} "
            f"THEN least({cap}, ({born} - {first * 12}) // {step} + 1) ELSE 0 END"
        )

    return f"""
sch AS (
  SELECT s.id AS school_id, s.area_id AS town_id, s.locale,
    s.locale = 'rural' OR coalesce(s.is_teaching_point, false) AS village,
    CASE s.school_type {stage} END AS teaching_stage
  FROM {files(d, "school")} s JOIN {files(d, "area")} a ON a.id = s.area_id
  WHERE s.archived_at IS NULL AND s.school_type IN ({staffed}) AND starts_with(a.path, {text(area_path)})
),
grades AS (
  SELECT c.school_id, c.grade, count(*) AS n, sum(c.boys + c.girls) AS pupils
  FROM {files(d, "school_class", y)} c JOIN sch USING (school_id)
  WHERE c.school_year_id = {y} AND c.archived_at IS NULL
  GROUP BY c.school_id, c.grade
),
tea AS (
  SELECT r.id AS record_id, r.school_id, sch.town_id, sch.locale, sch.teaching_stage, r.employment_type,
    r.certificate_stage, {_subject("r.certificate_subject", aliases)} AS certificate_subject,
    r.birth_year, r.birth_month,
    CASE t.sex WHEN 'M' THEN {retire(mb, mf, ms, mc)} WHEN 'F' THEN {retire(fb, ff, fs, fc)} END AS retire_m
  FROM {files(d, "workforce_teacher_year", y)} r JOIN sch USING (school_id)
  JOIN {files(d, "teacher")} t ON t.id = r.teacher_id
  WHERE r.school_year_id = {y} AND t.sex IN ('M', 'F')
),
taught AS (
  SELECT l.teacher_year_id AS record_id, {_subject("l.subject", aliases)} AS subject,
    sum(l.weekly_periods) AS periods
  FROM {files(d, "workforce_subject_load", y)} l WHERE l.teacher_year_id IN (SELECT record_id FROM tea)
  GROUP BY ALL
),
shares AS (
  SELECT tea.school_id, tea.record_id, taught.subject,
    taught.periods / sum(taught.periods) OVER (PARTITION BY taught.record_id) AS share,
    tea.retire_m <= {params.horizon_months} AS retires,
    coalesce({_rank("tea.certificate_stage")} >= {_rank("tea.teaching_stage")}
      AND (CASE WHEN tea.certificate_stage = 'kindergarten' THEN tea.teaching_stage = 'kindergarten'
                ELSE tea.certificate_subject = taught.subject END), false) AS covered
  FROM taught JOIN tea USING (record_id)
  QUALIFY sum(taught.periods) OVER (PARTITION BY taught.record_id) > 0
)"""


def _norm_rows(params: Any) -> tuple[str, str]:
    stages = sorted(set(params.ratio) | set(params.load) | set(params.village_ratio))
    norms = ", ".join(
        f"('{s}', {float(params.ratio.get(s, 0.0))!r}, {float(params.village_ratio.get(s, 0.0))!r}, "
        f"{float(params.load.get(s, 0.0))!r})"
        for s in stages
    )
    periods = ", ".join(
        f"({text(s)}, {int(g)}, {float(v)!r})" for s, by in params.periods.items() for g, v in by.items() if v
    )
    return (
        f"(VALUES {norms}) AS norm(stage, ratio, village_ratio, teaching_load)",
        f"(VALUES {periods or chr(39) * 2 + ', 0, 0.0'}) AS curriculum(subject, grade, periods)",
    )


def _outputs(
    directory: str | Path, *, school_year_id: int, area_path: str, params: Any, aliases: dict[str, str]
) -> tuple[str, dict[str, str]]:
    """(the CTEs, and per output its SELECT over them)."""
    base = _base(
        directory, school_year_id=school_year_id, area_path=area_path, params=params, aliases=aliases
    )
    norm, curriculum = _norm_rows(params)
    year, month = params.today
    ctes = f"""{base},
need AS (
  SELECT g.school_id, curriculum.subject, sum(g.n * curriculum.periods / norm.teaching_load) AS need
  FROM grades g JOIN {curriculum} ON curriculum.grade = g.grade
  JOIN {norm} ON norm.stage = {_grade_stage("g.grade")}
  WHERE norm.teaching_load > 0
  GROUP BY ALL HAVING sum(g.n * curriculum.periods / norm.teaching_load) <> 0
),
supply AS (
  SELECT school_id, subject, sum(share) AS have, sum(share) FILTER (covered) AS qualified,
    sum(share) FILTER (covered AND retires) AS retiring
  FROM shares GROUP BY ALL
),
subj AS (
  SELECT need.school_id, need.subject, need.need, coalesce(supply.have, 0.0) AS have,
    coalesce(supply.qualified, 0.0) AS qualified, coalesce(supply.retiring, 0.0) AS retiring
  FROM need LEFT JOIN supply USING (school_id, subject)
),
stage_posts AS (
  SELECT g.school_id, sum(g.pupils) AS pupils, sum(g.n) AS n, any_value(sch.village) AS village,
    any_value(norm.ratio) AS ratio, any_value(norm.village_ratio) AS village_ratio
  FROM grades g JOIN sch USING (school_id) JOIN {norm} ON norm.stage = {_grade_stage("g.grade")}
  WHERE norm.ratio > 0
  GROUP BY g.school_id, norm.stage
),
posts AS (
  SELECT school_id, sum(CASE WHEN village AND village_ratio > 0
                             THEN greatest(pupils / ratio, n * village_ratio)
                             ELSE pupils / ratio END) AS need
  FROM stage_posts GROUP BY ALL
),
per_school AS (SELECT school_id, sum(pupils) AS students, sum(n) AS classes FROM grades GROUP BY ALL),
outside AS (
  SELECT school_id, count(DISTINCT record_id) AS outside_certificate
  FROM shares WHERE NOT covered GROUP BY ALL
)"""
    bands = " ".join(f"WHEN age BETWEEN {lo} AND {hi} THEN {text(label)}" for label, lo, hi in AGE_BANDS)
    selects = {
        "schools": f"""
SELECT sch.school_id, coalesce(any_value(per_school.students), 0)::BIGINT AS students,
  coalesce(any_value(per_school.classes), 0)::BIGINT AS classes,
  ceil(round(coalesce(any_value(posts.need), 0), 6))::BIGINT AS posts_needed,
  count(tea.record_id) FILTER (tea.employment_type = 'established')::BIGINT AS posts_held,
  count(tea.record_id)::BIGINT AS teachers,
  coalesce(any_value(outside.outside_certificate), 0)::BIGINT AS outside_certificate,
  count(tea.record_id) FILTER (tea.certificate_stage = 'none')::BIGINT AS uncertified,
  count(tea.record_id) FILTER (tea.retire_m <= {params.horizon_months})::BIGINT AS retiring
FROM sch LEFT JOIN posts USING (school_id) LEFT JOIN per_school USING (school_id)
  LEFT JOIN outside USING (school_id) LEFT JOIN tea USING (school_id)
GROUP BY sch.school_id""",
        "subjects": "SELECT school_id, subject, need, have, qualified, retiring FROM subj",
        "heat": """
SELECT sch.town_id, subj.subject, sum(greatest(subj.need - subj.qualified, 0)) AS gap,
  sum(greatest(subj.need - subj.qualified + subj.retiring, 0)) AS gap_in_five_years
FROM subj JOIN sch USING (school_id) GROUP BY ALL""",
        "ages": f"""
SELECT locale, CASE {bands} ELSE {text(OLDEST)} END AS band, count(*)::BIGINT AS teachers
FROM (SELECT locale, {year} - birth_year - (birth_month > {month})::INT AS age FROM tea)
GROUP BY ALL""",
        "retirements": f"""
SELECT (retire_m // 12)::BIGINT AS year, locale, count(*)::BIGINT AS teachers FROM tea
WHERE retire_m >= {year * 12 + month - 1} AND retire_m // 12 < {year + HORIZON}
GROUP BY ALL""",
    }
    return ctes, selects


COLUMNS = {
    "schools": ("school_id", "students", "classes", "posts_needed", "posts_held", "teachers",
                "outside_certificate", "uncertified", "retiring"),
    "subjects": ("school_id", "subject", "need", "have", "qualified", "retiring"),
    "heat": ("town_id", "subject", "gap", "gap_in_five_years"),
    "ages": ("locale", "band", "teachers"),
    "retirements": ("year", "locale", "teachers"),
}  # fmt: skip


def workforce_parts(
    directory: str | Path, *, school_year_id: int, area_path: str, params: Any, aliases: dict[str, str]
) -> list[tuple[str, str]]:
    """(part, SQL) for each of the five outputs alone. `params` is a `workforce.province.Params`
    (the norms and the day), `aliases` the norms' subject aliases."""
    ctes, selects = _outputs(
        directory, school_year_id=school_year_id, area_path=area_path, params=params, aliases=aliases
    )
    return [(part, f"WITH {ctes}\n{selects[part]}\nORDER BY ALL") for part in PARTS]


def workforce_sql(
    directory: str | Path, *, school_year_id: int, area_path: str, params: Any, aliases: dict[str, str]
) -> str:
    """The limit line: the five outputs in one query (each row tagged by its output in `part`, its
    columns named `<output>.<column>`), as `workforce_parts` gives them one by one."""
    ctes, selects = _outputs(
        directory, school_year_id=school_year_id, area_path=area_path, params=params, aliases=aliases
    )
    tagged = "\nUNION ALL BY NAME\n".join(
        f"SELECT '{part}' AS part, "
        + ", ".join(f'"{c}" AS "{part}.{c}"' for c in COLUMNS[part])
        + f" FROM ({selects[part]})"
        for part in PARTS
    )
    return f"WITH {ctes}\n{tagged}"


def workforce_frames(sql: str) -> tuple[dict[str, pd.DataFrame], float]:
    """`workforce_sql`'s query on a fresh in-memory DuckDB, split into the five outputs: (outputs,
    seconds of the query and its result)."""
    import duckdb
    import pyarrow.compute as pc

    con = duckdb.connect()
    started = time.perf_counter()
    table = con.sql(sql).to_arrow_table()
    seconds = time.perf_counter() - started
    con.close()
    out = {}
    for part in PARTS:
        piece = table.filter(pc.equal(table["part"], part)).select([f"{part}.{c}" for c in COLUMNS[part]])
        frame = piece.to_pandas()
        frame.columns = list(COLUMNS[part])
        out[part] = frame
    return out, seconds
