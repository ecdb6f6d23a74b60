"""Runs one measured step inside a configured Django process and prints a JSON line.

python -m bench.worker setup-classes ROWS CSV [--bad N]
python -m bench.worker import-edugov CSV
python -m bench.worker import-peer CSV
python -m bench.worker fingerprint
python -m bench.worker build-demo SCALE
python -m bench.worker build-province SCALE
python -m bench.worker export DIR
python -m bench.worker evaluate ENGINE district|province WAREHOUSE|- OUT_JSON
python -m bench.worker pandas-peer WAREHOUSE district|province OUT_JSON
python -m bench.worker all-districts ENGINE WAREHOUSE
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


def build_demo(scale: float) -> dict:
    from django.core.management import call_command

    from edugov.demo.services import demo_build

    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    result = demo_build(seed=1, scale=scale)
    return {"seconds": time.perf_counter() - start, "counts": result.counts, "peak_mb": _peak_mb()}


# Generators the province build leaves to the bench's own writers (homework: whole-term Parquet
# written directly) or that feed no indicator (rectification).
PROVINCE_SKIPS = ("burden", "rectification")


def build_province(scale: float) -> dict:
    """The demo at `scale` with the generators of every module with indicators except homework
    publication (registry, accounts, resources, tutoring): each generator's time is recorded."""
    from django.core.management import call_command

    from edugov.demo.base import unregister_generator
    from edugov.demo.services import demo_build

    call_command("migrate", verbosity=0)
    for name in PROVINCE_SKIPS:
        unregister_generator(name)
    generators: dict[str, float] = {}
    start = time.perf_counter()
    # demo_build's progress hears each generator's GeneratorDone (name, rows, seconds) once it is done.
    result = demo_build(
        seed=1, scale=scale, progress=lambda done: generators.__setitem__(done.name, round(done.seconds, 1))
    )
    end = time.perf_counter()
    return {"seconds": end - start, "counts": result.counts, "generators": generators, "peak_mb": _peak_mb()}


def warehouse_export_step(directory: str) -> dict:
    from pathlib import Path

    from edugov.warehouse.export import warehouse_export

    result = warehouse_export(directory=Path(directory))
    return {
        "seconds": result.seconds,
        "bytes": result.bytes,
        "written": len(result.written),
        "unchanged": len(result.unchanged),
        "rows": result.rows,
        "peak_mb": _peak_mb(),
    }


def _target(level: str):  # type: ignore[no-untyped-def]
    from edugov.registry.models import Area, AreaLevel, SchoolYear

    year = SchoolYear.objects.get(is_current=True)
    lvl = AreaLevel.PROVINCE if level == "province" else AreaLevel.DISTRICT
    return year, Area.objects.filter(level=lvl).order_by("path").first()


def _digest(ev) -> dict:  # type: ignore[no-untyped-def]
    return {
        "units": {f"{s.school_id}|{s.stage}": [r.value for r in s.indicators] for s in ev.schools},
        "cvs": {f"{c.stage}|{c.code}": c.cv for c in ev.cvs},
    }


def evaluate(engine: str, level: str, warehouse: str, out: str) -> dict:
    import contextlib

    from edugov.indicators.backends import use_warehouse
    from edugov.resources.evaluation import evaluate_balanced

    year, area = _target(level)
    ctx = use_warehouse(warehouse) if warehouse != "-" else contextlib.nullcontext()
    runs = []
    with ctx:
        for _ in range(2):  # the first run includes imports, loading standards, starting Spark
            start = time.perf_counter()
            ev = evaluate_balanced(school_year=year, area=area, engine=engine)
            runs.append(time.perf_counter() - start)
    with open(out, "w", encoding="utf-8") as f:
        json.dump(_digest(ev), f)
    return {"seconds": runs[-1], "first_seconds": runs[0], "units": len(ev.schools), "peak_mb": _peak_mb()}


def pandas_peer(warehouse: str, level: str, out: str) -> dict:
    from pathlib import Path

    from bench.pandas_peer import balanced_units, indicator_values, weighted_cv

    year, area = _target(level)
    start = time.perf_counter()
    units = balanced_units(Path(warehouse), school_year_id=year.pk, area_path=area.path)
    values = indicator_values(units)
    cvs = weighted_cv(units)
    seconds = time.perf_counter() - start
    codes = [c for c in values.columns if c.startswith("balanced.")]
    digest = {
        "units": {
            f"{int(r['school_id'])}|{r['stage']}": [
                None if r[c] != r[c] else round(float(r[c]), 9) for c in codes
            ]
            for r in values.to_dict("records")
        },
        "cvs": {f"{stage}|{code}": None if v is None else round(v, 9) for (stage, code), v in cvs.items()},
    }
    with open(out, "w", encoding="utf-8") as f:
        json.dump(digest, f)
    return {"seconds": seconds, "units": len(values), "peak_mb": _peak_mb()}


def all_districts(engine: str, warehouse: str) -> dict:
    from edugov.indicators.backends import use_warehouse
    from edugov.registry.models import Area, AreaLevel, SchoolYear
    from edugov.resources.evaluation import evaluate_balanced

    year = SchoolYear.objects.get(is_current=True)
    districts = list(Area.objects.filter(level=AreaLevel.DISTRICT).order_by("path"))
    start = time.perf_counter()
    units = 0
    with use_warehouse(warehouse):
        for area in districts:
            units += len(evaluate_balanced(school_year=year, area=area, engine=engine).schools)
    return {
        "seconds": time.perf_counter() - start,
        "districts": len(districts),
        "units": units,
        "peak_mb": _peak_mb(),
    }


PEAK_NUMBERS = range(80, 100)  # class numbers the demo never uses: every uploaded row is new


def web_setup(uploads: int, directory: str) -> dict:
    """One small class file per school admin, and a server-side session for each (logging 300
    users in through the form would measure password hashing, not uploads)."""
    import csv
    from pathlib import Path

    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from edugov.accounts.models import Role, User
    from edugov.registry.models import SCHOOL_TYPE_GRADES, Grade, SchoolYear

    year = SchoolYear.objects.get(is_current=True)
    labels = {int(v): str(label) for v, label in Grade.choices}
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    admins = (
        User.objects.filter(role=Role.SCHOOL_ADMIN, school__isnull=False, is_active=True)
        .select_related("school")
        .order_by("username")[:uploads]
    )
    jobs, rows = [], 0
    for user in admins:
        grade = max(SCHOOL_TYPE_GRADES[user.school.school_type])
        path = out / f"classes_{user.school.code}.csv"
        with path.open("w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(["学校标识码", "学年", "年级", "班号", "班级名称", "男生数", "女生数"])
            for number in PEAK_NUMBERS:
                writer.writerow(
                    [
                        user.school.code,
                        f"{year.start_year}-{year.start_year + 1}",
                        labels[grade],
                        number,
                        "",
                        20,
                        21,
                    ]
                )
                rows += 1
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        jobs.append({"session": session.session_key, "path": str(path)})
    return {"uploads": jobs, "rows": rows}


def web_count() -> dict:
    from django.db.models import Count

    from edugov.ingest.models import ImportBatch
    from edugov.registry.models import SchoolClass

    peak = SchoolClass.objects.filter(number__in=list(PEAK_NUMBERS))
    dup = (
        peak.values("school_id", "school_year_id", "grade", "number").annotate(n=Count("id")).filter(n__gt=1)
    )
    return {
        "new_rows": peak.count(),
        "duplicates": dup.count(),
        "succeeded": ImportBatch.objects.filter(status="succeeded").count(),
    }


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
    elif cmd == "build-demo":
        out = build_demo(float(argv[1]))
    elif cmd == "build-province":
        out = build_province(float(argv[1]))
    elif cmd == "export":
        out = warehouse_export_step(argv[1])
    elif cmd == "evaluate":
        out = evaluate(argv[1], argv[2], argv[3], argv[4])
    elif cmd == "pandas-peer":
        out = pandas_peer(argv[1], argv[2], argv[3])
    elif cmd == "web-setup":
        out = web_setup(int(argv[1]), argv[2])
    elif cmd == "web-count":
        out = web_count()
    elif cmd == "all-districts":
        out = all_districts(argv[1], argv[2])
    else:
        raise SystemExit(f"unknown step {cmd}")
    print("BENCH " + json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1:])
