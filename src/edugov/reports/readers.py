"""The user as a cached page figure's key sees them (`common.cache.cached_figure`): by what they
may read, not by person or role, as the report files are keyed (`reports.cache`). A district's
administrator, leader and officers share one entry; a town's officer or an institution never
reads the district's."""

from __future__ import annotations

from typing import Any

from .cache import read_scope_key, reader_key


class Reader:
    """`user` keyed by the rows they may read (`read_scope_key`) or, given a module, by those rows
    and that module's read actions (`reader_key`): the cache key is the `repr`, never the person."""

    def __init__(self, user: Any, module: str | None = None) -> None:
        self.user = user
        self.scope = reader_key(user, module) if module else read_scope_key(user)

    def __repr__(self) -> str:
        return f"Reader({self.scope})"
