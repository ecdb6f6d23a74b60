"""The public's drowning-risk reports: submitted without an account, handled by the safety office."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from edugov.accounts.models import User
from edugov.accounts.policy import ensure_can
from edugov.audit.models import AuditAction
from edugov.audit.services import audit_record
from edugov.common.errors import DomainError
from edugov.registry.models import Area

from ..errors import SafetyError as E
from ..models import (
    ReportStatus,
    WaterReport,
)
from ..permissions import action
from .common import _now, _text, photo_check


@transaction.atomic
def water_report_submit(
    *, area: Area | None, place: str, description: str, photo: UploadedFile | None = None, contact: str = ""
) -> WaterReport:
    """A report from the public (no account); the contact, when given, is stored encrypted."""
    if area is None:
        raise DomainError(E.REQUIRED, field="所在镇街")
    place = _text(place, field="地点", max_length=200)
    description = _text(description, field="看到的情况", max_length=1000)
    contact = contact.strip()
    if len(contact) > 32:
        raise DomainError(E.BAD_FIELD, field="联系方式", reason="不能超过 32 字")
    photo_check(photo)
    report = WaterReport.objects.create(
        area=area, place=place, description=description, photo=photo or "", contact=contact
    )
    audit_record(action=AuditAction.CREATE, instance=report, changes={}, actor=None)
    return report


@transaction.atomic
def water_report_handle(
    *,
    actor: User,
    report: WaterReport,
    confirm: bool,
    reward: Decimal | None = None,
    now: dt.datetime | None = None,
) -> WaterReport:
    ensure_can(actor, action("report_handle"), report)
    report = WaterReport.objects.select_for_update().get(pk=report.pk)
    if report.status != ReportStatus.NEW:
        raise DomainError(E.ALREADY_HANDLED)
    if reward is not None and reward < 0:
        raise DomainError(E.BAD_FIELD, field="奖励金额", reason="不能为负数")
    report.status = ReportStatus.CONFIRMED if confirm else ReportStatus.REJECTED
    report.reward = reward if confirm else None
    report.handled_at = _now(now)
    report.save(update_fields=["status", "reward", "handled_at"])
    audit_record(
        action=AuditAction.UPDATE, instance=report, changes={"status": [ReportStatus.NEW, report.status]}
    )
    return report
