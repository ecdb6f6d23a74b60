"""Who is acting, from where, through which channel: set once per request, task or command."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from typing import Any


@dataclass(frozen=True)
class AuditContext:
    actor: Any = None
    ip_address: str | None = None
    source: str = "command"


_current: ContextVar[AuditContext] = ContextVar("edugov_audit_context", default=AuditContext())  # noqa: B039 (frozen)


def current() -> AuditContext:
    return _current.get()


@contextmanager
def acting(*, actor: Any = None, ip_address: str | None = None, source: str) -> Iterator[None]:
    token = _current.set(AuditContext(actor=actor, ip_address=ip_address, source=source))
    try:
        yield
    finally:
        _current.reset(token)


def set_source(source: str) -> None:
    """Name the channel of the context already bound (the request's handler is known only once
    its URL has resolved); the enclosing `acting` block restores the outer context on exit."""
    _current.set(replace(_current.get(), source=source))
