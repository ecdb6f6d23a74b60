"""Complaints, step by step: the public form, acceptance (受理), referral (转办), investigation
(调查核实), the reply and the complainant's rating. Each step is a ComplaintEvent with its actor and
time, and an audit record; which step may follow which is the table below."""

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
from edugov.common.dates import cn_date
from edugov.common.errors import DomainError
from edugov.registry.models import Area

from .. import rules
from ..models import Complaint, ComplaintEvent, ComplaintStatus, ComplaintStep
from .common import TutoringError, _check_town

# The steps the bureau may take on a complaint in each status (rating is the parent's, after a reply).
STEPS: dict[str, tuple[str, ...]] = {
    ComplaintStatus.NEW: (ComplaintStep.ACCEPT,),
    ComplaintStatus.ASSIGNED: (ComplaintStep.REFER, ComplaintStep.INVESTIGATE, ComplaintStep.REPLY),
    ComplaintStatus.REFERRED: (ComplaintStep.INVESTIGATE, ComplaintStep.REPLY),
    ComplaintStatus.REPLIED: (),
    ComplaintStatus.CLOSED: (),
}


def complaint_allowed_steps(complaint: Complaint) -> tuple[str, ...]:
    return STEPS.get(complaint.status, ())


def _tracking_code() -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    while True:
        code = "".join(secrets.choice(alphabet) for _ in range(10))
        if not Complaint.objects.filter(tracking_code=code).exists():
            return code


def _locked(complaint: Complaint, step: str) -> Complaint:
    """The complaint, row-locked and re-read, when `step` may be taken in its current status."""
    locked = Complaint.objects.select_for_update().select_related("area").get(pk=complaint.pk)
    allowed = complaint_allowed_steps(locked)
    if step not in allowed:
        raise DomainError(
            TutoringError.COMPLAINT_STEP,
            current=ComplaintStatus(locked.status).label,
            step=ComplaintStep(step).label,
            allowed="、".join(ComplaintStep(s).label for s in allowed) or "无（由家长评价或已办结）",
        )
    return locked


def _event(complaint: Complaint, step: str, actor: User | None, **fields: Any) -> ComplaintEvent:
    return ComplaintEvent.objects.create(
        complaint=complaint, step=step, actor=actor, at=timezone.now(), **fields
    )


def _audit_step(complaint: Complaint, step: str, before: str, actor: User | None, **extra: Any) -> None:
    changes: dict[str, tuple[Any, Any]] = {"status": (before, complaint.status)}
    changes.update({k: (None, v) for k, v in extra.items()})
    changes["step"] = (None, ComplaintStep(step).label)
    audit_update(instance=complaint, changes=changes, actor=actor)


@transaction.atomic
def complaint_submit(*, data: dict[str, Any], today: dt.date | None = None) -> Complaint:
    """From the public form: no user, so the audit record names the source only. The acceptance
    deadline runs from today; the reply deadline is provisional until acceptance sets it."""
    today = today or timezone.localdate()
    institution = data.get("institution")
    area = institution.area if institution is not None else data.get("area")
    limits = rules.complaint_limits(area.path if area is not None else "")
    accept_by = today + dt.timedelta(days=limits.accept_days)
    complaint = Complaint(
        institution=institution,
        institution_text=(data.get("institution_text") or "")[:100],
        area=area,
        topic=data.get("topic", "")[:20],
        content=data.get("content", ""),
        contact_name=data.get("contact_name", ""),
        contact_phone=data.get("contact_phone", ""),
        submitted_on=today,
        accept_deadline=accept_by,
        deadline=accept_by + dt.timedelta(days=limits.handle_days),
        tracking_code=_tracking_code(),
    )
    complaint.full_clean()
    complaint.save()
    _event(complaint, ComplaintStep.SUBMIT, None)
    audit_record(
        action=AuditAction.CREATE, instance=complaint, area_path=complaint.area.path,
        changes={"after": {"id": complaint.pk, "topic": complaint.topic,
                           "institution": complaint.institution_id}},
    )  # fmt: skip
    return complaint


@transaction.atomic
def complaint_accept(*, actor: User, complaint: Complaint, today: dt.date | None = None) -> Complaint:
    """受理: the bureau takes the complaint on; the reply deadline runs from today."""
    ensure_can(actor, "tutoring.complaint_accept", complaint)
    complaint = _locked(complaint, ComplaintStep.ACCEPT)
    today = today or timezone.localdate()
    limits = rules.complaint_limits(complaint.area.path)
    before = complaint.status
    complaint.status, complaint.accepted_on, complaint.assignee = ComplaintStatus.ASSIGNED, today, actor
    complaint.deadline = today + dt.timedelta(days=limits.handle_days)
    complaint.save(update_fields=["status", "accepted_on", "assignee", "deadline"])
    _event(complaint, ComplaintStep.ACCEPT, actor, note=f"办理期限：{cn_date(complaint.deadline)}")
    _audit_step(complaint, ComplaintStep.ACCEPT, before, actor, deadline=complaint.deadline.isoformat())
    return complaint


@transaction.atomic
def complaint_refer(
    *, actor: User, complaint: Complaint, referred_to: str = "", area: Area | None = None, note: str = ""
) -> Complaint:
    """转办: handed to a town office (`area`, a town) or another unit (`referred_to`), recorded; the
    deadline stays the bureau's, which still answers for the reply."""
    ensure_can(actor, "tutoring.complaint_refer", complaint)
    complaint = _locked(complaint, ComplaintStep.REFER)
    unit = (referred_to or "").strip()
    if area is not None:
        _check_town(area)
        unit = unit or f"{area.name}教育办"
    if not unit:
        raise DomainError(TutoringError.REFER_TARGET)
    before = complaint.status
    complaint.status, complaint.referred_to, complaint.referred_area = (
        ComplaintStatus.REFERRED,
        unit[:60],
        area,
    )
    complaint.save(update_fields=["status", "referred_to", "referred_area"])
    _event(complaint, ComplaintStep.REFER, actor, referred_to=unit[:60], note=(note or "").strip()[:4000])
    _audit_step(complaint, ComplaintStep.REFER, before, actor, referred_to=unit[:60])
    return complaint


@transaction.atomic
def complaint_investigate(
    *,
    actor: User,
    complaint: Complaint,
    investigators: str,
    investigated_on: dt.date | None,
    findings: str,
    evidence: str = "",
    today: dt.date | None = None,
) -> ComplaintEvent:
    """调查核实: who looked into it, when, what they found and on what evidence. May be recorded
    more than once; the status does not change."""
    ensure_can(actor, "tutoring.complaint_investigate", complaint)
    complaint = _locked(complaint, ComplaintStep.INVESTIGATE)
    investigators, findings = (investigators or "").strip(), (findings or "").strip()
    if not investigators or not findings or investigated_on is None:
        raise DomainError(TutoringError.INVESTIGATION_FIELDS)
    today = today or timezone.localdate()
    if not complaint.submitted_on <= investigated_on <= today:
        raise DomainError(TutoringError.INVESTIGATION_DATE, start=complaint.submitted_on)
    event = _event(
        complaint,
        ComplaintStep.INVESTIGATE,
        actor,
        investigators=investigators[:100],
        investigated_on=investigated_on,
        findings=findings[:4000],
        evidence=(evidence or "").strip()[:2000],
    )
    _audit_step(complaint, ComplaintStep.INVESTIGATE, complaint.status, actor,
                investigated_on=investigated_on.isoformat())  # fmt: skip
    return event


@transaction.atomic
def complaint_reply(
    *, actor: User, complaint: Complaint, reply: str, today: dt.date | None = None
) -> Complaint:
    """答复: only after an investigation is on record."""
    ensure_can(actor, "tutoring.complaint_reply", complaint)
    complaint = _locked(complaint, ComplaintStep.REPLY)
    reply = (reply or "").strip()
    if not reply:
        raise DomainError(TutoringError.REASON_REQUIRED)
    if not complaint.events.filter(step=ComplaintStep.INVESTIGATE).exists():
        raise DomainError(TutoringError.COMPLAINT_NOT_INVESTIGATED)
    before = complaint.status
    complaint.reply, complaint.status = reply[:4000], ComplaintStatus.REPLIED
    complaint.replied_on = today or timezone.localdate()
    complaint.assignee = complaint.assignee or actor
    complaint.save(update_fields=["reply", "status", "assignee", "replied_on"])
    _event(complaint, ComplaintStep.REPLY, actor, note=complaint.reply)
    _audit_step(complaint, ComplaintStep.REPLY, before, actor)
    return complaint


@transaction.atomic
def complaint_rate(*, tracking_code: str, rating: int) -> Complaint:
    complaint = Complaint.objects.select_for_update().select_related("area").get(tracking_code=tracking_code)
    if complaint.status not in (ComplaintStatus.REPLIED, ComplaintStatus.CLOSED):
        raise DomainError(TutoringError.COMPLAINT_NOT_REPLIED)
    if not 1 <= rating <= 5:
        raise DomainError(TutoringError.RATING_RANGE)
    complaint.rating, complaint.status = rating, ComplaintStatus.CLOSED
    complaint.save(update_fields=["rating", "status"])
    _event(complaint, ComplaintStep.RATE, None, note=f"{rating}分")
    audit_record(action=AuditAction.UPDATE, instance=complaint, area_path=complaint.area.path,
                 changes={"rating": [None, rating]})  # fmt: skip
    return complaint
