"""Start-up warming (indicators.warm): each district's class-week table of the default term, read
as one of the district's own accounts that may see compliance (the table is the same for every
district-wide reader, so the compliance and 考试与课后服务 pages of all of them find it cached)."""

from __future__ import annotations

from edugov.accounts.models import User
from edugov.accounts.policy import can
from edugov.registry.models import Area, AreaLevel

from .selectors import default_term, homework_compliance


def warm() -> None:
    for area in Area.objects.filter(level=AreaLevel.DISTRICT, archived_at__isnull=True).order_by("pk"):
        users = User.objects.filter(area=area, is_active=True).select_related("area").order_by("pk")
        reader = next((u for u in users if can(u, "burden.compliance")), None)
        if reader is None:
            continue
        term = default_term(user=reader)
        if term is not None:
            homework_compliance(user=reader, term=term)
