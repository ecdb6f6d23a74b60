"""师资队伍's province computation on Spark: `workforce.province`'s one statement, its DuckDB SQL
transpiled by sqlglot, over temporary views of the warehouse's Parquet files, in the session of
`indicators.backends.spark_session` (local mode, a standalone cluster or Spark Connect)."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from .province import Params, norm_tables, province_sql, split_outputs
from .warehouse import province_sources, staffing_params

# Spark's string literals read \uXXXX but not \a, \f or \v (it reads "\v" as "v"), which sqlglot's
# Spark dialect writes for those characters: the blanks a subject's name is stripped of hold two.
_SPARK_ESCAPES = {"\a": "\\u0007", "\f": "\\u000C", "\v": "\\u000B"}


@lru_cache(maxsize=8)
def spark_sql(duckdb_sql: str) -> str:
    """The statement in Spark's SQL: FILTER, `//`, TRIM's characters, STARTS_WITH, SEMI JOIN and
    GROUP BY ALL as sqlglot writes them for Spark."""
    import sqlglot
    from sqlglot.dialects.spark import Spark

    spark = Spark()
    spark.ESCAPED_SEQUENCES = {**Spark.ESCAPED_SEQUENCES, **_SPARK_ESCAPES}
    return spark.generate(sqlglot.parse_one(duckdb_sql, read="duckdb"))


def spark_compute(session: Any, sources: dict[str, str], p: Params) -> dict[str, pd.DataFrame]:
    """The five outputs by Spark. `sources` maps each table to a relation the session knows (a
    temporary view or a subquery over views); the norms become temporary views of the same names
    as on DuckDB."""
    for name, table in norm_tables(p).items():
        session.createDataFrame(table).createOrReplaceTempView(name)
    sql = spark_sql(province_sql(sources, p, materialize=False))
    return split_outputs(session.sql(sql).toArrow())


def spark_staffing(
    *, directory: str | Path, school_year: Any, area: Any, today: dt.date
) -> dict[str, pd.DataFrame]:
    """`warehouse.province_staffing` on Spark: the same files (the year's, where the manifest lists
    them by year), the same statement, the same five outputs."""
    from edugov.indicators.backends import spark_session
    from edugov.indicators.warehouse_duckdb import warehouse_state
    from edugov.registry.models import Area, School, SchoolClass, Teacher

    from .models import SubjectLoad, TeacherYear

    session = spark_session()
    state = warehouse_state(Path(directory))  # the manifest, as the DuckDB path reads it
    views: dict[str, str] = {}
    for key, model in {
        "school": School,
        "area": Area,
        "teacher": Teacher,
        "school_class": SchoolClass,
        "teacher_year": TeacherYear,
        "subject_load": SubjectLoad,
    }.items():
        # The year's files where the table is partitioned by the school year, as on DuckDB.
        files = state.year_files(model, school_year.start_year)
        files = files or [str(state.directory / f) for f in state.entry(model)["files"]]
        name = views[key] = f"edugov_wf_{key}"
        session.read.parquet(*files).createOrReplaceTempView(name)
    sources = province_sources(views, school_year_id=school_year.pk, area_path=area.path)
    return spark_compute(session, sources, staffing_params(school_year=school_year, area=area, today=today))
