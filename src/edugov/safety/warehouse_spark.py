"""校园安全's province computation on Spark: `warehouse.safety_sql`'s one statement, its DuckDB SQL
transpiled by sqlglot (`workforce.warehouse_spark.spark_sql`), over temporary views of the
warehouse's Parquet files (the same files, the same years, as on DuckDB), in the session of
`indicators.backends.spark_session` (local mode, a standalone cluster or Spark Connect)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
from django.db import models

from edugov.workforce.warehouse_spark import spark_sql

from . import rules
from .warehouse import Term, safety_sql, split, views_of

# View name -> (the session, the manifest's checksum, the files) it was made for: each call would
# otherwise list and open the files again (~5 s of a warm call at scale 50).
_MADE: dict[str, tuple[Any, str, tuple[str, ...]]] = {}


class SparkViews:
    """The warehouse state's `view` and `year_view` (`indicators.warehouse_duckdb`) as Spark
    temporary views: a model's files, or its files of one year (all of them when the manifest
    lists none for that year), read by the session; `warehouse.views_of` picks them as on DuckDB.
    A view is made again only in another session or when the manifest has changed."""

    def __init__(self, session: Any, state: Any) -> None:
        self.session, self.state = session, state

    def _view(self, name: str, files: list[str]) -> str:
        made = _MADE.get(name)
        stamp = (self.state.sql_dir.name, tuple(files))
        if made is None or made[0] is not self.session or made[1:] != stamp:
            self.session.read.parquet(*files).createOrReplaceTempView(name)
            _MADE[name] = (self.session, *stamp)
        return name

    def view(self, model: type[models.Model]) -> str:
        files = [str(self.state.directory / f) for f in self.state.entry(model)["files"]]
        return self._view(f"edugov_sf_{model._meta.db_table}", files)

    def year_view(self, model: type[models.Model], start_year: int) -> str:
        files = self.state.year_files(model, start_year)
        if not files:
            return self.view(model)
        return self._view(f"edugov_sf_{model._meta.db_table}__y{int(start_year)}", files)


def spark_safety(*, directory: str | Path, day: dt.date, area: Any) -> dict[str, pd.DataFrame]:
    """`warehouse.province_safety` on Spark: the same statement over the same files, the same
    `schools` and `towns`."""
    from edugov.indicators.backends import spark_session
    from edugov.indicators.warehouse_duckdb import warehouse_state

    session = spark_session()
    state = warehouse_state(Path(directory))  # the manifest, as the DuckDB path reads it
    term = Term.on(day)
    sql = safety_sql(
        views_of(SparkViews(session, state), day=day, term=term),
        day=day,
        term=term,
        area_path=area.path,
        target=rules.reminder_target(),
    )
    return split(as_duckdb_frame(session.sql(spark_sql(sql)).toArrow()))


def as_duckdb_frame(table: pa.Table) -> pd.DataFrame:
    """The rows as DuckDB's `.df()` makes a frame (a column with NULLs as pandas' nullable Int64 or
    boolean, not float or object), so both engines' frames are alike to the dtype."""
    import duckdb

    con = duckdb.connect()
    try:
        return con.from_arrow(table).df()
    finally:
        con.close()
