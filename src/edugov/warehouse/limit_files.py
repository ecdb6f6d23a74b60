"""What the limit line's hand-written queries share: a warehouse table's files as DuckDB's
`read_parquet` of the paths the manifest lists, and SQL literals."""

from __future__ import annotations

import datetime as dt
import json
from functools import lru_cache
from pathlib import Path
from typing import Any


def text(value: str) -> str:
    """A SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


@lru_cache(maxsize=64)
def _manifest(directory: str) -> dict[str, Any]:
    # The manifest read here, not through warehouse.export: the bench's driver imports the limit
    # line's module list without Django set up.
    manifest: dict[str, Any] = json.loads((Path(directory) / "manifest.json").read_text(encoding="utf-8"))
    return manifest


def start_year(directory: str | Path, school_year_id: int) -> int | None:
    """A school year's start year, from the warehouse's own `school_year` table."""
    import pyarrow.parquet as pq

    for f in _manifest(str(directory))["tables"].get("school_year", {}).get("files", []):
        rows = pq.read_table(Path(directory) / f, columns=["id", "start_year"]).to_pylist()
        for row in rows:
            if int(row["id"]) == int(school_year_id):
                return int(row["start_year"])
    return None


def table_files(
    directory: str | Path, table: str, school_year_id: int | None = None, *, year: int | None = None
) -> list[Path]:
    """A warehouse table's files, by its name in the manifest, as edugov's own questions read them
    (`WarehouseState.year_view`): with `school_year_id`, that school year's partitions where the
    table is partitioned by the school year; with `year`, the partitions of that year in the
    table's own terms (a school year's start year, or a calendar year); all of them when the
    manifest lists none."""
    entry = _manifest(str(directory))["tables"][table]
    names = entry["files"]
    if school_year_id is not None and entry.get("year_of") == "school_year.start_year":
        year = start_year(directory, school_year_id)
    if year is not None and entry.get("year_of"):
        chosen = [p["file"] for key, p in entry["partitions"].items() if key.split("/")[0] == f"year={year}"]
        names = chosen or names
    return [Path(directory) / f for f in names]


def files(
    directory: str | Path, table: str, school_year_id: int | None = None, *, year: int | None = None
) -> str:
    """`read_parquet` of a warehouse table's files (`table_files`)."""
    paths = ", ".join(text(str(f)) for f in table_files(directory, table, school_year_id, year=year))
    return f"read_parquet([{paths}], hive_partitioning = false)"


def date(day: dt.date) -> str:
    return f"DATE '{day.isoformat()}'"
