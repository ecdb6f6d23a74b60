"""Homework publishing peak over HTTP: 200 teachers publish at once through the burden API
(POST /api/v1/burden/homework/) against gunicorn with PostgreSQL on loopback.

    run(work_dir, kinds) -> [(module, figure, value, peer, speed-up), ...] (speed-up: harness.speedup)

- a fresh PostgreSQL database with the demo district (`demo --seed 1`, scale 1);
- 200 teacher accounts for demo teachers with a teaching assignment in grades 3-9 (one assignment
  each), signed in by creating server-side sessions (as bench.web does for uploaders), so the
  measurement is of publishing, not of password hashing;
- gunicorn (bench.web.serve), then 200 client threads released together by a barrier; each posts
  its homework once (the measured entry request), then the identical body again, which must be
  refused (400, "请勿重复提交");
- before the peak, each server thread is warmed by reads of the same API (database connections
  opened, code loaded); after it, 20 more teachers publish one at a time, so the entry's own cost
  is shown next to the peak's queueing;
- then the evening as it runs: the same 200 teachers stay signed in and each publishes 8 more
  entries (another school day each), 4-8 s apart, the first within one pause of signing in
  (locust users with think time, about 30 entries a second in all); p50/p95/p99 of the entry
  request;
- afterwards the rows are counted in the database: exactly one per (class, subject, day)
  submitted, none lost, none duplicated.

The herd measures queueing: 200 requests that arrive in the same millisecond on 2 cores wait
for each other, whatever one request costs. The client threads and locust run on the same
machine as the server and the database.
Standalone: `python -m bench.load run`.
"""

from __future__ import annotations

import json
import os
import secrets
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from bench.harness import Database, run_step

MODULE = "load"
TEACHERS = 200
BASELINE = 20  # more teachers who publish one at a time after the peak: the uncontended entry time
SUSTAINED_POSTS = 8  # entries each teacher publishes in the sustained phase, one school day each
WAIT = (4, 8)  # seconds between a teacher's entries in the sustained phase (locustfile.py)
# Long enough for every teacher to publish all entries (8 x 8 s at most, plus the ramp): the run
# ends with nothing in flight, so every entry locust counted can be checked in the database.
SUSTAINED_SECONDS = 90
CONTENT = "探究：测量并记录（压力测试）"


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edugov.settings")
    import django

    django.setup()


def step_setup(count: str, per_teacher: str = "1") -> dict[str, Any]:
    """Teacher users with sessions, one assignment each, and for each the school days of the
    current term (up to today) on which that class has no such homework yet: the first for the
    peak, the others for the sustained phase."""
    _django()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    from edugov.accounts.models import Role, User
    from edugov.burden.models import Homework
    from edugov.registry.calendar import SchoolCalendar
    from edugov.registry.models import SchoolYear, TeachingAssignment

    year = SchoolYear.objects.get(is_current=True)
    today = timezone.localdate()
    # The term under way (or the last one begun): publishing is for school days up to today.
    begun = year.terms.filter(start_date__lte=today).order_by("-number")
    term = begun.first() or year.terms.order_by("number")[0]
    days = SchoolCalendar.for_year(year).school_days(term.start_date, min(term.end_date, today))
    picked: dict[int, Any] = {}
    taken: set[tuple[int, str]] = set()
    for a in (
        TeachingAssignment.objects.filter(
            school_class__school_year=year,
            school_class__grade__gte=3,
            school_class__grade__lte=9,
            school_class__archived_at__isnull=True,
        )
        .select_related("teacher")
        .order_by("teacher_id", "pk")
    ):
        if a.teacher_id in picked or (a.school_class_id, a.subject) in taken:
            continue
        picked[a.teacher_id] = a
        taken.add((a.school_class_id, a.subject))
        if len(picked) == int(count):
            break
    used = set(
        Homework.objects.filter(
            school_class_id__in={a.school_class_id for a in picked.values()},
            homework_type="inquiry",
            date__gte=days[0],
        ).values_list("school_class_id", "subject", "date")
    )
    jobs = []
    for n, a in enumerate(picked.values()):
        user = User.objects.create(
            username=f"bench_load_teacher_{n}",
            role=Role.TEACHER,
            school_id=a.teacher.school_id,
            teacher_id=a.teacher_id,
        )
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        free = [d for d in reversed(days) if (a.school_class_id, a.subject, d) not in used]
        jobs.append(
            {
                "session": session.session_key,
                "class_id": a.school_class_id,
                "subject": a.subject,
                "dates": [d.isoformat() for d in free[: int(per_teacher)]],
            }
        )
    return {"jobs": jobs, "term": str(term), "school_days": len(days)}


def step_count() -> dict[str, Any]:
    _django()
    from django.db.models import Count

    from edugov.burden.models import Homework

    qs = Homework.objects.filter(content=CONTENT)
    return {
        "rows": qs.count(),
        "keys": [[c, s, d.isoformat()] for c, s, d in qs.values_list("school_class_id", "subject", "date")],
        "duplicates": qs.values("school_class_id", "subject", "date", "homework_type")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count(),
    }


STEPS = {"setup": step_setup, "count": step_count}


def _step(env: dict[str, str], *args: str) -> dict[str, Any]:
    return run_step("bench.load", env, *args)


def _warm(base: str, job: dict[str, Any]) -> int:
    import requests

    r = requests.get(
        f"{base}/api/v1/burden/homework/?date_from={job['dates'][0]}",
        cookies={"sessionid": job["session"]},
        timeout=300,
    )
    return r.status_code


def _publish(base: str, job: dict[str, Any], barrier: threading.Barrier | None) -> dict[str, Any]:
    """The job's first free day, posted once (the measured entry) and then again (refused)."""
    import requests

    s = requests.Session()
    csrf = secrets.token_hex(16)  # any well-formed token: the cookie and the header must agree
    s.cookies.set("sessionid", job["session"])
    s.cookies.set("csrftoken", csrf)
    body = {
        "school_class": job["class_id"],
        "subject": job["subject"],
        "date": job["dates"][0],
        "homework_type": "inquiry",
        "content": CONTENT,
        "estimated_minutes": 20,
    }
    headers = {"X-CSRFToken": csrf, "Referer": base + "/burden/homework/new/"}
    url = f"{base}/api/v1/burden/homework/"
    if barrier is not None:
        barrier.wait()
    started = time.perf_counter()
    first = s.post(url, json=body, headers=headers, timeout=300)
    first_s = time.perf_counter() - started
    started = time.perf_counter()
    second = s.post(url, json=body, headers=headers, timeout=300)
    second_s = time.perf_counter() - started
    return {
        "first": first.status_code,
        "first_s": first_s,
        "first_body": first.text[:200] if first.status_code != 201 else "",
        "second": second.status_code,
        "second_s": second_s,
        "second_refused": second.status_code == 400 and "请勿重复提交" in second.text,
        "second_body": second.text[:200],
    }


def _pct(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] * 1000


def run(work_dir: Path, kinds: list[str]) -> list[tuple[str, str, str, str, str]]:
    from concurrent.futures import ThreadPoolExecutor

    from bench.__main__ import step
    from bench.web import _locust, _redis_available, serve

    rows: list[tuple[str, str, str, str, str]] = []

    def add(figure: str, value: str, peer: str = "", ratio: str = "") -> None:
        rows.append((MODULE, figure, value, peer, ratio))
        print(f"  {MODULE:<14} {figure:<58} {value:>14}  {peer}", flush=True)

    if "postgres" not in kinds or not _redis_available():
        add("homework publishing peak skipped: PostgreSQL or Redis not running on 127.0.0.1", "-")
        return rows
    with Database("postgres", Path(work_dir)) as db:
        step(db, "build-demo", "1")
        setup = _step(db.env(), "setup", str(TEACHERS + BASELINE), str(1 + SUSTAINED_POSTS))
        jobs, later = setup["jobs"][:TEACHERS], setup["jobs"][TEACHERS:]
        short = [j for j in setup["jobs"] if len(j["dates"]) < 1 + SUSTAINED_POSTS]
        if short:
            add("  teachers with too few free school days this term", f"{len(short)}", setup["term"])
            return rows
        with serve(db) as base:
            with ThreadPoolExecutor(max_workers=24) as pool:
                warm = list(pool.map(lambda j: _warm(base, j), jobs[:96]))
            barrier = threading.Barrier(len(jobs))
            started = time.perf_counter()
            with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
                results = list(pool.map(lambda j: _publish(base, j, barrier), jobs))
            wall = time.perf_counter() - started
            alone = [_publish(base, j, None) for j in later]
            # The evening as it runs: the same 200 teachers stay signed in and each publishes
            # another subject-day every few seconds (locust users with think time).
            sustained_jobs = [dict(j, dates=j["dates"][1 : 1 + SUSTAINED_POSTS]) for j in jobs]
            extra = {"EDUGOV_BENCH_JOBS": json.dumps(sustained_jobs), "EDUGOV_BENCH_WAIT": json.dumps(WAIT)}
            stats = _locust(
                base, len(jobs), SUSTAINED_SECONDS, [], Path(work_dir), scenario="publish", extra_env=extra
            )
        counted = _step(db.env(), "count")
    firsts = [r["first_s"] for r in results]
    accepted = sum(1 for r in results if r["first"] == 201)
    refused = sum(1 for r in results if r["second_refused"])
    add(
        f"{len(jobs)} teachers publish at the same instant (barrier), POST /api/v1/burden/homework/",
        f"p95 {_pct(firsts, 95):.0f} ms",
        f"p50 {_pct(firsts, 50):.0f} ms, p99 {_pct(firsts, 99):.0f} ms, max {max(firsts) * 1000:.0f} ms; "
        f"{accepted}/{len(jobs)} accepted (201); wall {wall:.1f} s for {2 * len(jobs)} requests; "
        "gunicorn 3x8, PostgreSQL; target p95 < 150 ms",
    )
    seconds = [r["second_s"] for r in results]
    add(
        "  identical second submission of each teacher refused (400)",
        f"{refused}/{len(jobs)}",
        f"p95 of the refusals {_pct(seconds, 95):.0f} ms",
    )
    if alone:
        times = [r["first_s"] for r in alone]
        add(
            f"  then {len(alone)} teachers publishing one at a time (no contention)",
            f"p50 {_pct(times, 50):.0f} ms",
            f"max {max(times) * 1000:.0f} ms; {sum(r['first'] == 201 for r in alone)}/{len(alone)} accepted; "
            f"warm-up reads before the peak: {sum(c == 200 for c in warm)}/{len(warm)} answered 200",
        )
    row = stats.get("publish homework", {})
    posted = int(row.get("Request Count", 0) or 0)
    failed = int(row.get("Failure Count", 0) or 0)
    add(
        f"{len(jobs)} teachers signed in, {SUSTAINED_POSTS} entries each {WAIT[0]}-{WAIT[1]} s apart",
        f"p95 {row.get('95%', '-')} ms",
        f"p50 {row.get('50%', '-')} / p99 {row.get('99%', '-')} ms; {posted} entries, {failed} failed, "
        f"{float(row.get('Requests/s', 0) or 0):.1f}/s; target p95 < 150 ms",
    )
    for reason, count in stats.get("_failures", {}).items():
        add("  failures", count, reason)
    expected = {(j["class_id"], j["subject"], j["dates"][0]) for j in jobs + later}
    expected |= {(j["class_id"], j["subject"], d) for j in sustained_jobs for d in j["dates"]}
    found = [tuple(k) for k in counted["keys"]]
    exact = (
        set(found) == expected
        and len(found) == len(expected)
        and posted == len(expected) - len(jobs) - len(later)
        and failed == 0
        and counted["duplicates"] == 0
    )
    add(
        "  rows in the database afterwards (expected / found)",
        f"{len(expected)} / {counted['rows']}",
        "no entry lost or duplicated" if exact else f"ROWS DIFFER (duplicates {counted['duplicates']})",
    )
    odd = [r for r in results + alone if r["first"] != 201 or not r["second_refused"]]
    for r in odd[:3]:
        add(
            "  unexpected answer",
            f"{r['first']} / {r['second']}",
            (r["first_body"] or r["second_body"])[:120],
        )
    return rows


def main(argv: list[str]) -> None:
    if argv and argv[0] in STEPS:
        print("BENCH " + json.dumps(STEPS[argv[0]](*argv[1:]), default=str), flush=True)
        return
    import argparse

    from bench.__main__ import _pg_available

    parser = argparse.ArgumentParser(prog="python -m bench.load")
    parser.add_argument("command", choices=["run"])
    parser.parse_args(argv)
    kinds = ["sqlite"] + (["postgres"] if _pg_available() else [])
    with tempfile.TemporaryDirectory(prefix="edugov-bench-load-") as tmp:
        run(Path(tmp), kinds)


if __name__ == "__main__":
    main(sys.argv[1:])
