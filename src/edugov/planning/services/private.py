"""Writes of planning: private schools' yearly figures."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from edugov.accounts.models import User
from edugov.accounts.policy import ensure_can
from edugov.audit.models import AuditAction
from edugov.audit.services import audit_record
from edugov.common.errors import DomainError
from edugov.registry.models import School

from ..errors import PlanningError as E
from ..models import (
    PrivateSchoolYear,
)
from ..permissions import action
from .base import _count

# Private schools ---------------------------------------------------------------------------------


@transaction.atomic
def private_year_save(
    *,
    actor: User | None,
    school: School,
    year: int,
    approved_scale: int,
    plan_enrolment: int,
    actual_enrolment: int,
    pupils: int,
    income: Decimal = Decimal(0),
    fee_income: Decimal = Decimal(0),
    related_party_payments: Decimal = Decimal(0),
) -> PrivateSchoolYear:
    """A private school's year: scale, plan, enrolment and key finances (万元)."""
    if actor is not None:
        ensure_can(actor, action("edit"), school)
    if school.ownership != "private":
        raise DomainError(E.NOT_PRIVATE, name=school.name)
    _count(approved_scale, "核定办学规模", minimum=1)
    _count(plan_enrolment, "招生计划")
    _count(actual_enrolment, "实际招生")
    _count(pupils, "在校生")
    money = {"总收入": income, "学费收入": fee_income, "向举办者及关联方支付": related_party_payments}
    for label, value in money.items():
        if Decimal(value) < 0:
            raise DomainError(E.PRIVATE_MONEY, field=label)
    if Decimal(fee_income) > Decimal(income):
        raise DomainError(E.PRIVATE_FEES)
    row, _created = PrivateSchoolYear.objects.update_or_create(
        school=school,
        year=year,
        defaults={
            "approved_scale": approved_scale,
            "plan_enrolment": plan_enrolment,
            "actual_enrolment": actual_enrolment,
            "pupils": pupils,
            "income": income,
            "fee_income": fee_income,
            "related_party_payments": related_party_payments,
        },
    )
    audit_record(action=AuditAction.UPDATE, instance=row, actor=actor, changes={"pupils": pupils})
    return row
