"""The warehouse on DuckDB: one connection per thread over the warehouse's Parquet files as its
manifest stands, each model's view made once, and the known questions' SQL and result schema kept
in memory and on disk beside the manifest, so a fresh process asking a known question runs it on a
plain DuckDB connection without importing Ibis's DuckDB backend or compiling (`Workspace.query`
in `backends` asks through it)."""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import re
import shutil
import sys
import threading
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

import ibis
import pandas as pd
from django.db import models


@lru_cache(maxsize=1)
def _warehouse_duckdb_class() -> Any:
    """The Ibis DuckDB backend over one state of the warehouse (`WarehouseState.ibis`): each
    distinct expression is compiled once (Ibis's compilation of a module's question costs more
    than DuckDB's answer to it). Defined on first use: importing Ibis's DuckDB backend (its SQL
    compilers for every dialect) costs 1-3.5 s, and a question whose SQL is known never needs it."""
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


SCHOOL_YEAR_OF = "school_year.start_year"  # a manifest's `year_of` for tables partitioned by school year
SQL_DIR = ".edugov-sql"  # next to manifest.json: the known questions' SQL, per manifest
PREPARED_MAX = 256  # statements kept prepared per connection (`WarehouseState.run`)
Known = tuple[str, list[tuple[str, str]], list[str]]  # SQL, result schema, shared tables it reads


@lru_cache(maxsize=1)
def definitions_checksum() -> str:
    """What the known questions' SQL follows besides the warehouse: the source of edugov (the
    definitions, the models' columns; tests and migrations aside) and the versions of Ibis,
    sqlglot and DuckDB that compiled and run it. Read once per process (about 600 files)."""
    from importlib import metadata

    import edugov

    digest = hashlib.sha256()
    for name in ("ibis-framework", "sqlglot", "duckdb"):
        try:
            digest.update(f"{name}={metadata.version(name)};".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{name}=?;".encode())
    root = os.path.dirname(edugov.__file__)
    files = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if d not in ("tests", "migrations", "templates", "static", "__pycache__")]
        files += [os.path.join(folder, n) for n in names if n.endswith(".py")]
    for path in sorted(files):  # plain strings: sorting Paths costs seconds under load
        digest.update(path[len(root) :].encode())
        with open(path, "rb") as f:
            digest.update(f.read())
    return digest.hexdigest()


@lru_cache(maxsize=256)
def _source_checksum(path: str | None) -> str:
    """A builder's own file (one defined in a test lies outside `definitions_checksum`)."""
    try:
        with open(path or "", "rb") as f:
            return hashlib.sha256(f.read()).hexdigest()
    except OSError:
        return ""


class WarehouseState:
    """One thread's DuckDB connection over one state of the warehouse (its manifest as it stands):
    the models' views over their Parquet files, the Ibis backend and tables (made only when a
    question must be built), and the questions' SQL and schema, kept in memory and on disk beside
    the manifest (`.edugov-sql/<manifest checksum>/`, keyed by the definitions' checksum), so a
    fresh process asking a known question runs it without importing Ibis's DuckDB backend."""

    def __init__(self, directory: Path, manifest_bytes: bytes) -> None:
        import duckdb

        self.directory = directory
        self.manifest = json.loads(manifest_bytes)
        self.sql_dir = directory / SQL_DIR / hashlib.sha256(manifest_bytes).hexdigest()[:24]
        self.con = duckdb.connect()
        # As Ibis's backend sets them (it sets them again when made): the SQL runs the same.
        self.con.execute("SET TimeZone = 'UTC'")
        self.con.execute("SET python_enable_replacements = false")
        self.views: set[str] = set()
        self.tables: dict[tuple[str, tuple[int, ...] | None], Any] = {}
        self.queries: dict[str, Known] = {}
        self.prepared: dict[str, str] = {}  # a question's SQL -> its prepared statement's name
        self._names = itertools.count()
        self._ibis: Any = None
        self._starts: dict[int, int] | None = None

    def entry(self, model: type[models.Model]) -> dict[str, Any]:
        for table in self.manifest.get("tables", {}).values():
            if table.get("model") == model._meta.label:
                return dict(table)
        from .backends import EngineError  # backends imports this module

        raise EngineError(f"数据仓库中没有 {model._meta.label} 的数据，请先导出")

    def view(self, model: type[models.Model]) -> str:
        """The model's view over its Parquet files (made once), as Ibis's `read_parquet` makes it."""
        name = f"wh_{model._meta.db_table}"
        if name not in self.views:
            files = [str(self.directory / f) for f in self.entry(model)["files"]]
            listed = ", ".join("'" + f.replace("'", "''") + "'" for f in files)
            # Paths from the manifest, quoted as SQL literals; the name from model metadata.
            self.con.execute(
                f'CREATE OR REPLACE TEMPORARY VIEW "{name}" AS SELECT * FROM read_parquet([{listed}])'
            )
            self.views.add(name)
        return name

    def school_year_start(self, school_year_id: int) -> int | None:
        """The start year of a school year, from the warehouse's own `school_year` table (read once
        per connection); None when the warehouse does not hold it."""
        if self._starts is None:
            from edugov.registry.models import SchoolYear

            tables = self.manifest.get("tables", {}).values()
            held = any(t.get("model") == SchoolYear._meta.label for t in tables)
            view = self.view(SchoolYear) if held else None
            rows = self.con.sql(f'SELECT id, start_year FROM "{view}"').fetchall() if view else []
            self._starts = {int(i): int(y) for i, y in rows}
        return self._starts.get(int(school_year_id))

    def years(self, model: type[models.Model]) -> list[int]:
        """The years the manifest lists partitions of for the model (`year=<year>/...`), in its own
        terms (`year_of`: a school year's start year, or a date's calendar year); [] when the model
        is not partitioned by year."""
        entry = self.entry(model)
        if not entry.get("year_of"):
            return []
        keys = {key.split("/")[0] for key in entry.get("partitions", {})}
        return sorted(int(k[5:]) for k in keys if k.startswith("year=") and k[5:].isdigit())

    def year_files(self, model: type[models.Model], years: int | Iterable[int]) -> list[str]:
        """The model's files of those years (`years`, in the terms of its `year_of`), [] when the
        model is not partitioned by year or the manifest lists none for them."""
        entry = self.entry(model)
        if not entry.get("year_of"):
            return []
        wanted = {f"year={int(y)}" for y in ([years] if isinstance(years, int) else years)}
        return [
            str(self.directory / part["file"])
            for key, part in entry.get("partitions", {}).items()
            if key.split("/")[0] in wanted
        ]

    def by_school_year(self, model: type[models.Model]) -> bool:
        """Whether the warehouse partitions the model by the school year (not a calendar year)."""
        return self.entry(model).get("year_of") == SCHOOL_YEAR_OF

    def year_view(self, model: type[models.Model], *years: int) -> str:
        """The model's view over its files of those years (made once), or its whole view when there
        are none: a question on some years' rows opens those years' files only, not every year's
        (their footers and row groups), which at a province's size is most of the scan."""
        chosen = sorted({int(y) for y in years})
        name = f"wh_{model._meta.db_table}__y{'_'.join(map(str, chosen))}"
        if name not in self.views:
            files = self.year_files(model, chosen)
            if not files:
                return self.view(model)
            listed = ", ".join("'" + f.replace("'", "''") + "'" for f in files)
            self.con.execute(
                f'CREATE OR REPLACE TEMPORARY VIEW "{name}" AS SELECT * FROM read_parquet([{listed}])'
            )
            self.views.add(name)
        return name

    def views_of(self, sql: str, models_: Any) -> None:
        """Make the views a kept question's SQL reads: each model's whole view, and the views of
        some years (`year_view`) its text names."""
        for model in models_:
            self.view(model)
            for years in re.findall(rf'"wh_{re.escape(model._meta.db_table)}__y([\d_]+)"', sql):
                self.year_view(model, *(int(y) for y in years.split("_")))

    @property
    def ibis(self) -> Any:
        if self._ibis is None:
            self._ibis = _warehouse_duckdb_class().from_connection(self.con)
        return self._ibis

    def table(self, model: type[models.Model], school_year_ids: tuple[int, ...] | None = None) -> Any:
        """The model's Ibis table; with `school_year_ids`, its rows of those school years, read from
        those years' files where the warehouse partitions the model by the school year."""
        key = (model._meta.label, school_year_ids)
        if key not in self.tables:
            # Only the model's columns, in its order: the files may carry partition columns too.
            from .backends import model_schema

            names = model_schema(model).names
            listed = self.entry(model).get("columns")
            present = None if listed is None else {c[0] for c in listed}
            columns = [n for n in names if present is None or n in present]
            if school_year_ids is None:
                self.tables[key] = self.ibis.table(self.view(model)).select(*columns)
            else:
                starts = [self.school_year_start(i) for i in school_year_ids]
                view = self.view(model)
                if self.by_school_year(model) and None not in starts:
                    view = self.year_view(model, *(s for s in starts if s is not None))
                t = self.ibis.table(view).select(*columns)
                ids = [int(i) for i in school_year_ids]
                row = t.school_year_id == ids[0] if len(ids) == 1 else t.school_year_id.isin(ids)
                self.tables[key] = t.filter(row)
        return self.tables[key]

    def run(self, sql: str, *, prepared: bool = False) -> Any:
        """A question's result as an Arrow table. With `prepared` (a question over the shared
        tables of an evaluation: small work over a small table, where DuckDB takes about as long
        to plan the statement as to run it), its SQL is prepared once per connection and executed
        after: 优质均衡's five questions, 38 ms planned and run, 27 ms run prepared; a shared
        table made again since is bound anew by DuckDB. A question that scans the files runs
        as it is: there planning is a sliver, and a prepared statement returned 双减's million
        class-weeks about 10% slower (1.12 s against 1.01 s)."""
        if not prepared:
            return self.con.sql(sql).to_arrow_table()
        name = self.prepared.get(sql)
        if name is None:
            if len(self.prepared) >= PREPARED_MAX:  # a server asked of many districts and years
                for held in self.prepared.values():
                    self.con.execute(f"DEALLOCATE {held}")
                self.prepared.clear()
            name = f"edugov_question_{next(self._names)}"
            self.con.execute(f"PREPARE {name} AS {sql}")
            self.prepared[sql] = name
        return self.con.sql(f"EXECUTE {name}").to_arrow_table()

    def _path(self, key: str) -> Path:
        module = sys.modules.get(key[2 : key.find("'", 2)])  # the key's first item: repr of the module
        source = _source_checksum(getattr(module, "__file__", None))
        name = hashlib.sha256(repr((definitions_checksum(), source, key)).encode()).hexdigest()
        return self.sql_dir / f"{name[:32]}.json"

    def known(self, key: str) -> Known | None:
        held = self.queries.get(key)
        if held is None:
            try:
                stored = json.loads(self._path(key).read_text(encoding="utf-8"))
            except (OSError, ValueError):
                return None
            if stored.get("key") != key:
                return None
            schema = [(str(n), str(t)) for n, t in stored["schema"]]
            held = self.queries[key] = (stored["sql"], schema, [str(r) for r in stored["requires"]])
        return held

    def keep(self, key: str, sql: str, schema: list[tuple[str, str]], requires: list[str]) -> None:
        """Keep a question's SQL in memory and, when the warehouse directory is writable, on disk
        (written whole, then renamed: a reader sees it complete or not at all); the SQL of earlier
        manifests is removed when a new one's first question is kept."""
        self.queries[key] = (sql, schema, requires)
        path = self._path(key)
        try:
            if not self.sql_dir.exists():
                for old in self.sql_dir.parent.glob("*"):
                    shutil.rmtree(old, ignore_errors=True)
                self.sql_dir.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
            entry = {"key": key, "sql": sql, "schema": schema, "requires": requires}
            tmp.write_text(json.dumps(entry, ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, path)
        except OSError:
            pass  # a read-only warehouse: the SQL is kept for this process only

    @staticmethod
    def shared_name(key: str) -> str:
        return "edugov_shared_" + hashlib.sha256(key.encode()).hexdigest()[:20]


_LOCAL = threading.local()


def warehouse_state(directory: Path) -> WarehouseState:
    """This thread's DuckDB state over the warehouse as its manifest now stands: reused until the
    manifest changes (an export replaces it), so the views and SQL match the files."""
    manifest = directory / "manifest.json"
    if not manifest.exists():
        from .backends import EngineError

        raise EngineError(f"数据仓库目录中没有 manifest.json：{directory}")
    stat = manifest.stat()
    stamp = (str(directory.resolve()), stat.st_mtime_ns, stat.st_size)
    held = getattr(_LOCAL, "duckdb", None)
    if held is None or held[0] != stamp:
        # The previous connection closes when the last workspace holding it goes.
        held = _LOCAL.duckdb = (stamp, WarehouseState(directory, manifest.read_bytes()))
    state: WarehouseState = held[1]
    return state


def _frozen(value: Any) -> Any:
    if isinstance(value, dict):
        return tuple(sorted((k, _frozen(v)) for k, v in value.items()))
    if isinstance(value, set | frozenset):
        return ("set", tuple(sorted(value)))
    if isinstance(value, list | tuple | range):
        return tuple(_frozen(v) for v in value)
    return value


_PLAIN_TYPES = {"boolean", "date", "float32", "float64", "int8", "int16", "int32", "int64", "string"}


def result_schema(columns: list[tuple[str, str]]) -> ibis.Schema:
    """A kept schema's types as Ibis types: the plain ones directly (Ibis's type parser builds its
    grammar on first use, a second of a fresh process under load), others parsed."""
    import ibis.expr.datatypes as dt

    types = {}
    for name, text in columns:
        plain = text.lstrip("!")
        if plain in _PLAIN_TYPES:
            types[name] = getattr(dt, plain).copy(nullable=not text.startswith("!"))
        elif plain == "timestamp('UTC')":
            types[name] = dt.Timestamp(timezone="UTC", nullable=not text.startswith("!"))
        else:
            types[name] = dt.dtype(text)
    return ibis.Schema(types)


def question_key(builder: Callable[..., Any], params: dict[str, Any]) -> str:
    """A question's key: its builder and arguments, as text (the same in every process)."""
    return repr((builder.__module__, builder.__qualname__, _frozen(params)))


def arrow_frame(table: Any, schema: ibis.Schema) -> pd.DataFrame:
    """A DuckDB result (Arrow) as the DataFrame Ibis's `execute` gives for `schema`: columns
    converted whole, element by element only where Ibis does so (nested, dictionary, nulls)."""
    import pyarrow.types as pat

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
    return _pandas_data().convert_table(frame, schema)


@lru_cache(maxsize=1)
def _pandas_data() -> Any:
    """Ibis's DuckDB result conversion (`ibis.backends.duckdb.converter.DuckDBPandasData`, the same
    one override) without importing the DuckDB backend, which that module's package does."""
    from ibis.formats.pandas import PandasData

    class DuckDBPandasData(PandasData):  # type: ignore[misc]
        @staticmethod
        def convert_Array(s: Any, dtype: Any, pandas_type: Any) -> Any:
            return s.replace(float("nan"), None)

    return DuckDBPandasData
