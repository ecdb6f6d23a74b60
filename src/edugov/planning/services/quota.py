"""Writes of planning: senior-school quota plans."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from edugov.accounts.models import User
from edugov.accounts.policy import ensure_can
from edugov.audit.models import AuditAction
from edugov.audit.services import audit_record
from edugov.common.errors import DomainError
from edugov.registry.models import AreaLevel, School

from ..errors import PlanningError as E
from ..models import (
    QuotaPlan,
    QuotaStatus,
)
from ..permissions import action
from .base import _count

# Senior-high quota allocation --------------------------------------------------------------------

SENIOR_TYPES = frozenset({"senior", "complete_secondary", "twelve_year"})


@transaction.atomic
def quota_save(
    *,
    actor: User | None,
    school: School,
    year: int,
    places: int,
    share_pct: Decimal,
    rural_weight: Decimal = Decimal(1),
    source: str = "",
    status: str = QuotaStatus.DRAFT,
) -> QuotaPlan:
    """A quality senior high school's places and the share allocated to junior schools; the share
    must reach the minimum kept as data (data/planning.toml)."""
    from ..rules import load

    if actor is not None:
        ensure_can(actor, action("edit"), school)
    if school.school_type not in SENIOR_TYPES:
        raise DomainError(E.NOT_SENIOR, name=school.name)
    _count(places, "招生计划", minimum=1)
    q = load()["quota"]
    share = Decimal(str(share_pct))
    if not Decimal(str(q["min_share_pct"])) <= share <= 100:
        raise DomainError(E.QUOTA_SHARE, low=q["min_share_pct"], source=q["source"])
    weight = Decimal(str(rural_weight))
    if not Decimal(1) <= weight <= Decimal(3):
        raise DomainError(E.QUOTA_WEIGHT)
    if status not in QuotaStatus.values:
        raise DomainError(E.BAD_FIELD, field="状态", reason="应为草稿或已确认")
    district = school.area if school.area.level == AreaLevel.DISTRICT else school.area.parent
    if district is None:
        raise DomainError(E.BAD_FIELD, field="学校", reason="没有所属区县")
    row, _created = QuotaPlan.objects.update_or_create(
        school=school,
        year=year,
        defaults={
            "area": district,
            "places": places,
            "share_pct": share,
            "rural_weight": weight,
            "source": source or q["source"][:120],
            "status": status,
        },
    )
    audit_record(action=AuditAction.UPDATE, instance=row, actor=actor, changes={"share_pct": str(share)})
    return row
