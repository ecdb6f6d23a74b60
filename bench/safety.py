"""Holiday acknowledgements in bursts (issue 18's performance target) against gunicorn + PostgreSQL.

    run(work_dir, kinds) -> [(module, figure, value, peer, speed-up), ...]
    python -m bench.safety run [--requests 60000] [--scale 1]     (standalone; 3000 for a quick run)
    python -m bench --only safety                                 (EDUGOV_BENCH_SAFETY_REQUESTS)

- a fresh PostgreSQL database (created and dropped) with the demo district at `--scale`;
- the safety officer schedules a one-day holiday a week ahead (`services.holiday_schedule`, so it
  does not mix with the demo's own holiday around today), and the day's reminders go to every
  class through the stub channel (`services.reminders_send`);
- the servers as production runs them (docs/operations.md, "Two worker pools"): nginx with the
  configuration `edugov proxy_config` prints, the parents' routes to the public's gunicorn pool
  (3 workers x 8 threads), the bureau's pages to the staff's (1 x 4); `--pools 1` serves both from
  one pool (3 x 8) as before; parents' acknowledgements (POST
  /safety/a/<token>/ with a pupil key) fired in bursts by concurrent client threads, each parent
  from its own loopback address (127.x.y.z: parents reach the server from their own phones, and
  the page's per-client limit of 30 a minute is per address); a tenth of the requests are replays
  of a token + pupil key already sent, some of them fired in the same burst as the original;
- meanwhile the bureau's safety officer reloads the coverage page (/safety/coverage/?day=..., the
  day's coverage by town and school) about once a second;
- afterwards the rows are counted in the database: every first acknowledgement stored exactly
  once, every replay refused (400), each reminder's counter equal to its rows.

lost = first acknowledgements answered non-2xx + keys missing in the database; duplicated = keys
stored more than once + replays answered 2xx. Client threads, server and database share the
machine (2 cores), so the load average is printed with the figures.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import secrets
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from bench.harness import Database, run_step

MODULE = "safety"
REQUESTS = int(os.environ.get("EDUGOV_BENCH_SAFETY_REQUESTS", "60000"))
REPLAY_SHARE = 0.1  # share of the requests that replay a token + pupil key already sent
CLIENTS = 32  # concurrent client threads in a burst
BURST = 2000  # requests per burst (fewer at small sizes: at least 10 bursts)
PAUSE = 1.0  # seconds between bursts
TARGET_MS = 300
# The staff's pool runs ahead of the public's on the CPU, as production's service unit sets it
# (docs/operations.md: `Nice=-5`): a burst of parents never starves the bureau's pages.
STAFF_NICE = -5


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edugov.settings")
    import django

    django.setup()


def step_setup() -> dict[str, Any]:
    """The holiday day scheduled by the safety officer, its reminders sent through the stub, and a
    server-side session for the officer (the bureau watching coverage)."""
    _django()
    import datetime as dt

    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    from edugov.accounts.models import User
    from edugov.registry.models import Area, AreaLevel
    from edugov.safety import services
    from edugov.safety.channels import StubChannel
    from edugov.safety.models import ClassReminder

    officer = User.objects.get(username="officer_aq")
    district = Area.objects.filter(level=AreaLevel.DISTRICT).order_by("pk").first()
    assert district is not None
    day_date = timezone.localdate() + dt.timedelta(days=7)
    started = time.perf_counter()
    holiday = services.holiday_schedule(
        actor=officer, area=district, name="压测假日", starts_on=day_date, ends_on=day_date
    )
    scheduled = time.perf_counter() - started
    day = holiday.days.get()
    stub = StubChannel()
    started = time.perf_counter()
    sent = services.reminders_send(day=day, via=stub)
    sending = time.perf_counter() - started
    session = SessionStore()
    session[SESSION_KEY] = str(officer.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = officer.get_session_auth_hash()
    session.create()
    tokens = list(ClassReminder.objects.filter(day=day).order_by("pk").values_list("token", flat=True))
    return {
        "day": day_date.isoformat(),
        "day_id": day.pk,
        "tokens": tokens,
        "sent": sent,
        "stub_messages": len(stub.sent),
        "links_in_messages": sum(1 for m in stub.sent if "/safety/a/" in m.text),
        "schedule_s": scheduled,
        "send_s": sending,
        "session": session.session_key,
    }


def step_count(day_id: str) -> dict[str, Any]:
    _django()
    from django.db.models import Count, Sum

    from edugov.safety.models import Acknowledgement, ClassReminder

    acks = Acknowledgement.objects.filter(reminder__day_id=int(day_id))
    keys = acks.values_list("reminder__token", "pupil_key")
    counters = ClassReminder.objects.filter(day_id=int(day_id)).annotate(rows=Count("acknowledgements"))
    return {
        "rows": acks.count(),
        "keys": [list(k) for k in keys],
        "duplicates": acks.values("reminder_id", "pupil_key").annotate(n=Count("id")).filter(n__gt=1).count(),
        "counter_sum": counters.aggregate(s=Sum("acks"))["s"] or 0,
        "counters_off": sum(1 for r in counters if r.acks != r.rows),
    }


STEPS: dict[str, Callable[..., dict[str, Any]]] = {"setup": step_setup, "count": step_count}


def _plan(tokens: list[str], total: int, seed: int = 18) -> list[list[dict[str, Any]]]:
    """The requests in bursts: first acknowledgements spread over every class, a tenth replays
    (half in the same burst as the original, half in a later one)."""
    rng = random.Random(seed)
    replays = int(total * REPLAY_SHARE)
    firsts = total - replays
    per_class = -(-firsts // len(tokens))
    keys = [(t, f"p{i:03d}") for i in range(per_class) for t in tokens][:firsts]
    rng.shuffle(keys)
    reqs: list[dict[str, Any]] = [
        {"token": t, "key": k, "ip": _ip(n), "replay": False} for n, (t, k) in enumerate(keys)
    ]
    size = max(50, min(BURST, total // 10))
    bursts = [reqs[i : i + size] for i in range(0, len(reqs), size)]
    for r in range(replays):
        src_burst = rng.randrange(len(bursts))
        original = rng.choice([q for q in bursts[src_burst] if not q["replay"]])
        later = src_burst if r % 2 == 0 else rng.randrange(src_burst, len(bursts))
        bursts[later].append(dict(original, replay=True))
    for b in bursts:
        # a replay fired before its original would be the accepted one: keep the original ahead
        # of its replays (the order the parent pressed)
        b[:] = _interleave([q for q in b if not q["replay"]], [q for q in b if q["replay"]], rng)
    return bursts


def _interleave(
    firsts: list[dict[str, Any]], replays: list[dict[str, Any]], rng: random.Random
) -> list[dict[str, Any]]:
    """Each replay placed somewhere after its original (or anywhere when the original was in an
    earlier burst)."""
    out = list(firsts)
    pos = {(q["token"], q["key"]): i for i, q in enumerate(firsts)}
    inserts: list[tuple[int, dict[str, Any]]] = []
    for q in replays:
        at = pos.get((q["token"], q["key"]))
        lo = 0 if at is None else at + 1
        inserts.append((rng.randint(lo, len(firsts)), q))
    for where, q in sorted(inserts, key=lambda x: -x[0]):
        out.insert(where, q)
    return out


def _ip(n: int) -> str:
    n += 1
    return f"127.{(n >> 16) & 255 or 1}.{(n >> 8) & 255}.{n & 255 or 1}"


def _ack(host: str, port: int, req: dict[str, Any]) -> tuple[int, float]:
    csrf = secrets.token_hex(16)
    body = urllib.parse.urlencode({"pupil_key": req["key"], "csrfmiddlewaretoken": csrf})
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": f"csrftoken={csrf}",
        "Referer": f"http://{host}:{port}/safety/a/{req['token']}/",
    }
    started = time.perf_counter()
    conn = http.client.HTTPConnection(host, port, timeout=120, source_address=(req["ip"], 0))
    try:
        conn.request("POST", f"/safety/a/{req['token']}/", body=body, headers=headers)
        resp = conn.getresponse()
        resp.read()
        status = resp.status
    except OSError:
        status = 0
    finally:
        conn.close()
    return status, time.perf_counter() - started


def _watch(
    host: str, port: int, session: str, day: str, stop: threading.Event, out: list[tuple[int, float]]
) -> None:
    conn = http.client.HTTPConnection(host, port, timeout=120)
    while not stop.is_set():
        started = time.perf_counter()
        try:
            conn.request("GET", f"/safety/coverage/?day={day}", headers={"Cookie": f"sessionid={session}"})
            resp = conn.getresponse()
            resp.read()
            out.append((resp.status, time.perf_counter() - started))
        except (OSError, http.client.HTTPException):
            conn.close()
            conn = http.client.HTTPConnection(host, port, timeout=120)
            out.append((0, time.perf_counter() - started))
        stop.wait(1.0)
    conn.close()


def _pct(values: list[float], q: int) -> float:
    if len(values) < 2:
        return (values[0] if values else 0.0) * 1000
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] * 1000


def _servers(stack: ExitStack, db: Database, work: Path, pools: int) -> tuple[str, str, str]:
    """The servers, as production runs them (docs/operations.md, "Two worker pools"): the public's
    pool (3 x 8) for the parents, the staff's (1 x 4, `STAFF_NICE`) for the bureau, nginx in front with the
    configuration `edugov proxy_config` prints. With `pools=1`, one pool (3 x 8) serves both, as
    before. Returns the base URLs for the acknowledgements and for the page, and the layout."""
    from bench.web import proxy, serve

    public = stack.enter_context(serve(db))
    if pools == 1:
        return public, public, "one gunicorn pool 3x8"
    staff = stack.enter_context(serve(db, workers=1, threads=4, nice=STAFF_NICE))
    front = stack.enter_context(proxy(db, staff=staff, public=public, work=work))
    nice = f" at nice {STAFF_NICE}" if os.geteuid() == 0 else " (not root: nice 0)"
    if front is None:  # no nginx here: each pool addressed directly, as the proxy would route
        return public, staff, f"gunicorn public 3x8 + staff 1x4{nice} (no nginx: addressed directly)"
    return front, front, f"nginx -> gunicorn public 3x8 + staff 1x4{nice}"


def run(
    work_dir: Path, kinds: list[str], requests: int = REQUESTS, scale: float = 1.0, pools: int = 2
) -> list[tuple[str, str, str, str, str]]:
    from bench.__main__ import step
    from bench.web import _redis_available

    rows: list[tuple[str, str, str, str, str]] = []

    def add(figure: str, value: str, peer: str = "") -> None:
        rows.append((MODULE, figure, value, peer, ""))
        print(f"  {MODULE:<14} {figure:<58} {value:>14}  {peer}", flush=True)

    if "postgres" not in kinds or not _redis_available():
        add("acknowledgement burst skipped: PostgreSQL or Redis not running on 127.0.0.1", "-")
        return rows
    with Database("postgres", Path(work_dir)) as db:
        built = step(db, "build-demo", f"{scale:g}")
        setup = run_step("bench.safety", db.env(), "setup")
        tokens = setup["tokens"]
        add(
            f"holiday day for {len(tokens):,} classes (demo --scale {scale:g}), sent through the stub",
            f"{setup['sent']:,} sent",
            f"schedule {setup['schedule_s']:.2f} s, send {setup['send_s']:.2f} s; "
            f"{setup['links_in_messages']:,} messages with the class's link; "
            f"{built['counts'].get('学校', 0):,} schools",
        )
        bursts = _plan(tokens, requests)
        results: dict[int, tuple[int, float]] = {}
        watched: list[tuple[int, float]] = []
        with ExitStack() as servers:
            acks_base, page_base, layout = _servers(servers, db, Path(work_dir), pools)
            host, port = acks_base.removeprefix("http://").split(":")
            page_host, page_port = page_base.removeprefix("http://").split(":")
            # warm every server thread (connections, code) with the page parents open first
            with ThreadPoolExecutor(max_workers=24) as pool:
                list(pool.map(lambda t: _get(host, int(port), t), tokens[:48]))
            stop = threading.Event()
            watcher = threading.Thread(
                target=_watch,
                args=(page_host, int(page_port), setup["session"], setup["day"], stop, watched),
            )
            load_before = os.getloadavg()
            started = time.perf_counter()
            watcher.start()
            busy = 0.0
            try:
                with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
                    for n, burst in enumerate(bursts):
                        t0 = time.perf_counter()
                        # a replay waits for its original when both are in this burst (a parent
                        # pressing twice); the others go at once
                        done: dict[tuple[str, str], threading.Event] = {}
                        for q in burst:
                            if not q["replay"]:
                                done[(q["token"], q["key"])] = threading.Event()

                        def one(
                            q: dict[str, Any], done: dict[tuple[str, str], threading.Event] = done
                        ) -> tuple[int, float]:
                            k = (q["token"], q["key"])
                            if q["replay"] and k in done:
                                done[k].wait(120)
                            try:
                                return _ack(host, int(port), q)
                            finally:
                                if not q["replay"] and k in done:
                                    done[k].set()

                        for i, res in enumerate(pool.map(one, burst)):
                            results[id(burst[i])] = res
                        busy += time.perf_counter() - t0
                        if n + 1 < len(bursts):
                            time.sleep(PAUSE)
            finally:
                stop.set()
                watcher.join()
            wall = time.perf_counter() - started
            load_after = os.getloadavg()
        counted = run_step("bench.safety", db.env(), "count", str(setup["day_id"]))
    flat = [q for b in bursts for q in b]
    firsts = [q for q in flat if not q["replay"]]
    replays = [q for q in flat if q["replay"]]
    times = [results[id(q)][1] for q in flat]
    first_bad = [q for q in firsts if not 200 <= results[id(q)][0] < 300]
    replay_ok = [q for q in replays if 200 <= results[id(q)][0] < 300]
    replay_other = [
        q for q in replays if results[id(q)][0] not in (400,) and not 200 <= results[id(q)][0] < 300
    ]
    stored = {tuple(k) for k in counted["keys"]}
    expected = {(q["token"], q["key"]) for q in firsts}
    missing = expected - stored
    extra = stored - expected
    lost = len(first_bad) + len(missing)
    duplicated = counted["duplicates"] + len(replay_ok) + (len(counted["keys"]) - len(stored))
    p95 = _pct(times, 95)
    add(
        f"{len(flat):,} acks ({len(replays):,} replays) in {len(bursts)} bursts, {CLIENTS} clients",
        f"p95 {p95:.0f} ms",
        f"p50 {_pct(times, 50):.0f} / p99 {_pct(times, 99):.0f} / max {max(times) * 1000:.0f} ms; "
        f"target p95 < {TARGET_MS} ms: {'met' if p95 < TARGET_MS else 'NOT met'}",
    )
    add(
        "  requests per second (during bursts / wall incl. pauses)",
        f"{len(flat) / busy:.0f}/s",
        f"{len(flat) / wall:.0f}/s over {wall:.0f} s wall; {layout}, PostgreSQL, Redis",
    )
    add(
        "  lost / duplicated",
        f"{lost} / {duplicated}",
        f"first acks non-2xx {len(first_bad)}, missing in DB {len(missing)}; replays accepted "
        f"{len(replay_ok)}, refused 400 {len(replays) - len(replay_ok) - len(replay_other)}, "
        f"other {len(replay_other)}",
    )
    add(
        "  rows in the database (expected / found)",
        f"{len(expected):,} / {counted['rows']:,}",
        f"unexpected keys {len(extra)}; duplicate keys {counted['duplicates']}; reminder counters "
        f"sum {counted['counter_sum']:,}, {counters_note(counted)}",
    )
    w = [t for s, t in watched if s == 200]
    add(
        "  bureau's coverage page (/safety/coverage/) during the bursts",
        f"p95 {_pct(w, 95):.0f} ms" if w else "-",
        (f"p50 {_pct(w, 50):.0f} ms, max {max(w) * 1000:.0f} ms; " if w else "")
        + f"{len(w)}/{len(watched)} loads answered 200; target < {TARGET_MS} ms",
    )
    add(
        "  load average (1/5/15 min) before / after",
        f"{load_after[0]:.1f}",
        f"before {'/'.join(f'{x:.1f}' for x in load_before)}, after "
        f"{'/'.join(f'{x:.1f}' for x in load_after)}; {os.cpu_count()} cores shared",
    )
    codes: dict[int, int] = {}
    for q in first_bad + replay_other:
        codes[results[id(q)][0]] = codes.get(results[id(q)][0], 0) + 1
    if codes:
        add("  unexpected answers by status", str(codes))
    return rows


def counters_note(counted: dict[str, Any]) -> str:
    off = counted["counters_off"]
    return "every counter equal to its rows" if not off else f"{off} COUNTERS DIFFER FROM ROWS"


def _get(host: str, port: int, token: str) -> int:
    conn = http.client.HTTPConnection(host, port, timeout=120)
    try:
        conn.request("GET", f"/safety/a/{token}/")
        resp = conn.getresponse()
        resp.read()
        return resp.status
    finally:
        conn.close()


def main(argv: list[str]) -> None:
    if argv and argv[0] in STEPS:
        print("BENCH " + json.dumps(STEPS[argv[0]](*argv[1:]), default=str), flush=True)
        return
    import argparse

    from bench.__main__ import _pg_available

    parser = argparse.ArgumentParser(prog="python -m bench.safety")
    parser.add_argument("command", choices=["run"])
    parser.add_argument(
        "--requests", type=int, default=REQUESTS, help="acknowledgement requests (quick: 3000)"
    )
    parser.add_argument("--scale", type=float, default=1.0, help="demo scale of the district")
    parser.add_argument(
        "--pools",
        type=int,
        choices=(1, 2),
        default=2,
        help="2: public + staff pools, nginx; 1: one pool",
    )
    args = parser.parse_args(argv)
    kinds = ["sqlite"] + (["postgres"] if _pg_available() else [])
    with tempfile.TemporaryDirectory(prefix="edugov-bench-safety-") as tmp:
        run(Path(tmp), kinds, requests=args.requests, scale=args.scale, pools=args.pools)


if __name__ == "__main__":
    main(sys.argv[1:])
