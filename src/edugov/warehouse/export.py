"""`edugov warehouse export DIR`: the registered tables as Parquet files, partitioned by school year
and district, written incrementally, with a manifest.

Layout: DIR/<table>/year=<year>/district=<code>/part-0.parquet (either level omitted when the
table has no year or no area; the year is the school year's start year, or the calendar year of
the table's date), DIR/manifest.json.

Incremental without reading the rows: per partition the manifest keeps a signature (rows, the
largest primary key, the latest `updated_at` where the model has one), which the database gives
for every partition of a table in one grouped query, and the audit trail's last event id. A
partition is read again only when its signature moved (rows added or deleted, a row moved to
another partition), when the audit trail has an event for the table's model in its district since
the last export (a row edited in place), or when its file is missing; it is rewritten only when
the checksum of what was read (sum of 64-bit row hashes) differs from the manifest's. A write that
bypasses both the audit trail and the signature (an in-place UPDATE by hand) is found by
`verify=True`, which reads every row and compares every checksum, as `full=True` rewrites every
partition. Memory is bounded by the chunk size, not the table.
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
from django.db.models import Count, F, Max, Q
from django.db.models.functions import ExtractYear

from edugov.audit.models import AuditEvent
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
        self.level_of = level_of
        self.district_of: dict[int, str] = {}
        for pk, _code, _level, path in rows:
            self.district_of[pk] = self.district_of_path(path)
        self.areas_in: dict[str, list[int]] = {}
        for pk, district in self.district_of.items():
            self.areas_in.setdefault(district, []).append(pk)

    def district_of_path(self, path: str) -> str:
        """The code of the district an area path lies in (NO_DISTRICT above or outside one)."""
        codes = [c for c in path.split("/") if c]
        return next((c for c in codes if self.level_of.get(c) == AreaLevel.DISTRICT), NO_DISTRICT)


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


def _updated_field(table: WarehouseTable) -> str | None:
    """The model's `updated_at` (auto_now) column, if it has one: a signature part that moves
    with every save."""
    for f in table.fields:
        if isinstance(f, models.DateTimeField) and getattr(f, "auto_now", False):
            return f.name
    return None


def _signatures(table: WarehouseTable, dmap: DistrictMap, fingerprint: str) -> dict[str, str]:
    """Per partition: rows, the largest primary key and the latest update, from one grouped query
    (the database counts; no row comes into Python). Keys are allocated upwards, so an added row
    raises the largest key and a deleted one lowers the count."""
    qs = _queryset(table).order_by()
    group = [n for n, on in (("wh_year", table.by_year), ("wh_area", table.area)) if on]
    updated = _updated_field(table)
    sums: dict[str, Any] = {"n": Count("pk"), "top": Max("pk")}
    if updated:
        sums["changed"] = Max(updated)
    groups = qs.values(*group).annotate(**sums) if group else [qs.aggregate(**sums)]
    parts: dict[str, list[Any]] = {}
    for g in groups:
        if not g["n"]:
            continue
        area_id = g.get("wh_area")
        district = dmap.district_of.get(area_id, NO_DISTRICT) if area_id is not None else NO_DISTRICT
        acc = parts.setdefault(partition_key(table, g.get("wh_year"), district), [0, 0, ""])
        acc[0] += g["n"]
        acc[1] = max(acc[1], g["top"])
        changed = g.get("changed")
        acc[2] = max(acc[2], changed.isoformat() if changed else "")
    return {key: f"{fingerprint}:{n}:{top}:{changed}" for key, (n, top, changed) in parts.items()}


ALL_DISTRICTS = "*"


def _edited_districts(table: WarehouseTable, dmap: DistrictMap, since: int | None) -> set[str]:
    """Districts in which the audit trail records a write to the table's model after event
    `since` (ALL_DISTRICTS for an event no district holds, or when there is no mark)."""
    if since is None:
        return {ALL_DISTRICTS}
    paths = (
        AuditEvent.objects.filter(pk__gt=since, model=table.model._meta.label)
        .order_by()
        .values_list("area_path", flat=True)
        .distinct()
    )
    districts = {dmap.district_of_path(p) for p in paths}
    return {ALL_DISTRICTS if d == NO_DISTRICT else d for d in districts}


def _district_of_key(key: str) -> str:
    for part in key.split("/"):
        if part.startswith("district="):
            return part.split("=", 1)[1]
    return ALL_DISTRICTS  # a table without districts: any edit of its model concerns it


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
    table: WarehouseTable,
    key: str,
    directory: Path,
    dmap: DistrictMap,
    fingerprint: str,
    keep_if: str | None = None,
) -> dict[str, Any] | None:
    """Read the partition's rows and write its file; None (the file left as it is) when their
    checksum is `keep_if`, the manifest's."""
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
    if keep_if is not None and acc.checksum(fingerprint) == keep_if and target.exists():
        tmp.unlink()
        return None
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
    seconds_checking: float = 0.0  # signatures and audit trail (and, with verify, every row's checksum)
    read: list[str] = field(default_factory=list)  # partitions whose rows were read (written or not)


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
    verify: bool = False,
    progress: Callable[[int, int, str], None] | None = None,
) -> ExportResult:
    """Export the registered tables (or those named) into `directory`, reading only partitions
    whose signature moved or whose district the audit trail shows edited (see the module's
    docstring); `verify` reads every row and compares checksums instead, `full` rewrites every
    partition. The manifest is replaced last, atomically. `progress(done, total, table)` hears
    before each table (and once at the end, with an empty name)."""
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
    # Events after this one are looked at by the next export (those during this one included).
    audit_mark = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    for index, table in enumerate(chosen):
        if progress is not None:
            progress(index, len(chosen), table.name)
        schema = arrow_schema(table)
        fingerprint = _schema_fingerprint(schema)
        before = {} if full else old.get("tables", {}).get(table.name, {}).get("partitions", {})
        checking = time.perf_counter()
        now = _signatures(table, dmap, fingerprint)
        checksums = _checksums(table, dmap, fingerprint) if verify and before else {}
        since = old.get("tables", {}).get(table.name, {}).get("audit_mark")
        edited = _edited_districts(table, dmap, since) if before else set()
        result.seconds_checking += time.perf_counter() - checking
        partitions: dict[str, Any] = {}
        for key in sorted(now):
            prev = before.get(key)
            name = f"{table.name}/{key}"
            if prev is not None and (directory / prev["file"]).exists():
                if verify:
                    same = prev["checksum"] == checksums.get(key)
                else:
                    same = prev.get("signature") == now[key] and not edited & {
                        ALL_DISTRICTS,
                        _district_of_key(key),
                    }
                if same:
                    partitions[key] = {**prev, "signature": now[key]}
                    result.unchanged.append(name)
                    continue
            result.read.append(name)
            keep_if = prev["checksum"] if prev is not None and not verify else None
            entry = _write_partition(table, key, directory, dmap, fingerprint, keep_if=keep_if)
            if entry is None:  # read again, the same rows: the file stands
                assert prev is not None
                partitions[key] = {**prev, "signature": now[key]}
                result.unchanged.append(name)
                continue
            partitions[key] = {**entry, "signature": now[key]}
            result.written.append(name)
            result.bytes_written += entry["bytes"]
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
            "audit_mark": audit_mark,
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
