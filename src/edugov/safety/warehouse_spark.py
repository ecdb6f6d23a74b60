"""校园安全's province computation on Spark: `warehouse.safety_sql`'s one statement, its DuckDB SQL
transpiled by sqlglot, over temporary views of the warehouse's Parquet files (the same files, the
same years, as on DuckDB): `edugov.warehouse.spark`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd

from edugov.warehouse.spark import as_duckdb_frame, spark_sql, spark_views

from . import rules
from .warehouse import Term, safety_sql, split, views_of


def spark_safety(*, directory: str | Path, day: dt.date, area: Any) -> dict[str, pd.DataFrame]:
    """`warehouse.province_safety` on Spark: the same statement over the same files, the same
    `schools` and `towns`."""
    session_views = spark_views(directory)
    term = Term.on(day)
    sql = safety_sql(
        views_of(session_views, day=day, term=term),
        day=day,
        term=term,
        area_path=area.path,
        target=rules.reminder_target(),
    )
    return split(as_duckdb_frame(session_views.session.sql(spark_sql(sql)).toArrow()))
