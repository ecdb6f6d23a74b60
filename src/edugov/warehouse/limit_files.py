"""What the limit line's hand-written queries share: a warehouse table's files as DuckDB's
`read_parquet` of the paths the manifest lists, and SQL literals."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path


def text(value: str) -> str:
    """A SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def files(directory: str | Path, table: str) -> str:
    """`read_parquet` of a warehouse table's files, by its name in the manifest."""
    # The manifest read here, not through warehouse.export: the bench's driver imports the limit
    # line's module list without Django set up.
    manifest = json.loads((Path(directory) / "manifest.json").read_text(encoding="utf-8"))
    entry = manifest["tables"][table]
    paths = ", ".join(text(str(Path(directory) / f)) for f in entry["files"])
    return f"read_parquet([{paths}], hive_partitioning = false)"


def date(day: dt.date) -> str:
    return f"DATE '{day.isoformat()}'"
