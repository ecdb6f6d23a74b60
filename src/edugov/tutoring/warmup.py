"""Start-up warming (indicators.warm): for each district, the 违规情况 list (`violation_rows`, which
scans every session and order for a recorded violation) for every distinct read scope among the
district's accounts that may view tutoring (a read scope is shared by every role that holds it),
so the first visit after a restart finds it cached."""

from __future__ import annotations

from edugov.reports.readers import Reader
from edugov.reports.warmup import district_readers

from .selectors import violation_rows

MAX_SCOPES_PER_DISTRICT = 4  # start-up time stays bounded: the first scopes by account id


def warm() -> None:
    scope = lambda u: Reader(u, "tutoring").scope  # noqa: E731
    for reader in district_readers("tutoring.view", scope, MAX_SCOPES_PER_DISTRICT):
        violation_rows(user=reader)
