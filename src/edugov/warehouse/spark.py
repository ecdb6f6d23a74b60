"""The warehouse on Spark, as `indicators.warehouse_duckdb` is the warehouse on DuckDB: its tables
as temporary views over the same Parquet files (`SparkViews`, the DuckDB state's `view` and
`year_view`), and a module's DuckDB SQL in Spark's dialect (`spark_sql`), so one statement stays
the definition on both engines. The session is `indicators.backends.spark_session`'s (local mode, a
standalone cluster or Spark Connect)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import pandas as pd
import pyarrow as pa
from django.db import models

# Spark's string literals read \uXXXX but not \a, \f or \v (it reads "\v" as "v"), which sqlglot's
# Spark dialect writes for those characters: the blanks a subject's name is stripped of hold two.
_SPARK_ESCAPES = {"\a": "\\u0007", "\f": "\\u000C", "\v": "\\u000B"}


@lru_cache(maxsize=32)
def spark_sql(duckdb_sql: str) -> str:
    """The statement in Spark's SQL: FILTER, `//`, TRIM's characters, STARTS_WITH, SEMI JOIN and
    GROUP BY ALL as sqlglot writes them for Spark."""
    import sqlglot
    from sqlglot.dialects.spark import Spark

    spark = Spark()
    spark.ESCAPED_SEQUENCES = {**Spark.ESCAPED_SEQUENCES, **_SPARK_ESCAPES}
    return spark.generate(sqlglot.parse_one(duckdb_sql, read="duckdb"))


# View name -> (the session, the manifest's state, the files) it was made for: each call would
# otherwise list and open the files again (~5 s of a warm call at scale 50).
_MADE: dict[str, tuple[Any, str, tuple[str, ...]]] = {}


class SparkViews:
    """The warehouse state's `view`, `year_view` and `years` (`indicators.warehouse_duckdb`) as
    Spark temporary views: a model's files, or its files of some years (all of them when the
    manifest lists none for those years), read by the session. A module picks its views through
    this or the DuckDB state alike, so both engines read the same files. A view is made again only
    in another session or when the manifest has changed."""

    def __init__(self, session: Any, state: Any) -> None:
        self.session, self.state = session, state

    def _view(self, name: str, files: list[str]) -> str:
        made = _MADE.get(name)
        stamp = (self.state.sql_dir.name, tuple(files))
        if made is None or made[0] is not self.session or made[1:] != stamp:
            self.session.read.parquet(*files).createOrReplaceTempView(name)
            _MADE[name] = (self.session, *stamp)
        return name

    def years(self, model: type[models.Model]) -> list[int]:
        return list(self.state.years(model))

    def view(self, model: type[models.Model]) -> str:
        files = [str(self.state.directory / f) for f in self.state.entry(model)["files"]]
        return self._view(f"edugov_wh_{model._meta.db_table}", files)

    def year_view(self, model: type[models.Model], *years: int) -> str:
        chosen = sorted({int(y) for y in years})
        files = self.state.year_files(model, chosen)
        if not files:
            return self.view(model)
        return self._view(f"edugov_wh_{model._meta.db_table}__y{'_'.join(map(str, chosen))}", files)


def spark_views(directory: Any) -> SparkViews:
    """The warehouse in `directory` as Spark views in this process's session (the manifest read
    as the DuckDB path reads it)."""
    from pathlib import Path

    from edugov.indicators.backends import spark_session
    from edugov.indicators.warehouse_duckdb import warehouse_state

    return SparkViews(spark_session(), warehouse_state(Path(directory)))


def as_duckdb_frame(table: pa.Table) -> pd.DataFrame:
    """The rows as DuckDB's `.df()` makes a frame (a column with NULLs as pandas' nullable Int64 or
    boolean, not float or object), so both engines' frames are alike to the dtype."""
    import duckdb

    con = duckdb.connect()
    try:
        return con.from_arrow(table).df()
    finally:
        con.close()
