"""Start-up warming (indicators.warm): for each district, the 违规情况 list (`violation_rows`, which
scans every session and order for a recorded violation) for every distinct read scope among the
district's accounts that may view tutoring (a read scope is shared by every role that holds it),
so the first visit after a restart finds it cached."""

from __future__ import annotations

from edugov.accounts.models import User
from edugov.accounts.policy import can
from edugov.registry.models import Area, AreaLevel

from .selectors import violation_rows
from .selectors.reader import Reader

MAX_SCOPES_PER_DISTRICT = 4  # start-up time stays bounded: the first scopes by account id


def warm() -> None:
    for area in Area.objects.filter(level=AreaLevel.DISTRICT, archived_at__isnull=True).order_by("pk"):
        users = User.objects.filter(area=area, is_active=True).select_related("area").order_by("pk")
        readers: dict[str, User] = {}
        for user in users:
            if can(user, "tutoring.view"):
                readers.setdefault(Reader(user).scope, user)
        for reader in list(readers.values())[:MAX_SCOPES_PER_DISTRICT]:
            violation_rows(user=reader)
