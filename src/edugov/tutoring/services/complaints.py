"""Complaints: the public form, the supervisor's reply, the complainant's rating."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone

from edugov.accounts.models import User
from edugov.accounts.policy import ensure_can
from edugov.audit.models import AuditAction
from edugov.audit.services import audit_record, audit_update
from edugov.common.errors import DomainError

from ..models import Complaint, ComplaintStatus
from .common import COMPLAINT_DAYS, TutoringError


def _tracking_code() -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    while True:
        code = "".join(secrets.choice(alphabet) for _ in range(10))
        if not Complaint.objects.filter(tracking_code=code).exists():
            return code


@transaction.atomic
def complaint_submit(*, data: dict[str, Any], today: dt.date | None = None) -> Complaint:
    """From the public form: no user, so the audit record names the source only."""
    today = today or timezone.localdate()
    institution = data.get("institution")
    area = institution.area if institution is not None else data.get("area")
    complaint = Complaint(
        institution=institution,
        institution_text=(data.get("institution_text") or "")[:100],
        area=area,
        topic=data.get("topic", "")[:20],
        content=data.get("content", ""),
        contact_name=data.get("contact_name", ""),
        contact_phone=data.get("contact_phone", ""),
        submitted_on=today,
        deadline=today + dt.timedelta(days=COMPLAINT_DAYS),
        tracking_code=_tracking_code(),
    )
    complaint.full_clean()
    complaint.save()
    audit_record(
        action=AuditAction.CREATE, instance=complaint, area_path=complaint.area.path,
        changes={"after": {"id": complaint.pk, "topic": complaint.topic,
                           "institution": complaint.institution_id}},
    )  # fmt: skip
    return complaint


@transaction.atomic
def complaint_reply(*, actor: User, complaint: Complaint, reply: str) -> Complaint:
    ensure_can(actor, "tutoring.complaint_reply", complaint)
    reply = (reply or "").strip()
    if not reply:
        raise DomainError(TutoringError.REASON_REQUIRED)
    before = complaint.status
    complaint.reply, complaint.status, complaint.assignee = reply[:4000], ComplaintStatus.REPLIED, actor
    complaint.save(update_fields=["reply", "status", "assignee"])
    audit_update(instance=complaint, changes={"status": (before, complaint.status)})
    return complaint


@transaction.atomic
def complaint_rate(*, tracking_code: str, rating: int) -> Complaint:
    complaint = Complaint.objects.select_for_update().get(tracking_code=tracking_code)
    if complaint.status not in (ComplaintStatus.REPLIED, ComplaintStatus.CLOSED):
        raise DomainError(TutoringError.COMPLAINT_NOT_REPLIED)
    if not 1 <= rating <= 5:
        raise DomainError(TutoringError.RATING_RANGE)
    complaint.rating, complaint.status = rating, ComplaintStatus.CLOSED
    complaint.save(update_fields=["rating", "status"])
    audit_record(action=AuditAction.UPDATE, instance=complaint, area_path=complaint.area.path,
                 changes={"rating": [None, rating]})  # fmt: skip
    return complaint
