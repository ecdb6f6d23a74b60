"""Start-up warming (indicators.warm): for each district, the compliance pages' figures of the
default term (`compliance_page`, which computes and caches the class-week table too) for every
distinct read scope among the district's accounts that may see compliance (a read scope is
shared by every role that holds it: administrator, leader and officers read the same rows), so
the first visit of 作业时长监测 and 考试与课后服务 after a restart finds them cached."""

from __future__ import annotations

from edugov.accounts.models import User
from edugov.accounts.policy import can
from edugov.registry.models import Area, AreaLevel

from .selectors import compliance_page, default_term, read_scope_key

MAX_SCOPES_PER_DISTRICT = 4  # start-up time stays bounded: the first scopes by account id


def warm() -> None:
    for area in Area.objects.filter(level=AreaLevel.DISTRICT, archived_at__isnull=True).order_by("pk"):
        users = User.objects.filter(area=area, is_active=True).select_related("area").order_by("pk")
        readers: dict[str, User] = {}
        for user in users:
            if can(user, "burden.compliance"):
                readers.setdefault(read_scope_key(user), user)
        for reader in list(readers.values())[:MAX_SCOPES_PER_DISTRICT]:
            term = default_term(user=reader)
            if term is not None:
                compliance_page(user=reader, term=term)
