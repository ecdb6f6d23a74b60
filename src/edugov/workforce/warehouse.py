"""The workforce tables the warehouse exports, and the province-scale staffing that runs on them:
`workforce.province`'s DuckDB computation fed by views over the warehouse's Parquet files (the
registry's schools, classes and teachers, the yearly records and subject loads), in the shape of
`province.frames_from_db`. Names and identifiers stay in the operational database."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd

# What Python's str.strip() removes that matters in a subject's name (canonical_subject strips).
_BLANKS = " \t\n\r\x0b\x0c\u3000\u00a0"


def register() -> None:
    from edugov.warehouse.registry import register_table

    from .models import SubjectLoad, TeacherYear

    register_table("workforce_teacher_year", TeacherYear, school_year="school_year", area="school__area")
    register_table(
        "workforce_subject_load",
        SubjectLoad,
        school_year="teacher_year__school_year",
        area="teacher_year__school__area",
    )


def _text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _canonical(column: str) -> str:
    """`norms.canonical_subject` in SQL: stripped, then the alias table applied."""
    from .norms import SUBJECT_ALIASES

    stripped = f"trim({column}, {_text(_BLANKS)})"
    cases = " ".join(f"WHEN {_text(a)} THEN {_text(b)}" for a, b in SUBJECT_ALIASES.items())
    return f"CASE {stripped} {cases} ELSE {stripped} END" if cases else stripped


def province_sources(views: dict[str, str], *, school_year_id: int, area_path: str) -> dict[str, str]:
    """The four tables of `workforce.province` for the school year and the area (every school under
    its path) as `province.frames_from_db` reads them from the database, as DuckDB subqueries:
    staffed school types, archived schools and classes left out, subjects made canonical. `views`
    maps the warehouse models' tables (school, area, school_class, teacher, teacher_year,
    subject_load) to relations."""
    from edugov.registry.models import Locale

    from .selectors import STAFFED_TYPES, _teaching_stage

    y = int(school_year_id)
    staffed = ", ".join(_text(t) for t in STAFFED_TYPES)
    stage = " ".join(f"WHEN {_text(t)} THEN {_text(_teaching_stage(t))}" for t in STAFFED_TYPES)
    s, a, c, t, ty, ld = (
        views[k] for k in ("school", "area", "school_class", "teacher", "teacher_year", "subject_load")
    )
    schools = f"""(
          SELECT s.id AS school_id, s.area_id AS town_id, s.locale,
                 s.locale = {_text(Locale.RURAL)} OR coalesce(s.is_teaching_point, false) AS village,
                 CASE s.school_type {stage} ELSE 'primary' END AS teaching_stage
          FROM {s} s JOIN {a} a ON s.area_id = a.id
          WHERE s.archived_at IS NULL AND s.school_type IN ({staffed})
            AND starts_with(a.path, {_text(area_path)}))"""
    # The year's classes, records and loads of every school: the computation keeps those of the
    # schools listed (province.duckdb_compute joins each to them), as it does with the database's;
    # loads of other years' records (when `views` are not the year's files alone) join no record.
    return {
        "schools": schools,
        "classes": f"""(
          SELECT c.school_id, c.grade, c.boys + c.girls AS pupils
          FROM {c} c WHERE c.school_year_id = {y} AND c.archived_at IS NULL)""",
        "teachers": f"""(
          SELECT r.id AS record_id, r.school_id, r.employment_type, r.certificate_stage AS cert_stage,
                 {_canonical("r.certificate_subject")} AS cert_subject, r.birth_year, r.birth_month, t.sex
          FROM {ty} r JOIN {t} t ON r.teacher_id = t.id WHERE r.school_year_id = {y})""",
        "loads": f"""(
          SELECT l.teacher_year_id AS record_id, {_canonical("l.subject")} AS subject,
                 l.weekly_periods AS periods
          FROM {ld} l)""",
    }


def staffing_params(*, school_year: Any, area: Any, today: dt.date) -> Any:
    """The norms of the area and year, for `today`, as `province.Params`."""
    from .norms import Norms
    from .province import Params

    return Params.from_norms(Norms.load_for(area.path, school_year.start_year), today.year, today.month)


def province_staffing(
    *, directory: str | Path, school_year: Any, area: Any, today: dt.date, engine: str = "duckdb"
) -> dict[str, pd.DataFrame]:
    """Staffing, age structure and the five-year projection of every staffed school under `area`
    in `school_year`, from the warehouse on DuckDB (`province.duckdb_compute`, the norms of the
    area and year): the five outputs of `workforce.province`. The views over the Parquet files are
    the warehouse state's (`indicators.warehouse_duckdb`), made once per manifest. `engine="spark"`:
    the same statement on Spark (`warehouse_spark`)."""
    if engine == "spark":
        from .warehouse_spark import spark_staffing

        return spark_staffing(directory=directory, school_year=school_year, area=area, today=today)
    if engine != "duckdb":
        from edugov.indicators.backends import EngineError

        raise EngineError(f"师资队伍的全省计算只能用 duckdb 或 spark 引擎，不能用 {engine}")
    from edugov.indicators.warehouse_duckdb import warehouse_state

    from .province import duckdb_compute

    state = warehouse_state(Path(directory))
    sources = province_sources(
        views_of(state, school_year), school_year_id=school_year.pk, area_path=area.path
    )
    params = staffing_params(school_year=school_year, area=area, today=today)
    return duckdb_compute(state.con, sources, params)


def views_of(views: Any, school_year: Any) -> dict[str, str]:
    """The relations `province_sources` reads, from the warehouse's DuckDB state or its Spark views
    (`edugov.warehouse.spark.SparkViews`): the registry's tables whole, the yearly ones of the
    school year's files."""
    from edugov.registry.models import Area, School, SchoolClass, Teacher

    from .models import SubjectLoad, TeacherYear

    chosen = {k: views.view(m) for k, m in {"school": School, "area": Area, "teacher": Teacher}.items()}
    for key, model in (
        ("school_class", SchoolClass),
        ("teacher_year", TeacherYear),
        ("subject_load", SubjectLoad),
    ):
        chosen[key] = views.year_view(model, school_year.start_year)
    return chosen
