"""Writes of school safety: grid cells, inspections whose hazards each become a rectification item,
holiday reminders scheduled to every class and sent through a channel, head teachers' confirmations,
parents' acknowledgements (public, by the class's link), and the public's drowning-risk reports.

Time is a parameter (`now`) so tests freeze the clock without sleeping."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from edugov.accounts.models import Department, User
from edugov.accounts.policy import can, ensure_can, role_may
from edugov.audit.models import AuditAction
from edugov.audit.services import audit_record, snapshot
from edugov.common.errors import DomainError
from edugov.rectification import services as rectification
from edugov.rectification.findings import Finding, Unit
from edugov.registry.models import Area, School, SchoolClass

from . import rules
from .channels import Channel, Message, channel
from .errors import SafetyError as E
from .models import (
    SCHOOL_KINDS,
    Acknowledgement,
    CellKind,
    ClassReminder,
    GridCell,
    Hazard,
    HazardKind,
    HazardSeverity,
    Holiday,
    HolidayDay,
    Inspection,
    ReportStatus,
    WaterReport,
)
from .permissions import action

HAZARD_SOURCE = "safety.hazard"
IMAGE_TYPES = ("image/jpeg", "image/png", "image/webp")


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def _text(value: str, *, field: str, max_length: int) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(E.REQUIRED, field=field)
    if len(value) > max_length:
        raise DomainError(E.BAD_FIELD, field=field, reason=f"不能超过 {max_length} 字")
    return value


def _ensure_either(actor: User, name: str, obj: object) -> None:
    """The safety office's action or the school's own ("school_<name>"); the refusal names the
    one the actor's role could hold."""
    if can(actor, action(f"school_{name}"), obj):
        return
    ensure_can(
        actor, action(f"school_{name}") if role_may(actor, action(f"school_{name}")) else action(name), obj
    )


def photo_check(photo: UploadedFile | None) -> None:
    """A photo is an image no larger than the data's limit (checked before anything is written)."""
    if photo is None:
        return
    limit = rules.photo_max_bytes()
    if (photo.size or 0) > limit:
        raise DomainError(E.PHOTO_TOO_LARGE, mb=limit // (1024 * 1024))
    if (photo.content_type or "") not in IMAGE_TYPES:
        raise DomainError(E.PHOTO_NOT_IMAGE)


# -- grid ------------------------------------------------------------------------------------------


@transaction.atomic
def cell_create(
    *,
    actor: User,
    area: Area | None,
    school: School | None,
    kind: str,
    name: str,
    person_name: str = "",
    contact: str = "",
) -> GridCell:
    _ensure_either(actor, "cell_edit", school or area)
    if kind not in CellKind.values:
        raise DomainError(E.BAD_FIELD, field="网格类型", reason="取值无效")
    if kind in SCHOOL_KINDS and school is None:
        raise DomainError(E.CELL_NEEDS_SCHOOL)
    if school is not None:
        area = school.area
    if area is None:
        raise DomainError(E.REQUIRED, field="所属镇街或学校")
    cell = GridCell(
        area=area,
        school=school,
        kind=kind,
        name=_text(name, field="网格名称", max_length=64),
        person_name=person_name.strip()[:32],
        contact=contact.strip(),
    )
    try:
        cell.full_clean()
    except ValidationError as exc:
        reason = "；".join(m for ms in exc.message_dict.values() for m in ms)
        raise DomainError(E.BAD_FIELD, field="安全网格", reason=reason) from None
    cell.save()
    audit_record(action=AuditAction.CREATE, instance=cell, changes={"after": snapshot(cell)})
    return cell


# -- inspections and hazards -----------------------------------------------------------------------


@dataclass(frozen=True)
class HazardInput:
    description: str
    severity: str
    photo: UploadedFile | None = None


@transaction.atomic
def inspection_record(
    *,
    actor: User,
    school: School,
    kind: str,
    inspected_on: dt.date,
    hazards: Sequence[HazardInput] = (),
    checked: Sequence[str] = (),
    now: dt.datetime | None = None,
) -> Inspection:
    """An inspection and its hazards; every hazard becomes a rectification item at once, with the
    deadline its severity gives (data), a major one marked severe for the leaders."""
    now = _now(now)
    _ensure_either(actor, "inspect", school)
    if kind not in HazardKind.values:
        raise DomainError(E.BAD_FIELD, field="排查类别", reason="取值无效")
    if inspected_on > timezone.localdate(now):
        raise DomainError(E.FUTURE_DATE)
    for h in hazards:  # every check before anything is written
        _text(h.description, field="隐患描述", max_length=500)
        if h.severity not in HazardSeverity.values:
            raise DomainError(E.BAD_FIELD, field="隐患等级", reason="取值无效")
        photo_check(h.photo)
    inspection = Inspection.objects.create(
        school=school,
        kind=kind,
        inspected_on=inspected_on,
        by_bureau=actor.school_id is None,
        checked=[c for c in checked if c in rules.checklist(kind)],
        created_by=actor,
    )
    for h in hazards:
        hazard = Hazard.objects.create(
            inspection=inspection,
            description=h.description.strip(),
            severity=h.severity,
            photo=h.photo or "",
            deadline=rules.deadline(h.severity, inspected_on),
        )
        item = rectification.item_create_system(
            finding=_hazard_finding(hazard, school, now), source="data", now=now, created_by=actor
        )
        hazard.item_id = item.pk
        hazard.save(update_fields=["item_id"])
    audit_record(action=AuditAction.CREATE, instance=inspection, changes={"after": snapshot(inspection)})
    return inspection


def _hazard_finding(hazard: Hazard, school: School, now: dt.datetime) -> Finding:
    label = HazardSeverity(hazard.severity).label
    kind = HazardKind(hazard.inspection.kind).label
    escalate = rules.escalates(hazard.severity)
    return Finding(
        cause_key=f"{HAZARD_SOURCE}:{hazard.pk}",
        source=HAZARD_SOURCE,
        unit=Unit.school(school.pk),
        title=f"{school.name}{kind}{label}：{hazard.description}"[:200],
        evidence=f"{hazard.inspection.inspected_on:%Y年%m月%d日}排查发现{label}（{kind}）：{hazard.description}"
        + ("；重大隐患，立即上报分管领导" if escalate else ""),
        severity=rules.rectification_severity(hazard.severity),
        required_action=f"在{rules.deadline_days(hazard.severity)}日内消除隐患，上传整改前后照片",
        department=Department.SAFETY,
        deadline_days=max((hazard.deadline - timezone.localdate(now)).days, 0),
        data={"hazard_id": hazard.pk, "severity": hazard.severity, "escalate": escalate},
    )


# -- holiday reminders -----------------------------------------------------------------------------


@transaction.atomic
def holiday_schedule(*, actor: User, area: Area, name: str, starts_on: dt.date, ends_on: dt.date) -> Holiday:
    """A holiday with one reminder a day (topics in turn, drowning first) to every class under the
    area: each class gets its own unguessable acknowledgement link."""
    ensure_can(actor, action("holiday_edit"), area)
    name = _text(name, field="假期名称", max_length=32)
    if ends_on < starts_on:
        raise DomainError(E.BAD_FIELD, field="结束日期", reason="应不早于开始日期")
    if (ends_on - starts_on).days > 62:
        raise DomainError(E.BAD_FIELD, field="假期", reason="不能超过 63 天")
    holiday = Holiday.objects.create(area=area, name=name, starts_on=starts_on, ends_on=ends_on)
    topics = rules.topics()
    class_ids = list(
        SchoolClass.objects.filter(
            school__area__path__startswith=area.path,
            school__archived_at__isnull=True,
            archived_at__isnull=True,
            school_year__is_current=True,
        ).values_list("pk", flat=True)
    )
    for i in range((ends_on - starts_on).days + 1):
        topic = topics[i % len(topics)]
        day = HolidayDay.objects.create(
            holiday=holiday,
            date=starts_on + dt.timedelta(days=i),
            topic=topic.label,
            text=topic.text,
        )
        ClassReminder.objects.bulk_create(
            ClassReminder(day=day, school_class_id=c, token=secrets.token_urlsafe(16)) for c in class_ids
        )
    audit_record(action=AuditAction.CREATE, instance=holiday, changes={"after": snapshot(holiday)})
    return holiday


def reminders_send(*, day: HolidayDay, via: Channel | None = None, now: dt.datetime | None = None) -> int:
    """Send the day's reminder to every class not sent yet (the scheduler's job; no actor): each
    message carries the class's acknowledgement link. Returns how many were sent."""
    now = _now(now)
    via = via or channel()
    count = 0
    for reminder in day.reminders.filter(sent_at__isnull=True).select_related("school_class"):
        via.send(
            Message(
                to=f"class:{reminder.school_class_id}",
                text=f"{day.text}\n家长确认：/safety/a/{reminder.token}/",
            )
        )
        ClassReminder.objects.filter(pk=reminder.pk, sent_at__isnull=True).update(
            sent_at=now, channel=via.name
        )
        count += 1
    return count


@transaction.atomic
def reminder_confirm(
    *, actor: User, reminder: ClassReminder, now: dt.datetime | None = None
) -> ClassReminder:
    """The head teacher confirms the reminder went to the class's parents' group."""
    ensure_can(actor, action("reminder_confirm"), reminder)
    if reminder.confirmed_at is None:
        reminder.confirmed_at = _now(now)
        reminder.save(update_fields=["confirmed_at"])
        audit_record(action=AuditAction.UPDATE, instance=reminder, changes={"confirmed_at": [None, "now"]})
    return reminder


def acknowledge(*, token: str, pupil_key: str = "") -> ClassReminder:
    """A parent's acknowledgement through the class's link: no account, no personal data. A forged
    link is refused; a pupil key acknowledges once (a replay is refused, nothing written)."""
    pupil_key = (pupil_key or "").strip()[:64]
    reminder = ClassReminder.objects.filter(token=token[:32]).select_related("day").first() if token else None
    if reminder is None:
        raise DomainError(E.BAD_LINK)
    if reminder.sent_at is None:
        raise DomainError(E.NOT_SENT)
    try:
        with transaction.atomic():
            Acknowledgement.objects.create(reminder=reminder, pupil_key=pupil_key)
            ClassReminder.objects.filter(pk=reminder.pk).update(acks=F("acks") + 1)
    except IntegrityError:
        raise DomainError(E.ALREADY_ACKNOWLEDGED) from None
    reminder.acks += 1
    return reminder


# -- drowning prevention ---------------------------------------------------------------------------


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
