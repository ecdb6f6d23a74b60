"""Rectification (问题清单·挂图作战): the battle map and the item board with 10,000 open items under
20 concurrent users, and generating items from every registered finding source.

    run(work_dir, kinds) -> [(module, figure, value, peer, speed-up), ...] (speed-up: harness.speedup)

- on each of `kinds`: a fresh database with the demo district (`demo --seed 1`, scale 1), then
  `edugov rectification_sync` (every registered finding source) timed as a command, twice: the
  first run after the demo, and again with every cause already itemised;
- on PostgreSQL: 10,000 more open items through the app's own bulk path (`services.findings_sync`
  over a bench-only finding source registered in the setup process: one item per cause, an event
  and an audit row each, spread over every school of the district; then ANALYZE, as autovacuum
  would within a minute), then gunicorn on loopback
  (bench.web.serve) and locust (scenario "rectification" of bench/locustfile.py) with 20 users
  signed in as the demo `leader` and `admin`: the battle map page, its data request, the item board
  and its third page; p50/p95/p99 and failures; then each page 10 times one request at a time
  (the pages' own cost, without contention).

Each step runs in its own process (`python -m bench.rectification STEP ...`), printing one JSON line.
Standalone: `python -m bench.rectification run [--kinds sqlite,postgres]`.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.harness import Database, run_step

MODULE = "rectification"
ITEMS = 10_000
USERS = 20
SECONDS = 40
BENCH_SOURCE = "bench.load"


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edugov.settings")
    import django

    django.setup()


def step_items(count: str) -> dict[str, Any]:
    """`count` open items from a bench-only finding source, through services.findings_sync."""
    _django()
    from edugov.audit.context import acting
    from edugov.rectification import services
    from edugov.rectification.findings import Finding, Unit, register_finding_source
    from edugov.rectification.models import ItemStatus, RectificationItem
    from edugov.registry.models import School

    n = int(count)
    schools = list(
        School.objects.filter(archived_at__isnull=True).order_by("pk").values_list("pk", flat=True)
    )
    severities = ["low", "medium", "high"]
    departments = ["basic_education", "personnel", "planning_finance", "safety"]

    def source(ctx: Any) -> Any:
        for i in range(n):
            yield Finding(
                cause_key=f"{BENCH_SOURCE}:{i}",
                source=BENCH_SOURCE,
                unit=Unit.school(schools[i % len(schools)]),
                title=f"压力测试问题{i + 1}",
                evidence=f"压力测试生成的第{i + 1}条问题",
                severity=severities[i % 3],
                required_action="按要求整改并上传佐证材料",
                department=departments[i % len(departments)],
                deadline_days=(i % 60) - 10,  # a sixth already overdue
                data={"n": i},
            )

    register_finding_source(BENCH_SOURCE, source, label="压力测试")
    started = time.perf_counter()
    with acting(source="command"):
        result = services.findings_sync(source=BENCH_SOURCE)
    seconds = time.perf_counter() - started
    from django.db import connection

    if connection.vendor == "postgresql":
        # What autovacuum does within a minute of a bulk load (its analyze threshold is 10% of
        # a table): without fresh statistics the planner takes the items for a few rows and the
        # board's requests pay for it. The load test starts seconds after this step.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {
        "created": result.created,
        "seconds": seconds,
        "schools": len(schools),
        "open_total": RectificationItem.objects.exclude(status=ItemStatus.CLOSED).count(),
        "items_total": RectificationItem.objects.count(),
    }


def step_sync() -> dict[str, Any]:
    """`edugov rectification_sync` as an operator runs it, timed from outside (process included)."""
    edugov = Path(sys.executable).with_name("edugov")
    command = [str(edugov)] if edugov.exists() else [sys.executable, "-m", "edugov.cli"]
    started = time.perf_counter()
    proc = subprocess.run([*command, "rectification_sync"], capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise RuntimeError(f"rectification_sync failed: {proc.stdout[-2000:]} {proc.stderr[-2000:]}")
    lines = [line for line in proc.stdout.splitlines() if "发现" in line]
    found = sum(int(m) for m in re.findall(r"发现(\d+)个问题", proc.stdout))
    created = sum(int(m) for m in re.findall(r"新建(\d+)", proc.stdout))
    inner = sum(float(m) for m in re.findall(r"（([\d.]+)秒）", proc.stdout))
    total = re.search(r"合计用时([\d.]+)秒", proc.stdout)
    return {
        "seconds": seconds,
        "sources_seconds": inner,
        "generation_seconds": float(total.group(1)) if total else inner,
        "sources": len(lines),
        "found": found,
        "created": created,
        "lines": lines,
    }


STEPS = {"items": step_items, "sync": step_sync}


def _step(env: dict[str, str], *args: str) -> dict[str, Any]:
    return run_step("bench.rectification", env, *args)


def run(work_dir: Path, kinds: list[str]) -> list[tuple[str, str, str, str, str]]:
    from bench.__main__ import step
    from bench.web import _locust, _login, _redis_available, serve

    rows: list[tuple[str, str, str, str, str]] = []

    def add(figure: str, value: str, peer: str = "", ratio: str = "") -> None:
        rows.append((MODULE, figure, value, peer, ratio))
        print(f"  {MODULE:<14} {figure:<58} {value:>14}  {peer}", flush=True)

    work_dir = Path(work_dir)
    for kind in kinds:
        with Database(kind, work_dir) as db:
            step(db, "build-demo", "1")
            first = _step(db.env(), "sync")
            again = _step(db.env(), "sync")
            add(
                f"items from all {first['sources']} finding sources, demo district ({kind})",
                f"{first['generation_seconds']:.1f} s",
                f"{first['found']:,} causes found, {first['created']:,} new items; target < 5 s; "
                f"`edugov rectification_sync` as a command {first['seconds']:.1f} s (with process start)",
            )
            add(
                f"  again, every cause already itemised ({kind})",
                f"{again['generation_seconds']:.1f} s",
                f"{again['found']:,} causes, {again['created']} new; command {again['seconds']:.1f} s",
            )
            if kind != "postgres":
                continue
            if not _redis_available():
                add("battle map load test skipped: Redis not running on 127.0.0.1", "-")
                continue
            made = _step(db.env(), "items", str(ITEMS))
            add(
                f"  {made['created']:,} open items via findings_sync (bulk path, {made['schools']} schools)",
                f"{made['seconds']:.1f} s",
                f"{made['open_total']:,} items not closed in all, {made['items_total']:,} items",
            )
            with serve(db) as base:
                sessions = [_login(base, u) for u in ("leader", "admin")]
                stats = _locust(base, USERS, SECONDS, sessions, work_dir, scenario="rectification")
                alone = _one_at_a_time(base, sessions[0])
            add(f"gunicorn 3 workers x 8 threads, PostgreSQL; {USERS} users, {SECONDS} s, leader/admin", "")
            for reason, n in stats.get("_failures", {}).items():
                add(f"  failures: {reason}", n)
            for name in (
                "battle map page",
                "battle map data",
                "item board",
                "item board page 3",
                "Aggregated",
            ):
                row = stats.get(name)
                if row is None:
                    continue
                add(
                    f"  {name}: p50 / p95 / p99 (ms)",
                    f"{row['50%']} / {row['95%']} / {row['99%']}",
                    f"{row['Request Count']} requests, {row['Failure Count']} failed; target p95 < 300 ms",
                )
            for name, ms in alone.items():
                add(f"  {name}, one request at a time (leader): median (ms)", f"{ms:.0f}", "10 requests")
    return rows


PAGES = {
    "battle map page": "/rectification/map/",
    "battle map data": "/rectification/map/data/",
    "item board": "/rectification/items/",
}


def _one_at_a_time(base: str, session: str) -> dict[str, float]:
    """The pages' own cost without contention: 10 sequential requests each, median."""
    import statistics

    import requests

    s = requests.Session()
    s.cookies.set("sessionid", session)
    out = {}
    for name, path in PAGES.items():
        times = []
        for _ in range(10):
            started = time.perf_counter()
            s.get(base + path, timeout=300).raise_for_status()
            times.append((time.perf_counter() - started) * 1000)
        out[name] = statistics.median(times)
    return out


def main(argv: list[str]) -> None:
    if argv and argv[0] in STEPS:
        print("BENCH " + json.dumps(STEPS[argv[0]](*argv[1:]), default=str), flush=True)
        return
    import argparse

    from bench.__main__ import _pg_available

    parser = argparse.ArgumentParser(prog="python -m bench.rectification")
    parser.add_argument("command", choices=["run"])
    parser.add_argument("--kinds", default="")
    args = parser.parse_args(argv)
    kinds = [k for k in args.kinds.split(",") if k] or (
        ["sqlite"] + (["postgres"] if _pg_available() else [])
    )
    with tempfile.TemporaryDirectory(prefix="edugov-bench-rectification-") as tmp:
        run(Path(tmp), kinds)


if __name__ == "__main__":
    main(sys.argv[1:])
