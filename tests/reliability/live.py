"""Live databases for the reliability suite: tests that run `edugov` in subprocesses need a
database those processes can reach (pytest's test database is private to the test process).

`LiveDb` is a freshly migrated SQLite file in a temporary directory, or a temporary PostgreSQL
database: the server of DATABASE_URL when it names PostgreSQL, otherwise 127.0.0.1:5432 when
reachable (else the PostgreSQL variant is skipped). Rows are counted over a raw connection.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

import pytest

ROOT = Path(__file__).resolve().parents[2]
EDUGOV = [sys.executable, "-m", "edugov"]
SOAK = os.environ.get("EDUGOV_SOAK") == "1"
FIGURES = ROOT / "var" / "reliability" / "figures.jsonl"


def soak(short: int, long: int) -> int:
    """How many times to repeat: `long` under `make soak`, `short` in `make test`."""
    return long if SOAK else short


def record(name: str, **values: Any) -> None:
    """Append one measured figure for docs/reliability.md."""
    FIGURES.parent.mkdir(parents=True, exist_ok=True)
    with FIGURES.open("a", encoding="utf-8") as f:
        f.write(
            json.dumps({"test": name, "soak": SOAK, "at": time.time(), **values}, ensure_ascii=False) + "\n"
        )


def postgres_server_url() -> str | None:
    if run_vendor() == "postgresql":
        return os.environ["DATABASE_URL"]
    try:
        import psycopg

        psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", connect_timeout=2).close()
    except Exception:
        return None
    return "postgresql://postgres@127.0.0.1:5432/postgres"


class LiveDb:
    def __init__(self, vendor: str, workdir: Path) -> None:
        self.vendor = vendor
        self.workdir = workdir
        self.url = ""
        self.admin_url = ""

    # Environment for subprocesses -----------------------------------------------------------------

    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "EDUGOV_FAULT"))}
        env.pop("DATABASE_URL", None)
        env["DJANGO_SETTINGS_MODULE"] = "edugov.settings"
        env["EDUGOV_DATA_DIR"] = str(self.workdir)
        env["EDUGOV_ENV"] = "development"
        if self.url:
            env["DATABASE_URL"] = self.url
        env.update(extra)
        return env

    def run(
        self, *args: str, check: bool = True, timeout: float = 600, **extra: str
    ) -> subprocess.CompletedProcess:
        proc = subprocess.run(
            [*EDUGOV, *args], env=self.env(**extra), capture_output=True, text=True, timeout=timeout, cwd=ROOT
        )
        if check and proc.returncode != 0:
            raise AssertionError(
                f"edugov {' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
            )
        return proc

    def popen(self, *args: str, **extra: str) -> subprocess.Popen:
        return subprocess.Popen(
            [*EDUGOV, *args],
            env=self.env(**extra),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )

    # Raw access ----------------------------------------------------------------------------------

    @contextmanager
    def connect(self) -> Iterator[Any]:
        if self.vendor == "sqlite":
            conn = sqlite3.connect(self.workdir / "edugov.sqlite3", timeout=30)
            try:
                yield conn
            finally:
                conn.close()
        else:
            import psycopg

            with psycopg.connect(self.url, autocommit=True) as conn:
                yield conn

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        if self.vendor == "sqlite":
            sql = sql.replace("%s", "?")
        with self.connect() as conn:
            cursor = conn.execute(sql, params)
            rows = list(cursor.fetchall()) if cursor.description else []
            if self.vendor == "sqlite":
                conn.commit()  # an UPDATE would otherwise be rolled back on close
            return rows

    def tables(self) -> list[str]:
        if self.vendor == "sqlite":
            rows = self.query(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%%'"
            )
        else:
            rows = self.query("SELECT tablename FROM pg_tables WHERE schemaname='public'")
        return sorted(r[0] for r in rows)

    def counts(self) -> dict[str, int]:
        with self.connect() as conn:
            return {t: conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in self.tables()}

    def drop(self) -> None:
        if self.vendor == "postgresql":
            import psycopg

            with psycopg.connect(self.admin_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{urlparse(self.url).path[1:]}" WITH (FORCE)')


@contextmanager
def live_db(vendor: str, tmp: Path) -> Iterator[LiveDb]:
    db = LiveDb(vendor, tmp)
    if vendor == "postgresql":
        server = postgres_server_url()
        if server is None:
            pytest.skip("PostgreSQL is not reachable")
        import psycopg

        parts = urlparse(server)
        name = f"edugov_rel_{uuid.uuid4().hex[:10]}"
        db.admin_url = urlunparse(parts._replace(path="/postgres"))
        db.url = urlunparse(parts._replace(path=f"/{name}"))
        with psycopg.connect(db.admin_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    try:
        db.run("migrate", "--noinput", "-v", "0")
        yield db
    finally:
        db.drop()


def run_vendor() -> str:
    """The database this run of the suite is on: PostgreSQL when DATABASE_URL names it."""
    return (
        "postgresql"
        if os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
        else "sqlite"
    )


# `make test` exercises the run's own database (CI runs the suite once on each); `make soak` both,
# PostgreSQL on 127.0.0.1:5432 when reachable.
VENDORS = ["sqlite", "postgresql"] if SOAK else [run_vendor()]
