"""Runs one measured step inside a configured Django process and prints a JSON line.

python -m bench.worker setup-classes ROWS CSV [--bad N]
python -m bench.worker import-edugov CSV
python -m bench.worker import-peer CSV
python -m bench.worker fingerprint
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import sys
import time


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edugov.settings")
    import django

    django.setup()


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def setup_classes(rows: int, csv_path: str, bad: int) -> dict:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from edugov.ingest.samples import ensure_sample_schools, schools_needed, write_classes_csv

    codes = ensure_sample_schools(schools_needed(rows))
    write_classes_csv(csv_path, rows, seed=1, school_codes=codes, bad_rows=bad)
    return {"schools": len(codes)}


def import_edugov(csv_path: str) -> dict:
    from pathlib import Path

    from edugov.ingest.services import import_file
    from edugov.registry.models import SchoolClass

    start = time.perf_counter()
    batch = import_file(kind="classes", path=Path(csv_path), original_name=Path(csv_path).name, user=None)
    seconds = time.perf_counter() - start
    rejected_rows = sorted({p["row"] for p in batch.errors or [] if p.get("row")})
    return {
        "seconds": seconds,
        "status": batch.status,
        "created": batch.created_count,
        "updated": batch.updated_count,
        "unchanged": batch.unchanged_count,
        "error_count": batch.error_count,
        "rejected_rows": rejected_rows,
        "rows_in_db": SchoolClass.objects.count(),
        "peak_mb": _peak_mb(),
    }


def import_peer(csv_path: str) -> dict:
    import tablib

    from bench.iexport_peer import ClassResource
    from edugov.registry.models import SchoolClass

    start = time.perf_counter()
    with open(csv_path, encoding="utf-8") as f:
        dataset = tablib.Dataset().load(f.read(), format="csv")
    result = ClassResource().import_data(dataset, dry_run=False, use_transactions=True, raise_errors=False)
    seconds = time.perf_counter() - start
    # Row numbers as a spreadsheet shows them: header is row 1, first data row is row 2.
    rejected = sorted({r.number + 1 for r in result.invalid_rows} | {n + 1 for n, _ in result.row_errors()})
    return {
        "seconds": seconds,
        "status": "rejected" if result.has_errors() or result.has_validation_errors() else "ok",
        "created": result.totals.get("new", 0),
        "rejected_rows": rejected,
        "rows_in_db": SchoolClass.objects.count(),
        "peak_mb": _peak_mb(),
    }


def fingerprint() -> dict:
    from edugov.registry.models import SchoolClass

    h = hashlib.sha256()
    rows = SchoolClass.objects.order_by("school__code", "grade", "number").values_list(
        "school__code", "school_year__start_year", "grade", "number", "name", "boys", "girls"
    )
    n = 0
    for row in rows.iterator(chunk_size=5000):
        h.update(repr(row).encode())
        n += 1
    return {"rows": n, "sha256": h.hexdigest()}


def main(argv: list[str]) -> None:
    _django()
    cmd = argv[0]
    if cmd == "setup-classes":
        bad = int(argv[4]) if len(argv) > 4 and argv[3] == "--bad" else 0
        out = setup_classes(int(argv[1]), argv[2], bad)
    elif cmd == "import-edugov":
        out = import_edugov(argv[1])
    elif cmd == "import-peer":
        out = import_peer(argv[1])
    elif cmd == "fingerprint":
        out = fingerprint()
    else:
        raise SystemExit(f"unknown step {cmd}")
    print("BENCH " + json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1:])
