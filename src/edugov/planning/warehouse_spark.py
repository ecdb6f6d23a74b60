"""学位预测's province computation on Spark: `planning.warehouse`'s bulk tables and `bulk.duck`'s
statements, their DuckDB SQL transpiled, over temporary views of the warehouse's Parquet files
(`edugov.warehouse.spark`: local mode, a standalone cluster or Spark Connect). The tables DuckDB
holds between its statements (the enrolment, the towns' figures, the projection) are cached
temporary views here."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from edugov.warehouse.spark import spark_sql, spark_views

from .bulk import GAP_KEYS, SCHOOL_KEYS, Params
from .bulk.duck import query
from .warehouse import HELD, bulk_params, province_sources, warehouse_views

# Spark's SQL has no PRODUCT aggregate (only its DataFrame functions do): the product of a group's
# values folded over their list, NULL for a group of none as on DuckDB.
_PRODUCT = re.compile(r"\bPRODUCT\(([^()]+)\)")
_FOLD = r"CASE WHEN COUNT(\1) > 0 THEN AGGREGATE(COLLECT_LIST(\1), CAST(1 AS DOUBLE), (a, v) -> a * v) END"


def planning_spark_sql(duckdb_sql: str) -> str:
    """`spark_sql` with PRODUCT folded."""
    return _PRODUCT.sub(_FOLD, spark_sql(duckdb_sql))


def _frame(session: Any, duckdb_sql: str) -> pd.DataFrame:
    """The statement's rows as pandas, its decimals (Spark reads `0.0` and `45.0` as decimals)
    as floats, as DuckDB's `df()` gives them."""
    import pyarrow as pa

    table = session.sql(planning_spark_sql(duckdb_sql)).toArrow()
    frame = table.to_pandas()
    for field in table.schema:
        if pa.types.is_decimal(field.type):
            frame[field.name] = frame[field.name].astype("float64")
    return frame


def _hold(session: Any, name: str, duckdb_sql: str) -> Any:
    """The statement's rows held as the temporary view `name` (DuckDB's temporary table): checkpointed,
    so the statements that read it many times see one leaf, not the plan of its files and joins
    copied into every reference (which ran Spark's analyser out of memory)."""
    frame = session.sql(planning_spark_sql(duckdb_sql)).localCheckpoint()
    frame.createOrReplaceTempView(name)
    return frame


def spark_run(session: Any, sources: Mapping[str, str], p: Params) -> tuple[pd.DataFrame, pd.DataFrame]:
    """`warehouse.run_sources` on Spark: (schools, gaps) of `bulk.duck`'s statements, the enrolment
    and the towns' figures and then the projection held between them as DuckDB holds them."""
    held = {name: f"planning_wh_{name}" for name in HELD}
    cached = [_hold(session, table, f"SELECT * FROM {sources[name]}") for name, table in held.items()]
    try:
        head, forecast, gaps = query({**sources, **held}, p)
        cached.append(_hold(session, "planning_bulk_proj", f"{head}, {forecast} SELECT * FROM proj"))
        schools = _frame(
            session,
            "SELECT district, town, school, year, grade, pupils FROM planning_bulk_proj "
            f"ORDER BY {', '.join(SCHOOL_KEYS)}",
        )
        frame = _frame(
            session,
            f"{head}, proj AS (SELECT * FROM planning_bulk_proj), {gaps} "
            f"SELECT * FROM gaps ORDER BY {', '.join(GAP_KEYS)}",
        )
    finally:
        for df in cached:
            df.unpersist()
        for table in [*held.values(), "planning_bulk_proj"]:
            session.catalog.dropTempView(table)
    return schools, frame


def spark_forecast(
    *, directory: str | Path, school_year: Any, area: Any, horizon: int = 5
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """`warehouse.province_forecast` on Spark: the same files (the classes of the school years
    starting by `school_year`'s), the same statements, the same (schools, gaps)."""
    session_views = spark_views(directory)
    views = warehouse_views(session_views, start_year=school_year.start_year)
    sources = province_sources(views, start_year=school_year.start_year, area_path=area.path)
    return spark_run(session_views.session, sources, bulk_params(horizon))


__all__ = ["planning_spark_sql", "spark_forecast", "spark_run"]
