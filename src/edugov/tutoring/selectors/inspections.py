"""Inspection reads: the officers an inspection may name, the institution picker's search, and
the inspection records of the supervision report."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q

from edugov.accounts.policy import role_may
from edugov.accounts.scope import scoped

from ..models import Inspection, Institution

# Inspections ------------------------------------------------------------------------------------


def inspector_candidates(*, actor: Any) -> list[Any]:
    """The officers an inspection may name: active users who may record inspections (asked of the
    policy), over the actor's area or within it."""
    from edugov.accounts.models import User

    area = getattr(actor, "area", None)
    qs = User.objects.filter(is_active=True, area__isnull=False).select_related("area")
    if area is not None:
        above = [area.path[: i + 1] for i, ch in enumerate(area.path) if ch == "/" and i]
        qs = qs.filter(Q(area__path__startswith=area.path) | Q(area__path__in=above))
    return [u for u in qs.order_by("area__path", "username") if role_may(u, "tutoring.inspection_record")]


def institution_pick(*, actor: Any, search: str, limit: int = 20) -> list[dict[str, Any]]:
    """The institutions an inspection may name, by name or credit-code prefix (the picker's search)."""
    from edugov.accounts.scope import write_scoped

    search = search.strip()[:50]
    if not search:
        return []
    qs = write_scoped(Institution, actor).filter(
        Q(name__icontains=search) | Q(credit_code__startswith=search.upper())
    )
    rows = qs.order_by("name", "pk").values("pk", "name", "area__name", "credit_code")[:limit]
    return [dict(r) for r in rows]


def inspection_rows(*, user: Any, start: dt.date, end: dt.date, limit: int = 500) -> list[list[Any]]:
    """Inspections done in a period for the supervision report: date, place, officers on site,
    whether it was compliant, findings."""
    qs = (
        scoped(Inspection, user)
        .filter(inspected_on__gte=start, inspected_on__lte=end)
        .select_related("institution", "unlicensed_site", "inspector")
        .prefetch_related("inspectors")
        .order_by("-inspected_on", "-pk")[:limit]
    )
    words = {True: "合规", False: "有问题", None: "未定"}
    return [
        [
            i.inspected_on,  # a date: printed the Chinese way, a date cell in XLSX
            i.institution.name if i.institution else (i.unlicensed_site.name if i.unlicensed_site else "—"),
            "、".join(str(u) for u in i.inspectors.all()) or (str(i.inspector) if i.inspector else "—"),
            words[i.compliant],
            i.findings or "—",
        ]
        for i in qs
    ]
