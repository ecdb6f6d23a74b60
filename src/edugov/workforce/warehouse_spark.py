"""师资队伍's province computation on Spark: `workforce.province`'s one statement, its DuckDB SQL
transpiled by sqlglot, over temporary views of the warehouse's Parquet files, in the session of
`edugov.warehouse.spark` (local mode, a standalone cluster or Spark Connect)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd

from edugov.warehouse.spark import spark_sql, spark_views

from .province import Params, norm_tables, province_sql, split_outputs
from .warehouse import province_sources, staffing_params, views_of


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
    session_views = spark_views(directory)
    sources = province_sources(
        views_of(session_views, school_year), school_year_id=school_year.pk, area_path=area.path
    )
    params = staffing_params(school_year=school_year, area=area, today=today)
    return spark_compute(session_views.session, sources, params)
