"""Tutoring's landing card for an institution's operator: its status (licence, white or black list,
prepaid-fund risk), courses, orders and the custody of prepaid funds (ModuleSpec.landing)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import reduce
from operator import or_
from typing import Any, TypeVar

from django.db.models import Count, Max, Q, QuerySet, Sum
from django.utils import timezone

from edugov.accounts.models import User
from edugov.accounts.policy import role_may
from edugov.accounts.scope import scoped
from edugov.modules import LandingCard

from .models import (
    Course,
    CustodyMode,
    CustodyStatement,
    Institution,
    ListStatus,
    Order,
    Refund,
    RefundStatus,
    RiskSnapshot,
)
from .selectors import WARNING_STATUSES

M = TypeVar("M", RiskSnapshot, CustodyStatement)

LICENCE_WARN_DAYS = 90  # a licence ending within three months is flagged
ORDER_DAYS = 30
SHOWN = 3  # institutions on the card (an operator has one; a grant may add a few)


def operator_card(actor: User) -> LandingCard | None:
    if not role_may(actor, "tutoring.view"):
        return None
    today = timezone.localdate()
    institutions = list(scoped(Institution, actor).select_related("area").order_by("name", "pk")[: SHOWN + 1])
    ids = [i.pk for i in institutions[:SHOWN]]
    courses = _by_institution(
        scoped(Course, actor).filter(institution_id__in=ids),
        total=Count("pk"),
        approved=Count("pk", filter=Q(approved=True)),
    )
    since = today - dt.timedelta(days=ORDER_DAYS)
    orders = _by_institution(
        scoped(Order, actor).filter(institution_id__in=ids, paid_on__gte=since, paid_on__lte=today),
        count=Count("pk"),
        amount=Sum("amount"),
    )
    refunds = _by_institution(
        scoped(Refund, actor).filter(institution_id__in=ids, status=RefundStatus.REQUESTED),
        count=Count("pk"),
        amount=Sum("amount"),
    )
    risks = _latest(scoped(RiskSnapshot, actor).filter(institution_id__in=ids))
    statements = _latest(scoped(CustodyStatement, actor).filter(institution_id__in=ids))
    rows = [
        _row(inst, today, courses, orders, refunds, risks.get(inst.pk), statements.get(inst.pk))
        for inst in institutions[:SHOWN]
    ]
    return LandingCard(
        "tutoring/landing/operator.html",
        {"rows": rows, "more": len(institutions) > SHOWN, "order_days": ORDER_DAYS},
        order=5,
    )


def _by_institution(qs: Any, **aggregates: Any) -> dict[int, dict[str, Any]]:
    rows = qs.order_by().values("institution_id").annotate(**aggregates)
    return {r["institution_id"]: r for r in rows}


def _latest(qs: QuerySet[M]) -> dict[int, M]:
    """Each institution's row of its latest date (two queries, however many days are stored)."""
    last = qs.order_by().values("institution_id").annotate(last=Max("date"))
    wanted = [Q(institution_id=r["institution_id"], date=r["last"]) for r in last]
    if not wanted:
        return {}
    return {row.institution_id: row for row in qs.filter(reduce(or_, wanted))}


def _row(
    inst: Institution,
    today: dt.date,
    courses: dict[int, dict[str, Any]],
    orders: dict[int, dict[str, Any]],
    refunds: dict[int, dict[str, Any]],
    risk: RiskSnapshot | None,
    statement: CustodyStatement | None,
) -> dict[str, Any]:
    valid_to = inst.licence_valid_to
    days_left = (valid_to - today).days if valid_to else None
    return {
        "inst": inst,
        "warning": inst.status in WARNING_STATUSES,
        "black": inst.list_status == ListStatus.BLACK,
        "white": inst.list_status == ListStatus.WHITE,
        "licence_expired": days_left is not None and days_left < 0,
        "licence_ending": days_left is not None and 0 <= days_left <= LICENCE_WARN_DAYS,
        "licence_days_left": days_left,
        "courses": courses.get(inst.pk, {}).get("total", 0),
        "courses_pending": courses.get(inst.pk, {}).get("total", 0)
        - courses.get(inst.pk, {}).get("approved", 0),
        "orders": orders.get(inst.pk, {}).get("count", 0),
        "orders_amount": orders.get(inst.pk, {}).get("amount") or Decimal(0),
        "refunds": refunds.get(inst.pk, {}).get("count", 0),
        "refunds_amount": refunds.get(inst.pk, {}).get("amount") or Decimal(0),
        "risk": risk,
        "supervised": inst.custody_mode != CustodyMode.NONE,
        "statement": statement,
    }
