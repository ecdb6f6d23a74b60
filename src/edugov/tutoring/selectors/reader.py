"""The user as a cached page figure's key sees them (common.cache): by what they may read, not by
person or role, as the compliance pages of burden do. `reports.cache.reader_key` names the rows
(scope anchors) and this module's read actions: a district's administrator, leader and officers
share one entry; a town's officer or an institution never reads the district's."""

from __future__ import annotations

from typing import Any

from edugov.reports.cache import reader_key


class Reader:
    def __init__(self, user: Any) -> None:
        self.user = user
        self.scope = reader_key(user, "tutoring")

    def __repr__(self) -> str:
        return f"Reader({self.scope})"
