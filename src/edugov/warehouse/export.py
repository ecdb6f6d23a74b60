"""`edugov warehouse export DIR`: the registered tables as Parquet files, partitioned by school year
and district, written incrementally, with a manifest.

Layout: DIR/<table>/year=<year>/district=<code>/part-0.parquet (either level omitted when the
table has no year or no area; the year is the school year's start year, or the calendar year of
the table's date), DIR/manifest.json.

Incremental: a first pass streams every table in chunks and computes, per partition, the row
count and an order-independent checksum (sum of 64-bit row hashes); only partitions whose
checksum differs from the manifest's (or whose file is missing) are rewritten, each in a second
streamed pass filtered to that partition. Memory is bounded by the chunk size, not the table.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import ExtractYear

from edugov.registry.models import Area, AreaLevel

from .registry import WarehouseTable, warehouse_tables

SCHEMA_VERSION = 1
MANIFEST = "manifest.json"
CHUNK_ROWS = 50_000
NO_DISTRICT = "none"  # rows whose area lies above district level (or has none)
_MASK = (1 << 64) - 1


def arrow_type(f: models.Field) -> pa.DataType:
    """Warehouse column types: the same mapping as the indicator engine's (decimals as float64)."""
    if isinstance(f, models.BooleanField):
        return pa.bool_()
    if isinstance(f, models.DecimalField | models.FloatField):
        return pa.float64()
    if isinstance(f, models.DateTimeField):
        return pa.timestamp("us", tz="UTC")
    if isinstance(f, models.DateField):
        return pa.date32()
    if isinstance(f, models.IntegerField | models.AutoField | models.BigAutoField | models.ForeignKey):
        return pa.int64()
    if isinstance(f, models.CharField | models.TextField | models.JSONField | models.GenericIPAddressField):
        return pa.string()
    raise ValueError(f"{f.model._meta.label}.{f.name}: no warehouse type for {type(f).__name__}")


def arrow_schema(table: WarehouseTable) -> pa.Schema:
    """The exported columns' schema (personal data left out, see registry)."""
    return pa.schema([pa.field(f.column, arrow_type(f), nullable=True) for f in table.fields])


def _schema_fingerprint(schema: pa.Schema) -> str:
    return hashlib.sha256(str([(f.name, str(f.type)) for f in schema]).encode()).hexdigest()[:16]


def _convert(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return value


class DistrictMap:
    """Area id → code of the district (区县) the area lies in, and the reverse."""

    def __init__(self) -> None:
        rows = list(Area.objects.values_list("id", "code", "level", "path"))
        level_of = {code: level for _, code, level, _ in rows}
        self.district_of: dict[int, str] = {}
        for pk, _code, _level, path in rows:
            codes = [c for c in path.split("/") if c]
            district = next((c for c in codes if level_of.get(c) == AreaLevel.DISTRICT), NO_DISTRICT)
            self.district_of[pk] = district
        self.areas_in: dict[str, list[int]] = {}
        for pk, district in self.district_of.items():
            self.areas_in.setdefault(district, []).append(pk)


def partition_key(table: WarehouseTable, year: Any, district: str | None) -> str:
    parts = []
    if table.by_year:
        parts.append(f"year={year}")
    if table.area:
        parts.append(f"district={district}")
    return "/".join(parts)


def _queryset(table: WarehouseTable) -> models.QuerySet:
    qs = table.model._base_manager.all()
    extra: dict[str, Any] = {}
    if table.school_year:
        extra["wh_year"] = F(f"{table.school_year}__start_year")
    elif table.day:
        extra["wh_year"] = ExtractYear(table.day)
    if table.area:
        extra["wh_area"] = F(table.area)
    return qs.annotate(**extra) if extra else qs


def _chunks(
    table: WarehouseTable, qs: models.QuerySet, dmap: DistrictMap
) -> Iterator[tuple[pa.Table, list[str]]]:
    """The rows of `qs` as Arrow tables of at most CHUNK_ROWS rows, with each row's partition key."""
    fields = table.fields
    schema = arrow_schema(table)
    names = [f.attname for f in fields]
    extra = [n for n, on in (("wh_year", table.by_year), ("wh_area", table.area)) if on]
    cursor = qs.order_by("pk").values_list(*names, *extra).iterator(chunk_size=CHUNK_ROWS)
    buf: list[tuple] = []

    def flush() -> tuple[pa.Table, list[str]]:
        columns = list(zip(*buf, strict=True))
        arrays = [
            pa.array([_convert(v) for v in columns[i]], type=schema.field(i).type) for i in range(len(fields))
        ]
        keys = []
        for row in buf:
            rest = dict(zip(extra, row[len(fields) :], strict=True))
            area_id = rest.get("wh_area")
            district = dmap.district_of.get(area_id, NO_DISTRICT) if area_id is not None else NO_DISTRICT
            keys.append(partition_key(table, rest.get("wh_year"), district))
        return pa.Table.from_arrays(arrays, schema=schema), keys

    for row in cursor:
        buf.append(row)
        if len(buf) >= CHUNK_ROWS:
            yield flush()
            buf = []
    if buf:
        yield flush()


def _row_hashes(chunk: pa.Table) -> np.ndarray:
    frame = chunk.to_pandas(timestamp_as_object=False)
    return pd.util.hash_pandas_object(frame, index=False).to_numpy(dtype=np.uint64)


@dataclass
class _Acc:
    rows: int = 0
    total: int = 0

    def add(self, hashes: np.ndarray) -> None:
        self.rows += len(hashes)
        self.total = (self.total + int(hashes.sum(dtype=np.uint64))) & _MASK

    def checksum(self, fingerprint: str) -> str:
        return f"{fingerprint}:{self.rows}:{self.total:016x}"


def _checksums(table: WarehouseTable, dmap: DistrictMap, fingerprint: str) -> dict[str, str]:
    accs: dict[str, _Acc] = {}
    for chunk, keys in _chunks(table, _queryset(table), dmap):
        hashes = _row_hashes(chunk)
        key_arr = np.array(keys, dtype=object)
        for key in set(keys):
            accs.setdefault(key, _Acc()).add(hashes[key_arr == key])
    return {key: acc.checksum(fingerprint) for key, acc in accs.items()}


def _partition_queryset(table: WarehouseTable, key: str, dmap: DistrictMap) -> models.QuerySet:
    qs = _queryset(table)
    for part in filter(None, key.split("/")):
        name, value = part.split("=", 1)
        if name == "year" and table.school_year:
            qs = qs.filter(**{f"{table.school_year}__start_year": int(value)})
        elif name == "year":
            qs = qs.filter(**{f"{table.day}__year": int(value)})
        else:
            area_q = Q(**{f"{table.area}__in": dmap.areas_in.get(value, [])})
            if value == NO_DISTRICT:
                area_q |= Q(**{f"{table.area}__isnull": True})
            qs = qs.filter(area_q)
    return qs


def _file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _write_partition(
    table: WarehouseTable, key: str, directory: Path, dmap: DistrictMap, fingerprint: str
) -> dict[str, Any]:
    rel = Path(table.name) / key / "part-0.parquet" if key else Path(table.name) / "part-0.parquet"
    target = directory / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".parquet.tmp")
    acc = _Acc()
    schema = arrow_schema(table)
    with pq.ParquetWriter(tmp, schema, compression="zstd") as writer:
        for chunk, _keys in _chunks(table, _partition_queryset(table, key, dmap), dmap):
            acc.add(_row_hashes(chunk))
            writer.write_table(chunk)
    os.replace(tmp, target)
    return {
        "file": rel.as_posix(),
        "rows": acc.rows,
        "checksum": acc.checksum(fingerprint),
        "bytes": target.stat().st_size,
        "sha256": _file_sha256(target),
    }


@dataclass
class ExportResult:
    directory: Path
    seconds: float = 0.0
    written: list[str] = field(default_factory=list)  # "table/partition"
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    bytes: int = 0  # the warehouse's size after the export
    bytes_written: int = 0  # of the partitions this export rewrote
    seconds_checking: float = 0.0  # reading the database's rows to compare partitions' checksums


def read_manifest(directory: Path) -> dict[str, Any]:
    path = Path(directory) / MANIFEST
    if not path.exists():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def warehouse_export(
    *,
    directory: Path,
    tables: list[str] | None = None,
    full: bool = False,
    progress: Callable[[int, int, str], None] | None = None,
) -> ExportResult:
    """Export the registered tables (or those named) into `directory`, rewriting only changed
    partitions unless `full`. The manifest is replaced last, atomically. `progress(done, total,
    table)` hears before each table (and once at the end, with an empty name)."""
    started = time.perf_counter()
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    old = read_manifest(directory)
    if old and old.get("schema_version") != SCHEMA_VERSION:
        old, full = {}, True
    registered = warehouse_tables()
    unknown = sorted(set(tables or []) - set(registered))
    if unknown:
        raise ValueError(f"未登记的数据仓库表：{'、'.join(unknown)}")
    chosen = [registered[n] for n in (tables or sorted(registered))]
    result = ExportResult(directory=directory)
    dmap = DistrictMap()
    manifest_tables: dict[str, Any] = dict(old.get("tables", {}))

    for index, table in enumerate(chosen):
        if progress is not None:
            progress(index, len(chosen), table.name)
        schema = arrow_schema(table)
        fingerprint = _schema_fingerprint(schema)
        before = {} if full else old.get("tables", {}).get(table.name, {}).get("partitions", {})
        checking = time.perf_counter()
        now = _checksums(table, dmap, fingerprint)
        result.seconds_checking += time.perf_counter() - checking
        partitions: dict[str, Any] = {}
        for key in sorted(now):
            prev = before.get(key)
            if prev and prev["checksum"] == now[key] and (directory / prev["file"]).exists():
                partitions[key] = prev
                result.unchanged.append(f"{table.name}/{key}")
                continue
            partitions[key] = _write_partition(table, key, directory, dmap, fingerprint)
            result.written.append(f"{table.name}/{key}")
            result.bytes_written += partitions[key]["bytes"]
        empty_key = "empty" if table.partitioned else ""
        for key, prev in before.items():
            if key not in now and not (not now and key == empty_key):
                (directory / prev["file"]).unlink(missing_ok=True)
                result.removed.append(f"{table.name}/{key}")
        if not partitions:
            # An empty table still has a file, so that readers know its columns.
            key = empty_key
            empty = Path(table.name) / (f"{key}/part-0.parquet" if key else "part-0.parquet")
            (directory / empty).parent.mkdir(parents=True, exist_ok=True)
            pq.write_table(schema.empty_table(), directory / empty)
            partitions[key] = {
                "file": empty.as_posix(),
                "rows": 0,
                "checksum": f"{fingerprint}:0:{0:016x}",
                "bytes": (directory / empty).stat().st_size,
                "sha256": _file_sha256(directory / empty),
            }
        elif table.partitioned and "empty" in partitions:
            partitions.pop("empty")
        manifest_tables[table.name] = {
            "model": table.model._meta.label,
            "columns": [[f.name, str(f.type)] for f in schema],
            "partition_by": [n for n, on in (("year", table.by_year), ("district", table.area)) if on],
            "rows": sum(p["rows"] for p in partitions.values()),
            "bytes": sum(p["bytes"] for p in partitions.values()),
            "files": [p["file"] for p in partitions.values()],
            "partitions": partitions,
        }
        if table.by_year:
            manifest_tables[table.name]["year_of"] = (
                "school_year.start_year" if table.school_year else f"{table.day} (calendar year)"
            )
        result.rows[table.name] = manifest_tables[table.name]["rows"]

    if progress is not None:
        progress(len(chosen), len(chosen), "")
    manifest = {
        "schema_version": SCHEMA_VERSION,
        "exported_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "tables": manifest_tables,
    }
    tmp = directory / (MANIFEST + ".tmp")
    tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, directory / MANIFEST)
    result.bytes = sum(t["bytes"] for t in manifest_tables.values())
    result.seconds = time.perf_counter() - started
    return result
