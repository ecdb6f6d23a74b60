"""What every bench section shares: a throwaway database per measurement, and measured steps run
in a fresh process (so peak memory is the step's own and no step warms another's cache)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")
PG_ADMIN = os.environ.get("EDUGOV_BENCH_PG", "postgres://postgres@127.0.0.1:5432/postgres")


class Database:
    """A temporary SQLite file or PostgreSQL database for one measurement."""

    def __init__(self, kind: str, workdir: Path, prefix: str = "edugov_bench") -> None:
        self.kind = kind
        self.workdir = workdir
        self.name = f"{prefix}_{uuid.uuid4().hex[:8]}"

    def env(self) -> dict[str, str]:
        env = dict(os.environ, EDUGOV_DATA_DIR=str(self.workdir / self.name), PYTHONPATH=str(Path.cwd()))
        env.pop("DATABASE_URL", None)
        if self.kind == "postgres":
            env["DATABASE_URL"] = PG_ADMIN.rsplit("/", 1)[0] + "/" + self.name
        return env

    def __enter__(self) -> Database:
        if self.kind == "postgres":
            import psycopg

            with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{self.name}"')
        return self

    def __exit__(self, *exc: object) -> None:
        if self.kind == "postgres":
            import psycopg

            with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def timed_runs(run: Callable[[], T], times: int = 3) -> tuple[T, list[float], list[float]]:
    """`run` called `times` times in this process: its last result, and each call's wall and CPU
    seconds (every thread's). The process is settled (`settle`) after the first call, as the
    server is after its warming: edugov's module calls and the peers' are timed alike."""
    runs: list[float] = []
    cpu: list[float] = []
    for _ in range(times):
        started, used = time.perf_counter(), time.process_time()
        result = run()
        runs.append(time.perf_counter() - started)
        cpu.append(time.process_time() - used)
        if len(runs) == 1:
            settle()
    return result, runs, cpu


def settle() -> None:
    """After a measured process's first call: what it has made so far frozen out of the cyclic
    collector's way, as the server does after its start-up warming, before it forks its workers
    (`edugov.indicators.warm.freeze_start_up`). The peers' processes are settled alike after their
    first call, so both sides' warm calls are timed the same way."""
    from edugov.indicators.warm import freeze_start_up

    freeze_start_up()


def run_step(module: str, env: dict[str, str] | None, *args: str) -> dict[str, Any]:
    """Run `python -m <module> <args>`; the step prints one `BENCH {json}` line with its figures."""
    proc = subprocess.run(
        [sys.executable, "-m", module, *args],
        env=env or dict(os.environ, PYTHONPATH=str(Path.cwd())),
        capture_output=True,
        text=True,
    )
    for line in proc.stdout.splitlines():
        if line.startswith("BENCH "):
            return json.loads(line[6:])
    raise RuntimeError(f"{module} step {args[0]} failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}")


def same_json(a_path: Path, b_path: Path) -> tuple[int, int]:
    """Two result files written by different implementations: (keys, keys that differ)."""
    a = json.loads(a_path.read_text(encoding="utf-8"))
    b = json.loads(b_path.read_text(encoding="utf-8"))
    differ = set(a) ^ set(b)
    differ |= {k for k in set(a) & set(b) if a[k] != b[k]}
    return len(a), len(differ)


def speedup(peer: str, peer_seconds: float, ours_seconds: float) -> str:
    """Every ratio the bench prints, one way: edugov's speed-up over the named peer, peer time /
    edugov time (above 1: edugov ahead; below 1: behind)."""
    if ours_seconds <= 0:
        return f"speed-up vs {peer} n/a"
    return f"speed-up vs {peer} {peer_seconds / ours_seconds:.2f}"
