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
from collections.abc import Callable, Iterator, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import ibis
import pandas as pd
from django.db import connection, models

from .warehouse_duckdb import Known, WarehouseState, arrow_frame, question_key, result_schema, warehouse_state

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
_QUESTION_SQL: dict[tuple[str, str, tuple[tuple[str, str], ...]], str] = {}  # Workspace.query on the database
SQL_CACHE_SIZE = 512


def compiled_sql(expr: Any, dialect: str) -> str:
    """The SQL of an expression, compiled once per process: Ibis compilation costs far more than
    running the query on a district's data. Expressions compare structurally (their operations
    are immutable and hashed once), so a page asking again for the same year and area reuses it."""
    return _kept(_SQL_CACHE, (dialect, expr.op()), lambda: str(ibis.to_sql(expr, dialect=dialect)))


def _kept(store: dict[Any, str], key: Any, make: Callable[[], str]) -> str:
    """`store[key]`, made on first use; the store is emptied when it holds SQL_CACHE_SIZE entries."""
    sql = store.get(key)
    if sql is None:
        sql = make()
        if len(store) >= SQL_CACHE_SIZE:
            store.clear()
        store[key] = sql
    return sql


def _year_ids(one: int | None, many: Sequence[int] | None) -> tuple[int, ...] | None:
    if one is not None and many is not None:
        raise ValueError("school_year_id or school_year_ids, not both")
    if one is not None:
        return (int(one),)
    return None if many is None else tuple(sorted({int(i) for i in many}))


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
        self._duck: WarehouseState | None = None  # the warehouse on DuckDB: tables made on demand
        self._requires: list[str] | None = None  # shared tables read by the question being built
        self._made: set[str] = set()  # shared tables this workspace made (`shared`)
        self._backend: Any = None
        self.warehouse = _WAREHOUSE.get() if engine in ("duckdb", "spark") else None
        if self.warehouse is not None and engine == "duckdb":
            self._duck = warehouse_state(self.warehouse)
            self._tables: dict[str, Any] = {}
        elif self.warehouse is not None:
            self._tables = self._spark_warehouse_tables(self.warehouse, tables)
        elif engine in ("sqlite", "postgres"):
            expected = "sqlite" if engine == "sqlite" else "postgresql"
            if connection.vendor != expected:
                raise EngineError(f"当前数据库是 {connection.vendor}，不能用 {engine} 引擎直接计算")
            # The expression is compiled to this database's SQL and run on Django's own connection:
            # read-only, inside the caller's transaction, never a second connection or a commit.
            self.dialect = engine
            self._tables = {k: ibis.table(model_schema(m), name=m._meta.db_table) for k, m in tables.items()}
        elif engine == "duckdb":
            self._backend = ibis.duckdb.connect()
            self._tables = {k: self._backend.create_table(k, read_model_frame(m)) for k, m in tables.items()}
        else:
            self._backend = ibis.pyspark.connect(spark_session())
            self._tables = {
                k: self._backend.create_table(f"edugov_{k}", read_model_frame(m), overwrite=True)
                for k, m in tables.items()
            }

    @property
    def backend(self) -> Any:
        """The Ibis backend (None on the operational database: its SQL runs on Django's connection).
        Over the warehouse on DuckDB it is made on first use: a known question does not need it."""
        if self._duck is not None:
            return self._duck.ibis
        return self._backend

    def _spark_warehouse_tables(
        self, directory: Path, tables: dict[str, type[models.Model]]
    ) -> dict[str, Any]:
        # Only the model's columns, in its order: the files may carry partition columns too.
        out: dict[str, Any] = {}
        session = spark_session()
        self._backend = ibis.pyspark.connect(session)
        for k, m in tables.items():
            # Files listed explicitly: no partition discovery, the columns are the model's.
            frame = session.read.parquet(*warehouse_files(directory, m))
            frame.createOrReplaceTempView(f"edugov_wh_{k}")
            out[k] = self._backend.table(f"edugov_wh_{k}").select(*warehouse_columns(directory, m))
        return out

    def table(
        self, name: str, *, school_year_id: int | None = None, school_year_ids: Sequence[int] | None = None
    ) -> Any:
        """The table by its logical name; with `school_year_id` (or several: `school_year_ids`), its
        rows of that school year (the model has the column): on every engine a filter, and over
        the warehouse on DuckDB that year's partitions only."""
        ids = _year_ids(school_year_id, school_year_ids)
        if self._duck is not None:
            key = name if ids is None else f"{name}@{','.join(map(str, ids))}"
            if key not in self._tables:
                self._tables[key] = self._duck.table(self.table_names[name], ids)
            return self._tables[key]
        table = self._tables[name]
        if ids is None:
            return table
        return table.filter(
            table.school_year_id == ids[0] if len(ids) == 1 else table.school_year_id.isin(ids)
        )

    def query(self, builder: Callable[..., Any], /, **params: Any) -> pd.DataFrame:
        """`self.execute(builder(self, **params))`. On the operational database the question's SQL is
        kept per builder, arguments and tables in this process; over the warehouse on DuckDB it
        is kept per builder and arguments, warehouse state and definitions (in memory and beside the
        manifest), so asking it again, in this process or a later one, runs the SQL at once: no
        expression built or compiled, Ibis's DuckDB backend not imported. `builder` must depend on
        its arguments and the workspace's tables only."""
        duck = self._duck
        if duck is None:
            if self.backend is None:  # the operational database: its SQL kept per question
                return self._frame_of(self._database_sql(builder, params))
            return self.execute(builder(self, **params))
        sql, columns, shared = self._known(duck, builder, params)
        return arrow_frame(duck.run(sql, prepared=bool(shared)), result_schema(columns))

    def query_arrow(self, builder: Callable[..., Any], /, **params: Any) -> Any:
        """The question's result as DuckDB gives it over the warehouse (an Arrow table, the engine's
        own types: a sum of integers is DECIMAL(38, 0)), for callers that read whole columns into
        arrays; None on other engines and sources (ask `query` there)."""
        duck = self._duck
        if duck is None:
            return None
        sql, _, shared = self._known(duck, builder, params)
        return duck.run(sql, prepared=bool(shared))

    def shared(self, builder: Callable[..., Any], /, **params: Any) -> Any:
        """`builder(self, **params)`: a table several questions build on (the 优质均衡 unit table
        under its values, CVs, town and district sums). Over the warehouse on DuckDB it is computed
        once per warehouse state into a temporary table (its columns cast to the expression's
        types) which the questions read, instead of each computing it again; elsewhere it is the
        expression itself. Same contract as `query`'s builders."""
        duck = self._duck
        if duck is None:
            return builder(self, **params)
        key = question_key(builder, params)
        if self._requires is not None:
            self._requires.append(key)
        sql, _, _ = self._known(duck, builder, params, shared=True)
        if key not in self._made:
            self._make(duck, key, sql)
        return duck.ibis.table(duck.shared_name(key))

    def _ready(self, duck: WarehouseState, known: Known) -> bool:
        """Make the shared tables a known question reads, once per workspace (each evaluation
        computes them anew, once for all its questions); False when one's SQL is not known (the
        question is then built again)."""
        for dep in known[2]:
            if dep in self._made:
                continue
            held = duck.known(dep)
            if held is None or not self._ready(duck, held):
                return False
            self._make(duck, dep, held[0])
        return True

    def _make(self, duck: WarehouseState, key: str, sql: str) -> None:
        # The name is a digest; the SQL is Ibis's compilation of a definition.
        duck.views_of(sql, self.table_names.values())
        duck.con.execute(f'CREATE OR REPLACE TEMPORARY TABLE "{duck.shared_name(key)}" AS {sql}')
        self._made.add(key)

    def _known(
        self,
        duck: WarehouseState,
        builder: Callable[..., Any],
        params: dict[str, Any],
        shared: bool = False,
    ) -> Known:
        key = question_key(builder, params)
        known = duck.known(key)
        if known is not None:
            duck.views_of(known[0], self.table_names.values())  # made once per connection
            if self._ready(duck, known):
                return known
        outer, self._requires = self._requires, []
        try:
            expr = builder(self, **params).as_table()
            requires = self._requires
        finally:
            self._requires = outer
        schema = [(str(n), str(t)) for n, t in expr.schema().items()]
        sql = duck.ibis.compile(expr)
        if shared:
            from ibis.backends.sql.datatypes import DuckDBType

            cast = ", ".join(
                f'CAST("{q}" AS {DuckDBType.from_ibis(t).sql("duckdb")}) AS "{q}"'
                for n, t in expr.schema().items()
                if (q := n.replace('"', '""'))
            )
            sql = f"SELECT {cast} FROM ({sql})"
        duck.keep(key, sql, schema, list(dict.fromkeys(requires)))
        return duck.queries[key]

    def _database_sql(self, builder: Callable[..., Any], params: dict[str, Any]) -> str:
        """A question's SQL on the operational database, kept per process by builder, arguments and
        tables: building the expression costs far more than running it on a district's data (the
        优质均衡 evaluation's five questions, 0.4 s of Ibis for a page after every commit)."""
        tables = tuple(sorted((k, m._meta.db_table) for k, m in self.table_names.items()))
        key = (self.dialect, question_key(builder, params), tables)
        return _kept(_QUESTION_SQL, key, lambda: compiled_sql(builder(self, **params), self.dialect))

    def _frame_of(self, sql: str) -> pd.DataFrame:
        with connection.cursor() as cursor:
            cursor.execute(sql)
            names = [d[0] for d in cursor.description]
            return pd.DataFrame.from_records(cursor.fetchall(), columns=names)

    def execute(self, expr: Any) -> pd.DataFrame:
        if self.backend is not None:
            return self.backend.execute(expr)
        return self._frame_of(compiled_sql(expr, self.dialect))

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
