"""Writes of workforce: a teacher's yearly record and its subject loads, and the correction loop (a
teacher asks, the school administrator approves or rejects; every step audited)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from edugov.accounts.models import User
from edugov.accounts.policy import can, ensure_can
from edugov.audit.models import AuditAction
from edugov.audit.services import audit_record, snapshot
from edugov.common.errors import DomainError, PermissionDenied
from edugov.common.services import model_update
from edugov.registry.models import School, SchoolYear, Teacher

from .errors import WorkforceError as E
from .models import CorrectionRequest, CorrectionStatus, SubjectLoad, TeacherYear, record_field_label
from .norms import canonical_subject
from .permissions import action

# The subjects a load may name (the 2022 curriculum names and the senior, kindergarten and special
# education ones the registry uses); others are refused with the list.
SUBJECTS: tuple[str, ...] = (
    "语文", "数学", "英语", "道德与法治", "科学", "信息科技", "体育与健康", "音乐", "美术", "历史",
    "地理", "物理", "化学", "生物学", "劳动", "综合实践活动", "心理健康", "思想政治", "信息技术",
    "通用技术", "日语", "俄语", "学前教育", "特殊教育", "康复训练",
)  # fmt: skip
RECORD_FIELDS = (
    "employment_type", "title", "qualification", "major", "certificate_stage", "certificate_subject",
    "backbone_level", "is_head_teacher", "head_teacher_years", "joined_on", "school_since",
    "rural_years", "birth_year", "birth_month",
)  # fmt: skip
# What a teacher may ask to correct (their identity and birth month are the registry's and the
# personnel files': those go through the school in person).
CORRECTABLE = (
    "employment_type", "title", "qualification", "major", "certificate_stage", "certificate_subject",
    "backbone_level", "head_teacher_years", "school_since", "rural_years",
)  # fmt: skip


def check_subject(name: str) -> str:
    subject = canonical_subject(name)
    if subject not in SUBJECTS:
        raise DomainError(E.UNKNOWN_SUBJECT, subject=name[:20], choices="、".join(SUBJECTS))
    return subject


def check_birth_month(year: int, month: int, *, today: dt.date) -> None:
    if (year, month) > (today.year, today.month):
        raise DomainError(E.BIRTH_MONTH_FUTURE)


def may_edit(actor: User, record_or_school: Any) -> bool:
    return can(actor, action("record_edit"), record_or_school) or can(
        actor, action("school_record_edit"), record_or_school
    )


def _ensure_may_edit(actor: User | None, target: Any) -> None:
    if actor is None:
        return  # the command line and the demo
    if not may_edit(actor, target):
        ensure_can(actor, action("school_record_edit"), target)
        ensure_can(actor, action("record_edit"), target)


@transaction.atomic
def teacher_year_save(
    *,
    actor: User | None,
    teacher: Teacher,
    school_year: SchoolYear,
    data: Mapping[str, Any],
    loads: Mapping[str, int],
    school: School | None = None,
    today: dt.date | None = None,
) -> TeacherYear:
    """Create or update a teacher's record for the year and replace its subject loads."""
    school = school or teacher.school
    _ensure_may_edit(actor, school)
    today = today or timezone.localdate()
    check_birth_month(int(data["birth_year"]), int(data["birth_month"]), today=today)
    clean_loads = {check_subject(s): int(p) for s, p in loads.items()}
    record = TeacherYear.objects.filter(teacher=teacher, school_year=school_year).first()
    values = {f: data[f] for f in RECORD_FIELDS if f in data}
    if record is None:
        record = TeacherYear(teacher=teacher, school_year=school_year, school=school, **values)
        record.full_clean()
        record.save()
        audit_record(
            action=AuditAction.CREATE, instance=record, changes={"after": snapshot(record)}, actor=actor
        )
    else:
        record, changes = model_update(
            instance=record, fields=[*RECORD_FIELDS, "school"], data={**values, "school": school}, actor=actor
        )
        if changes:
            audit_record(
                action=AuditAction.UPDATE,
                instance=record,
                changes={k: [str(old), str(new)] for k, (old, new) in changes.items()},
                actor=actor,
            )
    before = {lo.subject: lo.weekly_periods for lo in record.loads.all()}
    if before != clean_loads:
        record.loads.all().delete()
        rows = [SubjectLoad(teacher_year=record, subject=s, weekly_periods=p) for s, p in clean_loads.items()]
        for row in rows:
            row.full_clean(exclude=["teacher_year"])
        SubjectLoad.objects.bulk_create(rows)
        audit_record(
            action=AuditAction.UPDATE, instance=record, changes={"loads": [before, clean_loads]}, actor=actor
        )
    return record


def _display(record: TeacherYear, field: str) -> str:
    value = getattr(record, field)
    getter = getattr(record, f"get_{field}_display", None)
    if callable(getter):
        return str(getter())
    return "" if value is None else str(value)


def _parse_value(record: TeacherYear, field: str, raw: str) -> Any:
    """The requested text as the field's value: a choice by its label (or stored value), a number
    as a number; anything the field refuses is a Chinese message."""
    model_field = TeacherYear._meta.get_field(field)
    label = record_field_label(field)
    text = raw.strip()
    if not text:
        raise DomainError(E.REASON_REQUIRED, what="申请更正为的值")
    choices = getattr(model_field, "choices", None)
    if choices:
        by_label = {str(lbl): val for val, lbl in choices}
        if text in by_label:
            return by_label[text]
        if text in by_label.values():
            return text
        raise DomainError(E.BAD_FIELD, field=label, reason="应为" + "、".join(by_label) + "之一")
    if field in ("head_teacher_years", "school_since", "rural_years"):
        if not text.isdigit():
            raise DomainError(E.BAD_FIELD, field=label, reason="应为整数")
        return int(text)
    if len(text) > 40:
        raise DomainError(E.BAD_FIELD, field=label, reason="不超过40个字")
    return text


@transaction.atomic
def correction_request(
    *, actor: User, record: TeacherYear, field: str, requested_value: str, reason: str
) -> CorrectionRequest:
    ensure_can(actor, action("correction_request"), record)
    if field not in CORRECTABLE:
        raise DomainError(E.NOT_CORRECTABLE, field=field[:20])
    value = _parse_value(record, field, requested_value)
    if value == getattr(record, field):
        raise DomainError(E.SAME_VALUE)
    reason = reason.strip()
    if not reason:
        raise DomainError(E.REASON_REQUIRED, what="更正理由")
    if record.corrections.filter(field=field, status=CorrectionStatus.PENDING).exists():
        raise DomainError(E.BAD_FIELD, field=record_field_label(field), reason="已有待审核的更正申请")
    req = CorrectionRequest(
        teacher_year=record,
        field=field,
        current_value=_display(record, field)[:64],
        requested_value=requested_value.strip()[:64],
        reason=reason[:300],
        requested_by=actor,
    )
    req.full_clean()
    req.save()
    audit_record(action=AuditAction.CREATE, instance=req, changes={"after": snapshot(req)}, actor=actor)
    return req


@transaction.atomic
def correction_decide(
    *, actor: User, request: CorrectionRequest, approve: bool, note: str = "", now: dt.datetime | None = None
) -> CorrectionRequest:
    """Approve (the record takes the requested value) or reject (a reason is required)."""
    ensure_can(actor, action("correction_decide"), request)
    req = CorrectionRequest.objects.select_for_update().select_related("teacher_year").get(pk=request.pk)
    if req.status != CorrectionStatus.PENDING:
        raise DomainError(E.NOT_PENDING)
    note = note.strip()
    if not approve and not note:
        raise DomainError(E.REASON_REQUIRED, what="驳回理由")
    record = req.teacher_year
    if approve:
        value = _parse_value(record, req.field, req.requested_value)
        _, changes = model_update(instance=record, fields=[req.field], data={req.field: value}, actor=actor)
        audit_record(
            action=AuditAction.UPDATE,
            instance=record,
            changes={k: [str(o), str(n)] for k, (o, n) in changes.items()} | {"correction": req.pk},
            actor=actor,
        )
    req.status = CorrectionStatus.APPROVED if approve else CorrectionStatus.REJECTED
    req.decided_by = actor
    req.decided_at = now or timezone.now()
    req.decision_note = note[:300]
    req.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    audit_record(
        action=AuditAction.UPDATE,
        instance=req,
        changes={"status": [CorrectionStatus.PENDING, req.status], "note": note[:300]},
        actor=actor,
    )
    return req


def ensure_teacher(actor: User) -> Teacher:
    if actor.teacher_id is None:
        raise PermissionDenied(E.NO_RECORD)
    return Teacher.objects.get(pk=actor.teacher_id)
