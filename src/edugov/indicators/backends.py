"""Where an indicator runs. The same Ibis expression is executed on:

- "sqlite" / "postgres": the operational database itself, through Django's own connection (so
  the computation sees exactly what the pages see, inside the same transaction);
- "duckdb": an in-process columnar copy of the tables the indicators need, moved through Arrow;
- "spark": the same tables in a local (or configured) Spark session.

DuckDB and Spark get their tables from the operational database, or, inside
`use_warehouse(DIR)` (or `Workspace.from_warehouse`), from the warehouse's Parquet files
(`edugov warehouse export DIR`), which is how they run at province scale.
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import os
import tempfile
import threading
from collections.abc import Callable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

import ibis
import pandas as pd
from django.db import connection, models

ENGINES = ("sqlite", "postgres", "duckdb", "spark")


class EngineError(ValueError):
    pass


def database_engine() -> str:
    """The engine that computes on the operational database itself."""
    return "postgres" if connection.vendor == "postgresql" else "sqlite"


IBIS_TYPES: list[tuple[type[models.Field], str]] = [
    (models.BooleanField, "boolean"),
    (models.DecimalField, "float64"),
    (models.FloatField, "float64"),
    (models.DateTimeField, "timestamp('UTC')"),
    (models.DateField, "date"),
    (models.ForeignKey, "int64"),
    (models.AutoField, "int64"),
    (models.BigAutoField, "int64"),
    (models.IntegerField, "int64"),
    (models.JSONField, "string"),
    (models.CharField, "string"),
    (models.TextField, "string"),
]


def model_schema(model: type[models.Model]) -> ibis.Schema:
    """The Ibis schema of a model's table, from its field types (decimals as float64)."""
    columns = {}
    for f in model._meta.concrete_fields:
        for field_type, ibis_type in IBIS_TYPES:
            if isinstance(f, field_type):
                columns[f.column] = ibis_type
                break
        else:
            raise EngineError(f"{model._meta.label}.{f.name}: no Ibis type for {type(f).__name__}")
    return ibis.schema(columns)


def read_model_frame(model: type[models.Model]) -> pd.DataFrame:
    """One operational table as a typed DataFrame: decimals as float64, datetimes as UTC
    timestamps, booleans as bool, so that DuckDB and Spark infer the same types the DB has."""
    fields = model._meta.concrete_fields
    qn = connection.ops.quote_name
    cols = ", ".join(qn(f.column) for f in fields if f.column)  # concrete fields: every one has a column
    with connection.cursor() as cursor:
        # Identifiers come from model metadata, quoted by the backend; no user input.
        cursor.execute(f"SELECT {cols} FROM {qn(model._meta.db_table)}")
        frame = pd.DataFrame.from_records(cursor.fetchall(), columns=[f.column for f in fields])
    for f in fields:
        col = f.column
        if isinstance(f, models.DecimalField | models.FloatField):
            frame[col] = pd.to_numeric(frame[col], errors="coerce").astype("float64")
        elif isinstance(f, models.DateTimeField):
            frame[col] = pd.to_datetime(frame[col], utc=True)
        elif isinstance(f, models.DateField):
            frame[col] = pd.to_datetime(frame[col])
        elif isinstance(f, models.BooleanField):
            frame[col] = frame[col].astype(bool)
        elif isinstance(f, models.IntegerField | models.AutoField | models.ForeignKey):
            # Nullable keys become float64 (NaN for NULL), which every engine reads the same way.
            frame[col] = frame[col].astype("float64" if f.null else "int64")
        else:
            frame[col] = frame[col].astype("string" if len(frame) == 0 else object)
    return frame


@lru_cache(maxsize=1)
def spark_session() -> Any:
    """One Spark session per process: starting one costs ~10 s. Loopback only, no UI."""
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName("edugov-indicators")
    remote = os.environ.get("EDUGOV_SPARK_REMOTE")  # e.g. sc://spark-connect:15002 on a cluster
    if remote:
        return builder.remote(remote).getOrCreate()
    master = os.environ.get("EDUGOV_SPARK_MASTER", "local[2]")
    if not master.startswith("local"):
        # On a cluster the executors must reach the driver: no loopback, default host.
        builder = builder.master(master)
    else:
        builder = builder.master(master).config("spark.driver.host", "127.0.0.1")
    return (
        builder.config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.session.timeZone", "UTC")
        # One warehouse per process: a managed table's files left by an earlier process would
        # make Spark refuse to create the table again (LOCATION_ALREADY_EXISTS).
        .config("spark.sql.warehouse.dir", tempfile.mkdtemp(prefix="edugov-spark-warehouse-"))
        .getOrCreate()
    )


_WAREHOUSE: contextvars.ContextVar[Path | None] = contextvars.ContextVar("edugov_warehouse", default=None)


@contextlib.contextmanager
def use_warehouse(directory: str | Path) -> Iterator[None]:
    """Within this block, DuckDB and Spark workspaces read the warehouse's Parquet files instead of
    the operational database (SQLite/PostgreSQL workspaces are unaffected)."""
    token = _WAREHOUSE.set(Path(directory))
    try:
        yield
    finally:
        _WAREHOUSE.reset(token)


def warehouse_in_use() -> bool:
    """Whether a `use_warehouse` block is active (DuckDB and Spark then read Parquet files)."""
    return _WAREHOUSE.get() is not None


def _manifest_entry(directory: Path, model: type[models.Model]) -> dict[str, Any]:
    manifest_path = directory / "manifest.json"
    if not manifest_path.exists():
        raise EngineError(f"数据仓库目录中没有 manifest.json：{directory}")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    for table in manifest.get("tables", {}).values():
        if table.get("model") == model._meta.label:
            return dict(table)
    raise EngineError(f"数据仓库中没有 {model._meta.label} 的数据，请先导出")


def warehouse_files(directory: str | Path, model: type[models.Model]) -> list[str]:
    """The Parquet files holding `model`'s rows, from the warehouse manifest."""
    directory = Path(directory)
    return [str(directory / f) for f in _manifest_entry(directory, model)["files"]]


def warehouse_columns(directory: str | Path, model: type[models.Model]) -> list[str]:
    """The model's columns the warehouse holds, in the model's order: personal data are not
    exported (edugov.warehouse.registry), so an indicator reading one fails by name."""
    names = model_schema(model).names
    listed = _manifest_entry(Path(directory), model).get("columns")
    if listed is None:  # a manifest written by hand (the benchmarks): every column
        return list(names)
    present = {c[0] for c in listed}
    return [n for n in names if n in present]


_SQL_CACHE: dict[tuple[str, Any], str] = {}
SQL_CACHE_SIZE = 512


def compiled_sql(expr: Any, dialect: str) -> str:
    """The SQL of an expression, compiled once per process: Ibis compilation costs far more than
    running the query on a district's data. Expressions compare structurally (their operations
    are immutable and hashed once), so a page asking again for the same year and area reuses it."""
    key = (dialect, expr.op())
    sql = _SQL_CACHE.get(key)
    if sql is None:
        sql = str(ibis.to_sql(expr, dialect=dialect))
        if len(_SQL_CACHE) >= SQL_CACHE_SIZE:
            _SQL_CACHE.clear()
        _SQL_CACHE[key] = sql
    return sql


@lru_cache(maxsize=1)
def _warehouse_duckdb_class() -> type:
    """The DuckDB backend over one state of the warehouse, kept per thread (`_warehouse_duckdb`):
    each distinct expression is compiled once (Ibis's compilation of a module's question costs
    more than DuckDB's answer to it). Defined on first use: importing Ibis's DuckDB backend is
    not free, and most processes never read the warehouse."""
    from ibis.backends.duckdb import Backend

    class WarehouseDuckDB(Backend):  # type: ignore[misc]
        def compile(
            self, expr: Any, /, *, limit: Any = None, params: Any = None, pretty: bool = False
        ) -> str:
            if limit is not None or params or pretty:
                return str(super().compile(expr, limit=limit, params=params, pretty=pretty))
            cache: dict[Any, str] = self.__dict__.setdefault("_edugov_sql", {})
            key = expr.op()
            sql = cache.get(key)
            if sql is None:
                sql = cache[key] = str(super().compile(expr))
            return sql

    return WarehouseDuckDB


_LOCAL = threading.local()


def _warehouse_duckdb(directory: Path) -> tuple[Any, dict[str, Any], dict[Any, Any]]:
    """This thread's DuckDB connection over the warehouse as its manifest now stands, with the
    tables (views over the Parquet files) made so far and the compiled questions: reused until
    the manifest changes (an export replaces it), so the views and SQL match the files."""
    manifest = directory / "manifest.json"
    if not manifest.exists():
        raise EngineError(f"数据仓库目录中没有 manifest.json：{directory}")
    stat = manifest.stat()
    stamp = (str(directory.resolve()), stat.st_mtime_ns, stat.st_size)
    held = getattr(_LOCAL, "duckdb", None)
    if held is None or held[0] != stamp:
        # The previous connection closes when the last workspace holding it goes.
        held = _LOCAL.duckdb = (stamp, _warehouse_duckdb_class()().connect(), {}, {})
    return held[1], held[2], held[3]


def _frozen(value: Any) -> Any:
    if isinstance(value, dict):
        return tuple(sorted((k, _frozen(v)) for k, v in value.items()))
    if isinstance(value, set | frozenset):
        return ("set", tuple(sorted(value)))
    if isinstance(value, list | tuple | range):
        return tuple(_frozen(v) for v in value)
    return value


def arrow_frame(table: Any, schema: ibis.Schema) -> pd.DataFrame:
    """A DuckDB result (Arrow) as the DataFrame Ibis's `execute` gives for `schema`: columns
    converted whole, element by element only where Ibis does so (nested, dictionary, nulls)."""
    import pyarrow.types as pat
    from ibis.backends.duckdb.converter import DuckDBPandasData

    frame = pd.DataFrame(
        {
            name: (
                col.to_pylist()
                if pat.is_nested(col.type) or pat.is_dictionary(col.type) or col.null_count
                else col.to_pandas()
            )
            for name, col in zip(table.column_names, table.columns, strict=True)
        }
    )
    return DuckDBPandasData.convert_table(frame, schema)


class Workspace:
    """An Ibis backend plus the tables the indicators read, by logical name."""

    @classmethod
    def from_warehouse(
        cls, engine: str, directory: str | Path, tables: dict[str, type[models.Model]]
    ) -> Workspace:
        """A DuckDB or Spark workspace over the warehouse's Parquet files."""
        if engine not in ("duckdb", "spark"):
            raise EngineError(f"数据仓库只能用 duckdb 或 spark 引擎计算，不能用 {engine}")
        with use_warehouse(directory):
            return cls(engine, tables)

    def __init__(self, engine: str, tables: dict[str, type[models.Model]]) -> None:
        if engine not in ENGINES:
            raise EngineError(f"未知的计算引擎：{engine}（可选：{'、'.join(ENGINES)}）")
        self.engine = engine
        self.table_names = tables
        self._queries: dict[Any, Any] | None = None  # a warehouse DuckDB's known questions
        self.warehouse = _WAREHOUSE.get() if engine in ("duckdb", "spark") else None
        if self.warehouse is not None:
            self._tables = self._warehouse_tables(self.warehouse, tables)
        elif engine in ("sqlite", "postgres"):
            expected = "sqlite" if engine == "sqlite" else "postgresql"
            if connection.vendor != expected:
                raise EngineError(f"当前数据库是 {connection.vendor}，不能用 {engine} 引擎直接计算")
            # The expression is compiled to this database's SQL and run on Django's own connection:
            # read-only, inside the caller's transaction, never a second connection or a commit.
            self.backend = None
            self.dialect = engine
            self._tables = {k: ibis.table(model_schema(m), name=m._meta.db_table) for k, m in tables.items()}
        elif engine == "duckdb":
            self.backend = ibis.duckdb.connect()
            self._tables = {k: self.backend.create_table(k, read_model_frame(m)) for k, m in tables.items()}
        else:
            self.backend = ibis.pyspark.connect(spark_session())
            self._tables = {
                k: self.backend.create_table(f"edugov_{k}", read_model_frame(m), overwrite=True)
                for k, m in tables.items()
            }

    def _warehouse_tables(self, directory: Path, tables: dict[str, type[models.Model]]) -> dict[str, Any]:
        # Only the model's columns, in its order: the files may carry partition columns too.
        out: dict[str, Any] = {}
        if self.engine == "duckdb":
            self.backend, made, self._queries = _warehouse_duckdb(directory)
            for k, m in tables.items():
                label = m._meta.label
                if label not in made:
                    view = f"wh_{m._meta.db_table}"
                    t = self.backend.read_parquet(warehouse_files(directory, m), table_name=view)
                    made[label] = t.select(*warehouse_columns(directory, m))
                out[k] = made[label]
            return out
        session = spark_session()
        self.backend = ibis.pyspark.connect(session)
        for k, m in tables.items():
            # Files listed explicitly: no partition discovery, the columns are the model's.
            frame = session.read.parquet(*warehouse_files(directory, m))
            frame.createOrReplaceTempView(f"edugov_wh_{k}")
            out[k] = self.backend.table(f"edugov_wh_{k}").select(*warehouse_columns(directory, m))
        return out

    def table(self, name: str) -> Any:
        return self._tables[name]

    def query(self, builder: Callable[..., Any], /, **params: Any) -> pd.DataFrame:
        """`self.execute(builder(self, **params))`; over the warehouse on DuckDB the question's SQL
        is kept per builder and arguments (and warehouse state), so asking it again runs the SQL
        at once, without building or compiling the expression. `builder` must depend on its
        arguments and the workspace's tables only."""
        queries, backend = self._queries, self.backend
        if queries is None or backend is None:
            return self.execute(builder(self, **params))
        key = (builder.__module__, builder.__qualname__, _frozen(params))
        known = queries.get(key)
        if known is None:
            expr = builder(self, **params).as_table()
            known = queries[key] = (backend.compile(expr), expr.schema())
        sql, schema = known
        return arrow_frame(backend.con.sql(sql).to_arrow_table(), schema)

    def execute(self, expr: Any) -> pd.DataFrame:
        if self.backend is not None:
            return self.backend.execute(expr)
        sql = compiled_sql(expr, self.dialect)
        with connection.cursor() as cursor:
            cursor.execute(sql)
            names = [d[0] for d in cursor.description]
            return pd.DataFrame.from_records(cursor.fetchall(), columns=names)

    def rows(self, expr: Any) -> tuple[list[str], list[tuple[Any, ...]]]:
        """The expression's column names and rows as tuples: on the operational database straight
        from the cursor (no DataFrame), for the computations that go on row by row in Python."""
        if self.backend is not None:
            frame = self.backend.execute(expr)
            return [str(c) for c in frame.columns], list(frame.itertuples(index=False, name=None))
        sql = compiled_sql(expr, self.dialect)
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return [d[0] for d in cursor.description], cursor.fetchall()

    def sql(self, expr: Any) -> str:
        """The SQL an expression compiles to on this engine (shown to engineers, used in docs)."""
        return str(ibis.to_sql(expr, dialect="postgres" if self.engine == "postgres" else self.engine))
