"""Fault points for the reliability suite (tests/reliability/test_import_faults.py).

With EDUGOV_FAULT_POINT=<point>[:kill|:drop] in the environment, the import engine stops at the
named point: `kill` (the default) sends SIGKILL to its own process; `drop` has PostgreSQL end
the process's database session from a second connection (pg_terminate_backend), mid-transaction,
and on SQLite kills the process instead. Points: created (batch row written, run not started),
validated, inserted, updated, logged, audited.
Unset (always, outside the suite) it costs one environment lookup; production ignores it.
"""

from __future__ import annotations

import os
import signal

from django.conf import settings
from django.db import connection

POINTS = ("created", "validated", "inserted", "updated", "logged", "audited")


def fault_point(name: str) -> None:
    wanted = os.environ.get("EDUGOV_FAULT_POINT")
    if not wanted or getattr(settings, "PRODUCTION", False):
        return
    point, _, action = wanted.partition(":")
    if point != name:
        return
    if action == "drop" and connection.vendor == "postgresql":
        import psycopg

        pid = connection.connection.info.backend_pid
        params = connection.get_connection_params()
        params.pop("cursor_factory", None)
        params.pop("context", None)
        with psycopg.connect(**params, autocommit=True) as killer:
            killer.execute("SELECT pg_terminate_backend(%s)", [pid])
        return
    os.kill(os.getpid(), signal.SIGKILL)
