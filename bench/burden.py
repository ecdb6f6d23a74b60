"""Burden (双减): weekly homework compliance of the whole demo district over a full term, and 200
teachers publishing homework at once.

    run(work_dir, kinds) -> [(module, figure, value, peer, speed-up), ...] (speed-up: harness.speedup)

- on each of `kinds` ("sqlite", "postgres"): a fresh database with the demo district (`demo --seed 1
  --scale 1`, built for today: its burden generator writes the current term from its start to
  yesterday, at least 9 weeks), then `fill_term`, the
  bench-only generator, which writes the remaining weeks of the term for every compulsory class
  (the same shape: 3-4 written subjects a day, an oral task most days, a few classes over the limit)
  with plain INSERTs, so the district carries a full term;
- `homework_compliance` (edugov.burden.selectors) for the whole district over the full term, best
  of 3, next to `pandas_weekly`, an independent plain-pandas implementation of the same rule on the
  same rows (exported to Parquet): written minutes of a class-week over the school days of that week
  (term dates, weekends, holidays and make-up days from the calendar exceptions), rounded half up to
  0.1 minute, over when strictly above 0 / 60 / 90 by grade. Both must give every class-week the
  same average and verdict;
- on PostgreSQL: 200 teachers publish one homework each through `services.homework_publish`, from
  200 threads released together, each also sending its submission a second time (a double tap):
  exactly 200 rows must exist, no duplicates, and every second submission refused.

Each step runs in its own process (`python -m bench.burden STEP ...`), printing one JSON line.
Standalone: `python -m bench.burden run [--kinds sqlite,postgres]`.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from bench.harness import PG_ADMIN, Database, run_step, same_json, speedup

MODULE = "burden"
ROUNDS = 3
TEACHERS = 200
POOL = 60  # concurrent database connections for the publishing threads
LIMITS = {1: 0, 2: 0, 3: 60, 4: 60, 5: 60, 6: 60, 7: 90, 8: 90, 9: 90}  # double_reduction_2021.toml


# Plain pandas peer ------------------------------------------------------------------------------


def _school_days_by_week(term: pd.Series, exceptions: pd.DataFrame, weeks: pd.Series) -> pd.Series:
    """School days of each week (Monday to Sunday) inside the term, from weekdays and exceptions."""
    start = pd.Timestamp(term["start_date"])
    end = pd.Timestamp(term["end_date"])
    first = weeks.min()
    days = pd.DataFrame({"day": pd.date_range(first, weeks.max() + pd.Timedelta(days=6), freq="D")})
    school = days["day"].dt.weekday < 5
    exc = exceptions.assign(date=pd.to_datetime(exceptions["date"])).set_index("date")["is_school_day"]
    override = days["day"].map(exc)
    school = override.where(override.notna(), school).astype(bool)
    school &= (days["day"] >= start) & (days["day"] <= end)
    days["week"] = days["day"] - pd.to_timedelta(days["day"].dt.weekday, unit="D")
    return days[school].groupby("week").size()


def pandas_weekly(directory: Path) -> dict[str, list[Any]]:
    """{"class_id:YYYY-MM-DD": [written minutes, school days, average (str, 0.1), over]}."""
    hw = pd.read_parquet(directory / "homework.parquet")
    classes = pd.read_parquet(directory / "classes.parquet").set_index("id")
    exceptions = pd.read_parquet(directory / "exceptions.parquet")
    term = pd.read_parquet(directory / "term.parquet").iloc[0]
    hw = hw[hw["school_class_id"].isin(classes.index)]
    hw = hw[(hw["date"] >= term["start_date"]) & (hw["date"] <= term["end_date"])]
    date = pd.to_datetime(hw["date"])
    hw = hw.assign(
        week=date - pd.to_timedelta(date.dt.weekday, unit="D"),
        written=np.where(hw["homework_type"] == "written", hw["estimated_minutes"], 0),
    )
    weekly = hw.groupby(["school_class_id", "week"], as_index=False)["written"].sum()
    days = _school_days_by_week(term, exceptions, weekly["week"])
    weekly["days"] = weekly["week"].map(days).fillna(0).astype(int)
    weekly = weekly[weekly["days"] > 0]
    weekly["limit"] = weekly["school_class_id"].map(classes["grade"]).map(LIMITS)
    # Round half up at 0.1 minute exactly as an officer would by hand: integer arithmetic in tenths.
    tenths = (weekly["written"] * 20 + weekly["days"]) // (2 * weekly["days"])
    weekly["over"] = tenths > weekly["limit"] * 10
    return {
        f"{c}:{w:%Y-%m-%d}": [int(m), int(d), f"{t / 10:.1f}", bool(o)]
        for c, w, m, d, t, o in zip(
            weekly["school_class_id"],
            weekly["week"],
            weekly["written"],
            weekly["days"],
            tenths,
            weekly["over"],
            strict=True,
        )
    }


# Steps (each in its own process) ----------------------------------------------------------------


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edugov.settings")
    import django

    django.setup()


def _term() -> Any:
    """The demo's current term: the one holding its latest homework (the demo writes the term under
    way, or the last one begun, of its current school year), else the one begun by today."""
    from django.db.models import Max
    from django.utils import timezone

    from edugov.burden.demo import current_term
    from edugov.burden.models import Homework
    from edugov.registry.models import Term

    terms = list(
        Term.objects.select_related("school_year").filter(school_year__is_current=True).order_by("start_date")
    )
    latest = Homework.objects.filter(school_class__school_year__is_current=True).aggregate(m=Max("date"))["m"]
    return current_term(terms, latest or timezone.localdate())


def fill_term(*, seed: int = 1) -> int:
    """Bench-only generator: homework for the weeks of the demo's current term after its last day,
    for every compulsory class, written with executemany (the demo's ORM bulk_create stops the day
    before the build date so `make demo` stays quick). Returns the rows written."""
    from django.db import connection
    from django.db.models import Max

    from edugov.burden.demo import JUNIOR_WRITTEN, PRIMARY_WRITTEN
    from edugov.burden.models import Homework
    from edugov.registry.calendar import SchoolCalendar
    from edugov.registry.models import SchoolClass

    term = _term()
    last = Homework.objects.aggregate(m=Max("date"))["m"] or term.start_date - dt.timedelta(days=1)
    days = SchoolCalendar.for_year(term.school_year).school_days(last + dt.timedelta(days=1), term.end_date)
    classes = list(
        SchoolClass.objects.filter(
            school_year=term.school_year, grade__in=range(1, 10), archived_at__isnull=True
        )
        .order_by("pk")
        .values_list("pk", "grade", "school_id")
    )
    rng = random.Random(seed)
    hot_schools = set(
        rng.sample(sorted({s for _, _, s in classes}), k=max(1, len({s for _, _, s in classes}) // 15))
    )
    now = dt.datetime.now(dt.UTC)
    table = Homework._meta.db_table
    cols = "school_class_id, date, subject, homework_type, content, estimated_minutes, layered, created_at"
    sql = f"INSERT INTO {table} ({cols}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"
    batch: list[tuple[Any, ...]] = []
    written = 0
    with connection.cursor() as cur:
        for class_id, grade, school_id in classes:
            base = 0 if grade <= 2 else 45 if grade <= 6 else 75
            subjects = PRIMARY_WRITTEN if grade <= 6 else JUNIOR_WRITTEN
            for day in days:
                if base:
                    hot = school_id in hot_schools and grade >= 4 and day.isocalendar()[1] % 3 == 0
                    target = (
                        int(LIMITS[grade] * rng.uniform(1.08, 1.3))
                        if hot
                        else int(base * rng.uniform(0.6, 1.08))
                    )
                    chosen = subjects if grade <= 6 else rng.sample(subjects, k=4)
                    for subject in chosen:
                        minutes = max(5, int(round(target / len(chosen) / 5) * 5))
                        batch.append((class_id, day, subject, "written", "练习", minutes, False, now))
                if rng.random() < 0.7:
                    batch.append((class_id, day, "语文", "oral", "朗读课文三遍", 15, False, now))
                if len(batch) >= 20_000:
                    cur.executemany(sql, batch)
                    written += len(batch)
                    batch = []
        if batch:
            cur.executemany(sql, batch)
            written += len(batch)
    return written


def step_build() -> dict[str, Any]:
    _django()
    from django.core.management import call_command

    from edugov.audit.context import acting
    from edugov.audit.models import AuditSource
    from edugov.burden.models import Homework
    from edugov.demo.services import demo_build

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    with acting(source=AuditSource.COMMAND):
        demo_build(seed=1, scale=1)
    demo_seconds = time.perf_counter() - started
    demo_rows = Homework.objects.count()
    started = time.perf_counter()
    filled = fill_term()
    return {
        "demo_seconds": demo_seconds,
        "demo_rows": demo_rows,
        "fill_seconds": time.perf_counter() - started,
        "fill_rows": filled,
        "rows": Homework.objects.count(),
    }


class _Reader:
    """The whole district, as the findings computation reads it."""

    is_authenticated = True
    is_active = True
    is_superuser = True
    role = "district_admin"
    area = None
    school_id = teacher_id = institution_id = None


def _export(directory: Path) -> None:
    from edugov.burden.models import Homework
    from edugov.registry.models import CalendarException, SchoolClass

    term = _term()
    directory.mkdir(parents=True, exist_ok=True)
    hw = pd.DataFrame.from_records(
        Homework.objects.values_list(
            "school_class_id", "date", "homework_type", "estimated_minutes"
        ).iterator(chunk_size=50_000),
        columns=["school_class_id", "date", "homework_type", "estimated_minutes"],
    )
    hw.to_parquet(directory / "homework.parquet")
    pd.DataFrame.from_records(
        SchoolClass.objects.filter(
            school_year=term.school_year, grade__in=range(1, 10), archived_at__isnull=True
        ).values("id", "grade")
    ).to_parquet(directory / "classes.parquet")
    pd.DataFrame.from_records(
        CalendarException.objects.values("date", "is_school_day"), columns=["date", "is_school_day"]
    ).to_parquet(directory / "exceptions.parquet")
    pd.DataFrame([{"start_date": term.start_date, "end_date": term.end_date}]).to_parquet(
        directory / "term.parquet"
    )


def step_measure(out_dir: str) -> dict[str, Any]:
    _django()
    from edugov.burden.selectors import homework_compliance

    out = Path(out_dir)
    term = _term()
    times = []
    report = None
    for _ in range(ROUNDS):
        started = time.perf_counter()
        report = homework_compliance(user=_Reader(), term=term)
        times.append(time.perf_counter() - started)
    assert report is not None
    ours = {
        f"{c.class_id}:{c.week_start:%Y-%m-%d}": [c.written_minutes, c.school_days, f"{c.average}", c.over]
        for c in report.class_weeks
    }
    _export(out)
    (out / "ours.json").write_text(json.dumps(ours), encoding="utf-8")
    return {
        "seconds": min(times),
        "first": times[0],
        "class_weeks": len(report.class_weeks),
        "classes": report.classes_total,
        "weeks": len(report.weeks),
        "rate": report.total.rate_percent,
    }


def step_pandas(directory: str, out_json: str) -> dict[str, Any]:
    times = []
    result: dict[str, list[Any]] = {}
    for _ in range(ROUNDS):
        started = time.perf_counter()
        result = pandas_weekly(Path(directory))
        times.append(time.perf_counter() - started)
    Path(out_json).write_text(json.dumps(result), encoding="utf-8")
    return {"seconds": min(times), "class_weeks": len(result)}


def step_publish() -> dict[str, Any]:
    """200 teachers publish at once through the service, each submitting twice."""
    _django()
    from django.db import connection, connections
    from django.utils import timezone

    from edugov.accounts.models import Role, User
    from edugov.burden import services
    from edugov.burden.models import Homework
    from edugov.common.errors import DomainError
    from edugov.registry.calendar import SchoolCalendar
    from edugov.registry.models import SchoolClass, TeachingAssignment

    term = _term()
    assignments = list(
        TeachingAssignment.objects.filter(
            school_class__school_year=term.school_year, school_class__grade__gte=3, school_class__grade__lte=9
        )
        .select_related("teacher", "school_class")
        .order_by("teacher_id", "pk")
    )
    picked: dict[int, Any] = {}
    for a in assignments:
        picked.setdefault(a.teacher_id, a)
        if len(picked) == TEACHERS:
            break
    users = []
    for n, a in enumerate(picked.values()):
        users.append(
            User.objects.create(
                username=f"bench_teacher_{n}",
                role=Role.TEACHER,
                school_id=a.teacher.school_id,
                teacher_id=a.teacher_id,
            )
        )
    # The last school day of the term up to today: homework may not be published for days more
    # than a week ahead (the demo's term follows the build date and may run on for weeks).
    day = SchoolCalendar.for_year(term.school_year).school_days(
        term.start_date, min(term.end_date, timezone.localdate())
    )[-1]
    before = Homework.objects.count()
    connection.close()
    barrier = threading.Barrier(len(users))
    latencies: list[float] = []
    outcomes: list[str] = []
    lock = threading.Lock()

    # PostgreSQL allows 100 connections here: the 200 teachers are released together and share
    # at most POOL connections, as an application server's pool would; the wait is not in the latency.
    slots = threading.BoundedSemaphore(POOL)

    def publish(user: Any, a: Any) -> None:
        barrier.wait()
        with slots:
            try:
                cls = SchoolClass.objects.select_related("school_year").get(pk=a.school_class_id)
                for _attempt in range(2):
                    started = time.perf_counter()
                    try:
                        services.homework_publish(
                            actor=user,
                            school_class=cls,
                            subject=a.subject,
                            date=day,
                            homework_type="inquiry",
                            content="探究：测量并记录",
                            estimated_minutes=20,
                        )
                        result = "ok"
                    except DomainError as exc:
                        result = "duplicate" if "请勿重复提交" in exc.message else f"error:{exc.message}"
                    with lock:
                        latencies.append(time.perf_counter() - started)
                        outcomes.append(result)
            finally:
                connections.close_all()

    threads = [
        threading.Thread(target=publish, args=(u, a)) for u, a in zip(users, picked.values(), strict=True)
    ]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    rows = Homework.objects.filter(date=day, homework_type="inquiry").count()
    keys = Homework.objects.filter(date=day, homework_type="inquiry").values_list(
        "school_class_id", "subject"
    )
    lat = sorted(latencies)
    return {
        "teachers": len(users),
        "ok": outcomes.count("ok"),
        "duplicates_refused": outcomes.count("duplicate"),
        "errors": sorted({o for o in outcomes if o.startswith("error")})[:3],
        "rows": rows,
        "distinct": len(set(keys)),
        "expected": len({(a.school_class_id, a.subject) for a in picked.values()}),
        "added": Homework.objects.count() - before,
        "wall": wall,
        "p50_ms": lat[len(lat) // 2] * 1000 if lat else 0,
        "p95_ms": lat[int(len(lat) * 0.95)] * 1000 if lat else 0,
    }


STEPS = {"build": step_build, "measure": step_measure, "pandas": step_pandas, "publish": step_publish}


# Driver -----------------------------------------------------------------------------------------


def _step(env: dict[str, str] | None, *args: str) -> dict[str, Any]:
    return run_step("bench.burden", env, *args)


def run(work_dir: Path, kinds: list[str]) -> list[tuple[str, str, str, str, str]]:
    rows: list[tuple[str, str, str, str, str]] = []

    def add(figure: str, value: str, peer: str = "", ratio: str = "") -> None:
        rows.append((MODULE, figure, value, peer, ratio))
        print(
            f"  {MODULE:<14} {figure:<58} {value:>14}  {peer}{'  ' + ratio if ratio else ''}",
            flush=True,
        )

    work_dir = Path(work_dir)
    for kind in kinds:
        out = work_dir / f"burden_{kind}"
        with Database(kind, work_dir) as db:
            built = _step(db.env(), "build")
            m = _step(db.env(), "measure", str(out))
            pub = _step(db.env(), "publish") if kind == "postgres" else None
        peer = _step(None, "pandas", str(out), str(out / "peer.json"))
        n, bad = same_json(out / "ours.json", out / "peer.json")
        add(
            f"demo term on {kind}: {built['rows']:,} homework rows",
            f"{built['demo_seconds'] + built['fill_seconds']:.0f} s",
            f"demo (term start to yesterday) {built['demo_rows']:,} rows in {built['demo_seconds']:.0f} s "
            "(every module); "
            f"fill_term {built['fill_rows']:,} rows in {built['fill_seconds']:.0f} s",
        )
        add(
            f"  weekly compliance, {m['classes']:,} classes x {m['weeks']} weeks ({kind})",
            f"{m['seconds']:.2f} s",
            f"pandas (Parquet) {peer['seconds']:.2f} s; first call {m['first']:.2f} s; target < 3 s",
            speedup("pandas", peer["seconds"], m["seconds"]),
        )
        add(
            f"  same class-week averages and verdicts as pandas ({kind}, {n:,})",
            "yes" if not bad else f"NO ({bad})",
        )
        if pub is not None:
            ok = pub["rows"] == pub["expected"] == pub["distinct"] == pub["added"] and not pub["errors"]
            add(
                f"  {pub['teachers']} teachers publishing at once, threads ({kind})",
                f"p95 {pub['p95_ms']:.0f} ms",
                f"{pub['rows']} rows of {pub['expected']} expected, {pub['duplicates_refused']} double taps "
                f"refused; wall {pub['wall']:.1f} s; p50 {pub['p50_ms']:.0f} ms",
            )
            add(f"  no lost or duplicated entries ({kind})", "yes" if ok else f"NO ({pub})")
    return rows


def _pg_available() -> bool:
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN, connect_timeout=3):
            return True
    except Exception:
        return False


def main(argv: list[str]) -> None:
    if argv and argv[0] in STEPS:
        print("BENCH " + json.dumps(STEPS[argv[0]](*argv[1:]), default=str), flush=True)
        return
    import argparse

    parser = argparse.ArgumentParser(prog="python -m bench.burden")
    parser.add_argument("command", choices=["run"])
    parser.add_argument("--kinds", default="")
    args = parser.parse_args(argv)
    kinds = [k for k in args.kinds.split(",") if k] or (
        ["sqlite"] + (["postgres"] if _pg_available() else [])
    )
    with tempfile.TemporaryDirectory(prefix="edugov-bench-burden-") as tmp:
        run(Path(tmp), kinds)


if __name__ == "__main__":
    main(sys.argv[1:])
