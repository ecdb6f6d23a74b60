"""Cached figures that are never stale after a commit.

Every cached value's key carries the *data generation*, a counter in the cache that goes up when
a transaction that wrote data commits. The write path moves it, not a model signal (bulk_create
and update() send none): the audit services that every write calls (audit_record, audit_bulk,
audit_rows_write) call `bump_on_commit()`, and a bulk writer that records no audit calls it
itself. The bump runs through transaction.on_commit: a rolled-back write never bumps, a committed
one always does, and the next read computes under the new generation.

    @cached_figure("registry.dashboard")
    def dashboard(*, actor): ...

The cache is Redis when REDIS_URL is set (shared by every worker process); otherwise Django's
local memory, which is exact only for a single process (development and tests).
"""

from __future__ import annotations

import functools
import hashlib
import time
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connection, connections, models, transaction

GENERATION_KEY = "edugov:data-generation"
FIGURE_TIMEOUT = 3600  # seconds; correctness comes from the generation, this only bounds memory

P = ParamSpec("P")
R = TypeVar("R")


def data_generation() -> int:
    """The current data generation (created on first use)."""
    value = cache.get(GENERATION_KEY)
    if value is None:
        # A fresh start (or an evicted counter) must not reuse an earlier generation's number:
        # start from the clock, which is far above any count of bumps.
        cache.add(GENERATION_KEY, time.time_ns(), timeout=None)
        value = cache.get(GENERATION_KEY)
    return int(value)


def bump_data_generation() -> int:
    try:
        return int(cache.incr(GENERATION_KEY))
    except ValueError:  # missing: start a new, higher series
        cache.add(GENERATION_KEY, time.time_ns(), timeout=None)
        return int(cache.get(GENERATION_KEY))


def bump_on_commit(*, using: str = DEFAULT_DB_ALIAS) -> None:
    """Move the data generation when the current transaction commits (at once outside one).

    Called by the write path itself, so bulk writes count as any other. Registered once per
    transaction: a bump still waiting was registered in savepoints that are either enclosing this
    write or already released (a rolled-back savepoint drops its callbacks), so it fires whenever
    the present write commits; a thousand audited rows cost one cache increment, not a thousand."""
    conn = connections[using]
    if conn.in_atomic_block and any(func is bump_data_generation for _, func, *_ in conn.run_on_commit):
        return
    transaction.on_commit(bump_data_generation, using=using)


def scope_key(user: Any) -> str:
    """What a dashboard depends on of its user: the scope, not the person (users with the same
    scope share the cached figure)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return "anonymous"
    parts = [getattr(user, a, None) for a in ("role", "area_id", "school_id", "teacher_id", "institution_id")]
    parts.append(getattr(user, "department", None))
    parts.append(getattr(user, "is_superuser", False))
    return ":".join(str(p) for p in parts)


def _key_part(value: Any) -> str:
    if hasattr(value, "is_authenticated") and hasattr(value, "role"):
        return f"user({scope_key(value)})"
    if isinstance(value, models.Model):
        return f"{value._meta.label}:{value.pk}"
    return repr(value)


def _in_uncommitted_transaction() -> bool:
    # Inside a transaction a figure could include writes that may still roll back: compute it,
    # do not cache it. (Tests wrapped in a transaction therefore never cache; the cache's own
    # tests run with real commits.)
    return connection.in_atomic_block


def cached_figure(
    name: str, *, timeout: int = FIGURE_TIMEOUT, depends: Callable[[], str] | None = None
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Cache a selector's result per data generation and per arguments (a user counts by scope).
    `depends` names what else the figure is computed from besides the data (the standards in
    force): a different answer is a different key, so new standards never serve an old figure."""

    def decorate(func: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(func)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            if _in_uncommitted_transaction():
                return func(*args, **kwargs)
            generation = data_generation()  # read before computing: a commit meanwhile moves on
            raw = "|".join(
                [
                    *(_key_part(a) for a in args),
                    *(f"{k}={_key_part(v)}" for k, v in sorted(kwargs.items())),
                    depends() if depends is not None else "",
                ]
            )
            key = f"edugov:fig:{name}:{generation}:{hashlib.sha256(raw.encode()).hexdigest()[:32]}"
            hit = cache.get(key)
            if hit is not None:
                return hit  # type: ignore[no-any-return]
            value = func(*args, **kwargs)
            cache.set(key, value, timeout)
            return value

        wrapper.uncached = func  # type: ignore[attr-defined]
        return wrapper

    return decorate
