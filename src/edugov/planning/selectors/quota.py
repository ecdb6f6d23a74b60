"""Reads of planning: senior-school quota plans and the allocation table."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F, QuerySet, Sum

from edugov.accounts.models import User
from edugov.accounts.scope import scoped
from edugov.registry.models import Area, SchoolClass

from ..models import (
    QuotaPlan,
)
from ..quota import Junior, allocate, allocated_places

# Senior-high quota allocation --------------------------------------------------------------------


def quota_plans(*, actor: User) -> QuerySet[QuotaPlan]:
    return scoped(QuotaPlan, actor).select_related("school", "area")


def juniors(*, actor: User, district: Area) -> list[Junior]:
    """Junior schools of the district in the actor's scope with their graduating cohort: grade 9
    pupils in the current school year (the year the quota is for)."""
    rows = (
        scoped(SchoolClass, actor)
        .filter(
            school__area__path__startswith=district.path,
            school__archived_at__isnull=True,
            school_year__is_current=True,
            grade=9,
        )
        .values("school_id", "school__code", "school__name", "school__area__name", "school__urban_rural_code")
        .annotate(pupils=Sum(F("boys") + F("girls")))
        .order_by("school__code")
    )
    return [
        Junior(
            school_id=r["school_id"],
            code=r["school__code"],
            name=r["school__name"],
            town=r["school__area__name"],
            rural=str(r["school__urban_rural_code"]).startswith("2"),
            cohort=int(r["pupils"] or 0),
        )
        for r in rows
    ]


@dataclass(frozen=True)
class QuotaTable:
    plans: list[QuotaPlan]
    schools: list[Junior]
    allocated: dict[int, int]  # plan id -> places allocated to junior schools
    cells: dict[tuple[int, int], int]  # (plan id, junior school id) -> places
    totals: dict[int, int]  # junior school id -> places over all plans


def quota_table(*, actor: User, year: int | None = None) -> QuotaTable:
    """The allocation table of a year (the latest year with plans when not given)."""
    plans_qs = quota_plans(actor=actor)
    if year is None:
        year = plans_qs.order_by("-year").values_list("year", flat=True).first()
    plans = list(plans_qs.filter(year=year).order_by("school__code")) if year else []
    if not plans:
        return QuotaTable([], [], {}, {}, {})
    schools = juniors(actor=actor, district=plans[0].area)
    allocated, cells, totals = {}, {}, {j.school_id: 0 for j in schools}
    for plan in plans:
        total = allocated_places(plan.places, plan.share_pct)
        allocated[plan.pk] = total
        for school_id, n in allocate(total, schools, plan.rural_weight).items():
            cells[(plan.pk, school_id)] = n
            totals[school_id] += n
    return QuotaTable(plans, schools, allocated, cells, totals)
