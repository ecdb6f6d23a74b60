"""Web section of `make bench`: gunicorn on loopback with PostgreSQL and Redis, locust headless at
each concurrency, and the deadline peak: every school admin uploads its class file at once
through the upload page; afterwards every row is counted in the database."""

from __future__ import annotations

import csv
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from bench.__main__ import Database, _pg_available, step

LOGINS = ["admin", "officer_jc", "leader", "inspector", "school1", "teacher1"]
PASSWORD = "Edugov@2026"
REDIS_BENCH_URL = os.environ.get("EDUGOV_BENCH_REDIS", "redis://127.0.0.1:6379/14")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _redis_available() -> bool:
    try:
        import redis

        client = redis.Redis.from_url(REDIS_BENCH_URL, socket_connect_timeout=2)
        client.flushdb()
        return True
    except Exception:
        return False


def _login(base: str, username: str) -> str:
    import requests

    s = requests.Session()
    page = s.get(f"{base}/accounts/login/", timeout=60)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert token, "no CSRF token on the login page"
    r = s.post(
        f"{base}/accounts/login/",
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1)},
        headers={"Referer": f"{base}/accounts/login/"},
        timeout=60,
        allow_redirects=False,
    )
    assert r.status_code == 302 and "sessionid" in s.cookies, f"login of {username} failed ({r.status_code})"
    return str(s.cookies["sessionid"])


def _upload(base: str, session_key: str, path: str) -> tuple[int, float]:
    import requests

    s = requests.Session()
    s.cookies.set("sessionid", session_key)
    start = time.perf_counter()
    page = s.get(f"{base}/imports/", timeout=300)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    if not token:
        return page.status_code, time.perf_counter() - start
    with open(path, "rb") as f:
        r = s.post(
            f"{base}/imports/",
            data={"kind": "classes", "csrfmiddlewaretoken": token.group(1)},
            files={"file": (Path(path).name, f, "text/csv")},
            headers={"Referer": f"{base}/imports/"},
            timeout=300,
            allow_redirects=False,
        )
    return r.status_code, time.perf_counter() - start


def _locust(
    base: str,
    users: int,
    seconds: int,
    sessions: list[str],
    work: Path,
    scenario: str = "web",
    extra_env: dict[str, str] | None = None,
) -> dict[str, dict[str, str]]:
    """Locust headless; `scenario` picks the user classes of locustfile.py ("web", "rectification",
    "publish")."""
    import json

    prefix = work / f"locust_{scenario}_{users}"
    env = dict(os.environ, **(extra_env or {}))
    env.update(EDUGOV_BENCH_SESSIONS=json.dumps(sessions), EDUGOV_BENCH_SCENARIO=scenario)
    subprocess.run(
        [
            sys.executable, "-m", "locust", "-f", str(Path(__file__).with_name("locustfile.py")),
            "--headless",
            "-u", str(users), "-r", str(max(users // 5, 1)), "--run-time", f"{seconds}s", "--host", base,
            "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING",
        ],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    with open(f"{prefix}_stats.csv", encoding="utf-8") as f:
        stats = {row["Name"]: row for row in csv.DictReader(f)}
    failures = Path(f"{prefix}_failures.csv")
    if failures.exists():
        with failures.open(encoding="utf-8") as f:
            for row in csv.DictReader(f):
                stats.setdefault("_failures", {})[f"{row['Name']}: {row['Error'][:90]}"] = row["Occurrences"]
    return stats


def bench_web(work: Path, *, users: list[int], uploads: int, report: Callable[..., None]) -> None:
    if not _pg_available() or not _redis_available():
        report("web", "skipped: PostgreSQL or Redis not running on 127.0.0.1", "-")
        return
    with Database("postgres", work) as db:
        # Enough schools for the deadline peak (the demo has ~143 per unit of scale).
        setup = step(db, "build-demo", str(max(1.0, uploads / 140 + 0.2)))
        peak = step(db, "web-setup", str(uploads), str(work / "uploads"))
        env = dict(db.env(), REDIS_URL=REDIS_BENCH_URL, EDUGOV_CONN_MAX_AGE="60", EDUGOV_DEBUG="0")
        env.pop("PYTHONPATH", None)
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [
                sys.executable, "-m", "gunicorn", "edugov.wsgi:application", "-b", f"127.0.0.1:{port}",
                "-w", "3", "-k", "gthread", "--threads", "8", "--timeout", "300",
                "--backlog", "2048", "--keep-alive", "30",
            ],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        try:
            _wait_for(base)
            sessions = [_login(base, u) for u in LOGINS]
            schools = setup["counts"].get("学校", 0)
            report("web", f"gunicorn 3 workers × 8 threads, PostgreSQL, Redis; {schools:,} schools", "")
            for n in users:
                stats = _locust(base, n, 40, sessions, work)
                for reason, count in stats.get("_failures", {}).items():
                    report("web", f"  failures at {n} users: {reason}", count)
                for name in ("dashboard", "api schools", "api classes"):
                    row = stats.get(name)
                    if row is None:
                        continue
                    report(
                        "web",
                        f"{name} at {n} users: p50 / p95 / p99 (ms)",
                        f"{row['50%']} / {row['95%']} / {row['99%']}",
                        f"{row['Request Count']} requests, {row['Failure Count']} failed",
                    )
            jobs = peak["uploads"]
            barrier = threading.Barrier(len(jobs))

            def one(job: dict) -> tuple[int, float]:
                barrier.wait()
                return _upload(base, job["session"], job["path"])

            start = time.perf_counter()
            with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
                results = list(pool.map(one, jobs))
            wall = time.perf_counter() - start
            counted = step(db, "web-count")
            ok = sum(1 for code, _ in results if code == 302)
            slowest = max(t for _, t in results)
            report(
                "web",
                f"deadline peak: {len(jobs)} school admins upload at once ({peak['rows']:,} rows)",
                f"{wall:.1f} s",
                f"{ok}/{len(jobs)} accepted, slowest {slowest:.1f} s",
            )
            exact = peak["rows"] == counted["new_rows"] and counted["duplicates"] == 0
            report(
                "web",
                "  rows in the database after the peak (expected / found)",
                f"{peak['rows']:,} / {counted['new_rows']:,}",
                f"batches succeeded {counted['succeeded']}/{len(jobs)}; no row lost or duplicated"
                if exact
                else "ROWS DIFFER",
            )
        finally:
            server.terminate()
            server.wait(timeout=30)


@contextmanager
def serve(db: Database, workers: int = 3, threads: int = 8, nice: int = 0) -> Iterator[str]:
    """gunicorn on a free loopback port over `db` (PostgreSQL) and the bench Redis, as bench_web runs
    it, at CPU priority `nice` (as a service unit's `Nice=`; below 0 needs root, else it runs at
    0); yields the base URL and stops the server afterwards."""
    env = dict(db.env(), REDIS_URL=REDIS_BENCH_URL, EDUGOV_CONN_MAX_AGE="60", EDUGOV_DEBUG="0")
    env.pop("PYTHONPATH", None)
    port = _free_port()
    argv = [
        sys.executable, "-m", "gunicorn", "edugov.wsgi:application", "-b", f"127.0.0.1:{port}",
        "-w", str(workers), "-k", "gthread", "--threads", str(threads), "--timeout", "300",
        "--backlog", "2048", "--keep-alive", "30",
    ]  # fmt: skip
    if nice:
        argv = ["nice", "-n", str(nice), *argv]
    with _running(argv, port, env) as base:
        yield base


@contextmanager
def _running(argv: list[str], port: int, env: dict[str, str] | None = None) -> Iterator[str]:
    """A server process answering on the loopback `port`: yields its base URL once the login page
    answers, and stops it afterwards."""
    server = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(base)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


@contextmanager
def proxy(db: Database, *, staff: str, public: str, work: Path) -> Iterator[str | None]:
    """nginx on a free loopback port with the configuration `edugov proxy_config` prints for the
    two pools (the public's routes to `public`, the rest to `staff`), as production runs it; yields
    its base URL, or None when nginx is not installed (apt-get install nginx-light)."""
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if nginx is None:
        yield None
        return
    env = dict(db.env())
    env.pop("PYTHONPATH", None)
    port = _free_port()
    server_block = subprocess.run(
        [
            sys.executable, "-m", "edugov", "proxy_config", "--listen", f"127.0.0.1:{port}",
            "--staff", staff.removeprefix("http://"), "--public", public.removeprefix("http://"),
        ],
        env=env, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    home = work / "nginx"
    home.mkdir(parents=True, exist_ok=True)
    conf = home / "nginx.conf"
    conf.write_text(
        ("user root;\n" if os.geteuid() == 0 else "")  # its worker reads the bench's private temp dir
        + f"worker_processes 1;\npid {home}/nginx.pid;\nerror_log {home}/error.log warn;\n"
        f"events {{ worker_connections 4096; }}\nhttp {{\naccess_log off;\n"
        f"client_body_temp_path {home}/body;\nproxy_temp_path {home}/proxy;\n{server_block}}}\n"
    )
    with _running([nginx, "-c", str(conf), "-g", "daemon off;"], port) as base:
        yield base


def _wait_for(base: str) -> None:
    import requests

    for _ in range(120):
        try:
            requests.get(f"{base}/accounts/login/", timeout=5)
            return
        except Exception:
            time.sleep(1)
    raise RuntimeError("gunicorn did not start")
