"""A rendered report file kept per data generation and reader, as the page figures are
(`common.cache`): a second download of the same document is the bytes of the first, and a write
committed anywhere moves the generation, so no file is ever stale.

The key holds what a document may depend on and nothing of the person: the report, the format,
its parameters, the data generation, the day (builders date their documents and default their
periods to today), the standards in force, and the reader as `reader_key` sees them: the rows
they may read (their scope anchors) and the read actions the report's own module grants them
(the identity columns a builder masks or shows, as tutoring.identity_view). Two readers share a
file only when both are the same; a role is never part of the key. A builder that showed or
masked by another module's action would have to be keyed on it too: builders ask their own
module's policy. Inside a transaction that may still roll back nothing is kept.

The cache is the process's own (local memory) unless REDIS_URL names a shared one; the server
warms the slow documents before it forks its workers (`reports.warmup`)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from edugov.accounts.anchors import user_anchors
from edugov.accounts.policy import policies, role_may
from edugov.common.cache import FIGURE_TIMEOUT, data_generation
from edugov.standards.loader import library

if TYPE_CHECKING:
    from edugov.accounts.models import User

    from .document import Document
    from .registry import ReportSpec

MAX_CACHED_BYTES = 8 * 1024 * 1024  # a larger file is rendered each time (memory, not speed)


@dataclass(frozen=True)
class Rendered:
    """A report file as rendered once: what the download returns and what its audit event says."""

    content: bytes
    title: str
    rows: int
    filename: str  # without extension
    audit: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, doc: Document, content: bytes) -> Rendered:
        return cls(content, doc.title, doc.rows, doc.filename or doc.title, dict(doc.audit))


def read_actions(actor: User | None, module: str | None = None) -> list[str]:
    """The read actions that the actor's role, modules and department allow, of one module's
    policy (None: of every policy)."""
    if actor is None:
        return ["system"]
    return sorted(
        f"{policy.module}.{name}"
        for policy in policies()
        if module is None or policy.module == module
        for name, rule in policy.rules.items()
        if rule.scope == "read" and role_may(actor, f"{policy.module}.{name}")
    )


def read_scope_key(user: Any) -> str:
    """The rows a user may read, as the scope filters decide them (accounts.scope.scope_q):
    nothing for no user, an anonymous or inactive account, everything for a superuser, otherwise
    the rows of their anchors (kinds and ids, the same for every role that holds them). The one
    reader key of every cache of pages and files (burden's compliance pages, the report files)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return "nothing"
    if user.is_superuser:
        return "all"
    anchors = user_anchors(user)
    return ";".join(f"{kind}={','.join(map(str, sorted(ids)))}" for kind, ids in sorted(anchors.items()))


def reader_key(actor: User | None, module: str | None = None) -> str:
    """What a document of `module` may depend on of its reader: the rows they may read
    (`read_scope_key`; everything for the system, which renders with no actor) and the module's
    read actions they hold; never the person or the role's name."""
    rows = "system" if actor is None else read_scope_key(actor)
    return f"{rows}|{','.join(read_actions(actor, module))}"


def file_key(spec: ReportSpec, fmt: str, params: dict[str, Any], actor: User | None) -> str:
    raw = "|".join(
        [
            spec.name,
            fmt,
            repr(sorted(params.items())),
            timezone.localdate().isoformat(),
            library().fingerprint,
            reader_key(actor, spec.action.partition(".")[0]),
        ]
    )
    digest = hashlib.sha256(raw.encode()).hexdigest()[:40]
    return f"edugov:report:{spec.name}:{data_generation()}:{digest}"


def cacheable() -> bool:
    # Inside a transaction the document could show writes that may still roll back.
    return not connection.in_atomic_block


def cached(key: str) -> Rendered | None:
    hit = cache.get(key)
    return hit if isinstance(hit, Rendered) else None


def keep(key: str, file: Rendered) -> None:
    if len(file.content) <= MAX_CACHED_BYTES:
        cache.set(key, file, FIGURE_TIMEOUT)
