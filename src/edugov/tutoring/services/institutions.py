"""Institutions and unlicensed sites: registration, edits, status transitions, white/black lists."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from edugov.accounts.models import User
from edugov.accounts.policy import ensure_can
from edugov.accounts.scope import ensure_references_writable
from edugov.audit.services import audit_create, audit_update
from edugov.common.errors import DomainError
from edugov.common.services import model_update
from edugov.common.text import normalize_cell

from .. import rules
from ..models import (
    TRANSITIONS,
    Course,
    Institution,
    InstitutionStatus,
    ListStatus,
    Order,
    Session,
    Staff,
    StatusChange,
    UnlicensedSite,
)
from .common import TutoringError, _check_town

INSTITUTION_FIELDS = [
    "name", "credit_code", "licence_number", "licence_valid_from", "licence_valid_to", "category",
    "nonprofit_registered", "mode", "area", "address", "longitude", "latitude", "floor_area",
    "legal_representative", "contact_phone", "custody_mode", "custody_bank", "custody_account",
    "risk_reserve",
]  # fmt: skip


@transaction.atomic
def institution_create(*, actor: User, data: dict[str, Any], on: dt.date | None = None) -> Institution:
    ensure_can(actor, "tutoring.institution_create")
    fields = {k: v for k, v in data.items() if k in INSTITUTION_FIELDS}
    if isinstance(fields.get("credit_code"), str):
        fields["credit_code"] = normalize_cell(fields["credit_code"]).upper()
    status = data.get("status", InstitutionStatus.APPLYING)
    institution = Institution(status=status, **fields)
    institution.full_clean()
    _check_town(institution.area)
    ensure_references_writable(actor, institution)
    institution.save()
    StatusChange.objects.create(
        institution=institution, from_status="", to_status=status, reason="登记",
        changed_on=on or timezone.localdate(), actor=actor,
    )  # fmt: skip
    audit_create(instance=institution)
    return institution


@transaction.atomic
def institution_update(*, institution: Institution, actor: User, data: dict[str, Any]) -> Institution:
    ensure_can(actor, "tutoring.institution_edit", institution)
    if isinstance(data.get("credit_code"), str):
        data = {**data, "credit_code": normalize_cell(data["credit_code"]).upper()}
    institution, changes = model_update(
        instance=institution, fields=INSTITUTION_FIELDS, data=data, actor=actor
    )
    if "area" in changes:
        _check_town(institution.area)
    audit_update(instance=institution, changes=changes)
    return institution


@transaction.atomic
def institution_transition(
    *, institution: Institution, actor: User, to_status: str, reason: str, on: dt.date | None = None
) -> StatusChange:
    ensure_can(actor, "tutoring.institution_transition", institution)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(TutoringError.REASON_REQUIRED)
    current = institution.status
    allowed = TRANSITIONS.get(current, frozenset())
    if to_status not in allowed:
        raise DomainError(
            TutoringError.BAD_TRANSITION,
            current=InstitutionStatus(current).label,
            target=InstitutionStatus(to_status).label if to_status in InstitutionStatus.values else to_status,
            allowed="、".join(InstitutionStatus(s).label for s in InstitutionStatus.values if s in allowed)
            or "无",
        )
    if to_status == InstitutionStatus.LICENSED and not institution.licence_number:
        from django.core.exceptions import ValidationError

        raise ValidationError({"licence_number": "取得许可前须填写办学许可证号"})
    institution.status = to_status
    institution.save(update_fields=["status"])
    change = StatusChange.objects.create(
        institution=institution, from_status=current, to_status=to_status, reason=reason[:200],
        changed_on=on or timezone.localdate(), actor=actor,
    )  # fmt: skip
    audit_update(instance=institution, changes={"status": (current, to_status)})
    white_list_recheck(institution=institution, actor=actor)
    return change


@transaction.atomic
def institution_set_list(
    *, institution: Institution, actor: User, list_status: str, reason: str
) -> Institution:
    ensure_can(actor, "tutoring.institution_set_list", institution)
    if list_status not in ListStatus.values:
        raise DomainError(TutoringError.BAD_LIST)
    if list_status and not (reason or "").strip():
        raise DomainError(TutoringError.REASON_REQUIRED)
    if list_status == ListStatus.WHITE:
        blockers = white_list_blockers(institution)
        if blockers:
            raise DomainError(TutoringError.WHITE_LIST_BLOCKED, reasons="；".join(blockers))
    institution, changes = model_update(
        instance=institution,
        fields=["list_status", "list_reason"],
        data={"list_status": list_status, "list_reason": (reason or "").strip()[:200]},
        actor=actor,
    )
    audit_update(instance=institution, changes=changes)
    return institution


def violation_count(institution: Institution) -> int:
    """Violations on record for one institution: those of its courses, timetable and orders, and
    each in-service teacher among its staff (as the violation list counts them)."""
    total = 0
    for model, key in ((Course, "institution"), (Order, "institution"), (Session, "course__institution")):
        for found in (
            model.objects.filter(**{key: institution})
            .exclude(violations=[])
            .values_list("violations", flat=True)
        ):
            total += len(found)
    return total + Staff.objects.filter(institution=institution, in_service_teacher__isnull=False).count()


def white_list_blockers(institution: Institution) -> list[str]:
    return rules.white_list_blockers(
        status=institution.status,
        custody_mode=institution.custody_mode,
        violations=violation_count(institution),
    )


def white_list_recheck(*, institution: Institution, actor: User | None) -> bool:
    """After a write that may break the white list's conditions (a violation recorded, a status
    change): an institution that no longer meets them leaves the list, with the reason recorded
    and audited. No policy check: it is the consequence of a write already allowed. True when it
    left the list."""
    institution.refresh_from_db(fields=["list_status", "list_reason", "status", "custody_mode"])
    if institution.list_status != ListStatus.WHITE:
        return False
    blockers = white_list_blockers(institution)
    if not blockers:
        return False
    before = institution.list_status
    today = timezone.localdate()
    reason = f"{today.year}年{today.month}月{today.day}日移出白名单：{'；'.join(blockers)}"[:200]
    Institution.objects.filter(pk=institution.pk).update(list_status=ListStatus.NONE, list_reason=reason)
    institution.list_status, institution.list_reason = ListStatus.NONE, reason
    audit_update(instance=institution, changes={"list_status": (before, ""), "list_reason": ("", reason)},
                 actor=actor)  # fmt: skip
    return True


@transaction.atomic
def unlicensed_site_create(*, actor: User, data: dict[str, Any]) -> UnlicensedSite:
    ensure_can(actor, "tutoring.unlicensed_create")
    site = UnlicensedSite(found_by=actor, **data)
    site.full_clean(exclude=["found_by"])
    _check_town(site.area)
    ensure_references_writable(actor, site)
    site.save()
    audit_create(instance=site)
    return site
