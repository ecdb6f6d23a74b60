"""Prepaid fees: orders, lesson consumption, refunds."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum

from edugov.accounts.models import User
from edugov.accounts.policy import ensure_can
from edugov.accounts.scope import ensure_references_writable
from edugov.audit.models import AuditAction
from edugov.audit.services import audit_update, snapshot
from edugov.common.errors import DomainError

from .. import rules
from ..models import Consumption, Institution, Order, Refund, RefundStatus
from .common import CENT, TutoringError, _audit
from .institutions import white_list_recheck


@transaction.atomic
def order_create(*, actor: User, institution: Institution, data: dict[str, Any]) -> Order:
    """Recorded even when over the limits (the money was taken); the violations are flagged."""
    ensure_can(actor, "tutoring.order_create", institution)
    allowed = ("course", "pupil_name", "parent_phone", "lessons", "amount", "paid_on", "covers_until")
    order = Order(institution=institution, **{k: v for k, v in data.items() if k in allowed})
    order.full_clean(exclude=["violations"])
    ensure_references_writable(actor, order)  # before the rules: a foreign row is not confirmed
    if order.course is not None and order.course.institution_id != institution.pk:
        raise DomainError(TutoringError.TUTOR_OTHER_INSTITUTION)
    order.violations = rules.as_json(
        rules.order_violations(
            limits=rules.limits_for(institution.area.path),
            lessons=order.lessons,
            amount=order.amount,
            paid_on=order.paid_on,
            covers_until=order.covers_until,
        )
    )
    order.save()
    _audit(
        AuditAction.CREATE,
        order,
        institution.area.path,
        {"after": {"id": order.pk, "amount": str(order.amount)}},
    )
    if order.violations:
        white_list_recheck(institution=institution, actor=actor)
    return order


@transaction.atomic
def consumption_record(*, actor: User, order: Order, date: dt.date, lessons: int) -> Consumption:
    ensure_can(actor, "tutoring.consumption_record", order)
    order = Order.objects.select_for_update().get(pk=order.pk)
    used = Consumption.objects.filter(order=order).aggregate(n=Sum("lessons"))["n"] or 0
    if lessons < 1 or used + lessons > order.lessons:
        raise DomainError(TutoringError.OVER_CONSUMED, total=order.lessons, used=used, lessons=lessons)
    amount = (order.amount * lessons / order.lessons).quantize(CENT, ROUND_HALF_UP)
    row = Consumption.objects.create(
        institution_id=order.institution_id, order=order, date=date, lessons=lessons, amount=amount
    )
    _audit(AuditAction.CREATE, row, order.institution.area.path, {"after": snapshot(row)})
    return row


def order_unconsumed(order: Order) -> Decimal:
    consumed = Consumption.objects.filter(order=order).aggregate(s=Sum("amount"))["s"] or Decimal(0)
    refunded = Refund.objects.filter(order=order).exclude(status=RefundStatus.REFUSED).aggregate(
        s=Sum("amount")
    )["s"] or Decimal(0)
    return order.amount - consumed - refunded


@transaction.atomic
def refund_request(*, actor: User, order: Order, amount: Decimal, requested_on: dt.date) -> Refund:
    ensure_can(actor, "tutoring.refund_request", order)
    order = Order.objects.select_for_update().get(pk=order.pk)
    left = order_unconsumed(order)
    if amount <= 0 or amount > left:
        raise DomainError(TutoringError.REFUND_OVER, amount=amount, left=left)
    refund = Refund.objects.create(
        institution_id=order.institution_id, order=order, amount=amount, requested_on=requested_on
    )
    _audit(AuditAction.CREATE, refund, order.institution.area.path, {"after": snapshot(refund)})
    return refund


@transaction.atomic
def refund_settle(*, actor: User, refund: Refund, paid: bool, on: dt.date) -> Refund:
    ensure_can(actor, "tutoring.refund_settle", refund)
    if refund.status != RefundStatus.REQUESTED:
        raise DomainError(TutoringError.REFUND_NOT_PENDING)
    before = refund.status
    refund.status = RefundStatus.PAID if paid else RefundStatus.REFUSED
    refund.paid_on = on if paid else None
    refund.save(update_fields=["status", "paid_on"])
    audit_update(instance=refund, changes={"status": (before, refund.status)})
    return refund
