"""Writes of school safety: grid cells, inspections whose hazards each become a rectification item,
holiday reminders scheduled to every class and sent through a channel, head teachers' confirmations,
parents' acknowledgements (public, by the class's link), and the public's drowning-risk reports.

Time is a parameter (`now`) so tests freeze the clock without sleeping."""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from edugov.accounts.models import Department, User
from edugov.accounts.policy import can, ensure_can, role_may
from edugov.audit.models import AuditAction
from edugov.audit.services import audit_record, snapshot
from edugov.common.errors import DomainError
from edugov.rectification import services as rectification
from edugov.rectification.findings import Finding, Unit
from edugov.registry.models import Area, School, SchoolClass, Term

from . import rules
from .channels import Channel, Message, channel
from .errors import SafetyError as E
from .models import (
    SCHOOL_KINDS,
    Acknowledgement,
    CellKind,
    ClassReminder,
    DangerousWater,
    Drill,
    DrillKind,
    GridCell,
    Hazard,
    HazardKind,
    HazardSeverity,
    Holiday,
    HolidayDay,
    Incident,
    IncidentKind,
    IncidentOutcome,
    Inspection,
    LessonKind,
    Patrol,
    ReportStatus,
    SafetyLesson,
    WaterReport,
    WaterReportPayment,
)
from .permissions import action

logger = logging.getLogger(__name__)

HAZARD_SOURCE = "safety.hazard"
BUREAU = "bureau:safety"  # the bureau's safety office's group, as the channel names it
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
    via: Channel | None = None,
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
        if rules.escalates(hazard.severity):
            _escalate_major(hazard, school, item.pk, now, via)
    audit_record(action=AuditAction.CREATE, instance=inspection, changes={"after": snapshot(inspection)})
    return inspection


def _escalate_major(
    hazard: Hazard, school: School, item_id: int, now: dt.datetime, via: Channel | None
) -> None:
    """A major hazard's item goes to the bureau leaders at once, and the bureau's safety office is
    told through the channel adapter (after the commit, so a failed send never loses the record)."""
    label = HazardSeverity(hazard.severity).label
    rectification.item_escalate_now(item_id=item_id, reason=f"{label}立即上报", now=now)
    text = (
        f"【{label}】{school.name}{hazard.inspection.inspected_on:%Y年%m月%d日}排查发现："
        f"{hazard.description}；整改期限{hazard.deadline:%Y年%m月%d日}，已立即上报局领导。"
    )
    transaction.on_commit(lambda: _tell_bureau(text, via))


def _tell_bureau(text: str, via: Channel | None) -> None:
    try:
        (via or channel()).send(Message(to=BUREAU, text=text))
    except DomainError:
        logger.warning("safety: major hazard notice not delivered: %s", text)


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


# -- drills and safety education -------------------------------------------------------------------


def term_of(on: dt.date) -> Term:
    """The term a date belongs to: the last term started on or before it (a vacation day counts
    for the term before)."""
    term = Term.objects.filter(start_date__lte=on).order_by("-start_date").first()
    if term is None:
        raise DomainError(E.NO_TERM)
    return term


def _past_date(on: dt.date | None, now: dt.datetime) -> dt.date:
    if on is None:
        raise DomainError(E.REQUIRED, field="日期")
    if on > timezone.localdate(now):
        raise DomainError(E.FUTURE_DATE)
    return on


def _count(value: int | None, *, field: str, low: int, high: int) -> int:
    if value is None:
        raise DomainError(E.REQUIRED, field=field)
    if not low <= value <= high:
        raise DomainError(E.BAD_FIELD, field=field, reason=f"应在 {low} 到 {high} 之间")
    return value


@transaction.atomic
def drill_record(
    *,
    actor: User,
    school: School,
    kind: str,
    held_on: dt.date | None,
    participants: int | None,
    evaluation: str,
    now: dt.datetime | None = None,
) -> Drill:
    """A drill the school held (never one dated in the future), filed under its term."""
    now = _now(now)
    _ensure_either(actor, "drill", school)
    if kind not in DrillKind.values:
        raise DomainError(E.BAD_FIELD, field="演练类型", reason="取值无效")
    held_on = _past_date(held_on, now)
    drill = Drill.objects.create(
        school=school,
        term=term_of(held_on),
        kind=kind,
        held_on=held_on,
        participants=_count(participants, field="参与人数", low=1, high=20000),
        evaluation=_text(evaluation, field="演练评估", max_length=500),
        created_by=actor,
    )
    audit_record(action=AuditAction.CREATE, instance=drill, changes={"after": snapshot(drill)})
    return drill


@transaction.atomic
def lesson_record(
    *,
    actor: User,
    school: School,
    kind: str,
    topic: str,
    held_on: dt.date | None,
    classes: int | None,
    now: dt.datetime | None = None,
) -> SafetyLesson:
    """A safety lesson (or the term's first / the pre-holiday last lesson) on a topic of the data."""
    now = _now(now)
    _ensure_either(actor, "lesson", school)
    if kind not in LessonKind.values:
        raise DomainError(E.BAD_FIELD, field="类别", reason="取值无效")
    if topic not in rules.lesson_topics():
        raise DomainError(E.BAD_FIELD, field="主题", reason="取值无效")
    held_on = _past_date(held_on, now)
    lesson = SafetyLesson.objects.create(
        school=school,
        term=term_of(held_on),
        kind=kind,
        topic=topic,
        held_on=held_on,
        classes=_count(classes, field="覆盖班级数", low=1, high=1000),
        created_by=actor,
    )
    audit_record(action=AuditAction.CREATE, instance=lesson, changes={"after": snapshot(lesson)})
    return lesson


# -- patrols, incidents, rewards -------------------------------------------------------------------


@transaction.atomic
def patrol_record(
    *,
    actor: User,
    water: DangerousWater,
    patrolled_on: dt.date | None,
    patroller: str,
    observed: str,
    issue_found: bool = False,
    now: dt.datetime | None = None,
) -> Patrol:
    now = _now(now)
    _ensure_either(actor, "patrol", water)
    patrol = Patrol.objects.create(
        water=water,
        patrolled_on=_past_date(patrolled_on, now),
        patroller=_text(patroller, field="巡查人", max_length=32),
        observed=_text(observed, field="巡查情况", max_length=500),
        issue_found=issue_found,
        created_by=actor,
    )
    audit_record(action=AuditAction.CREATE, instance=patrol, changes={"after": snapshot(patrol)})
    return patrol


@transaction.atomic
def incident_record(
    *,
    actor: User,
    area: Area | None,
    school: School | None,
    kind: str,
    occurred_on: dt.date | None,
    outcome: str,
    pupils: int | None = 1,
    circumstances: str = "",
    now: dt.datetime | None = None,
) -> Incident:
    """An incident, by the safety office only; no pupil is named, the circumstances are encrypted
    and the audit keeps the kind and date, never the circumstances."""
    now = _now(now)
    if school is not None:
        area = school.area
    if area is None:
        raise DomainError(E.REQUIRED, field="发生镇街")
    ensure_can(actor, action("incident_edit"), school or area)
    if kind not in IncidentKind.values:
        raise DomainError(E.BAD_FIELD, field="事故类型", reason="取值无效")
    if outcome not in IncidentOutcome.values:
        raise DomainError(E.BAD_FIELD, field="后果", reason="取值无效")
    circumstances = (circumstances or "").strip()
    if len(circumstances) > 1000:
        raise DomainError(E.BAD_FIELD, field="经过", reason="不能超过 1000 字")
    incident = Incident.objects.create(
        area=area,
        school=school,
        kind=kind,
        occurred_on=_past_date(occurred_on, now),
        outcome=outcome,
        pupils=_count(pupils, field="涉及学生数", low=1, high=500),
        circumstances=circumstances,
        created_by=actor,
    )
    audit_record(
        action=AuditAction.CREATE,
        instance=incident,
        changes={"after": {"kind": kind, "occurred_on": str(incident.occurred_on), "outcome": outcome}},
    )
    return incident


@transaction.atomic
def reward_pay(
    *,
    actor: User,
    report: WaterReport,
    paid_on: dt.date | None,
    voucher: str = "",
    now: dt.datetime | None = None,
) -> WaterReportPayment:
    """Record the payment of a confirmed report's reward (the amount decided at confirmation)."""
    now = _now(now)
    ensure_can(actor, action("report_pay"), report)
    report = WaterReport.objects.select_for_update().get(pk=report.pk)
    if report.status != ReportStatus.CONFIRMED or not report.reward:
        raise DomainError(E.NOT_CONFIRMED)
    if WaterReportPayment.objects.filter(report=report).exists():
        raise DomainError(E.ALREADY_PAID)
    voucher = (voucher or "").strip()
    if len(voucher) > 32:
        raise DomainError(E.BAD_FIELD, field="凭证号", reason="不能超过 32 字")
    payment = WaterReportPayment.objects.create(
        report=report,
        paid_on=_past_date(paid_on, now),
        amount=report.reward,
        voucher=voucher,
        created_by=actor,
    )
    audit_record(action=AuditAction.CREATE, instance=payment, changes={"after": snapshot(payment)})
    return payment


# -- the evening flag ------------------------------------------------------------------------------


def _class_name(c: SchoolClass) -> str:
    return c.name or f"{c.grade}年级{c.number}班"


def reminders_flag_missing(*, on: dt.date, via: Channel | None = None, now: dt.datetime | None = None) -> int:
    """The evening round: every school with classes whose reminder for `on` was sent but is not
    confirmed by the head teacher or acknowledged by any parent is told which classes, once,
    through the channel (school's group). Returns how many schools were told; a rerun tells none."""
    now = _now(now)
    via = via or channel()
    missing = (
        ClassReminder.objects.filter(day__date=on, sent_at__isnull=False, flagged_at__isnull=True)
        .filter(Q(confirmed_at__isnull=True) | Q(acks=0))
        .select_related("school_class__school")
        .order_by("school_class__school_id", "school_class__grade", "school_class__number")
    )
    by_school: dict[int, list[ClassReminder]] = {}
    for r in missing:
        by_school.setdefault(r.school_class.school_id, []).append(r)
    for school_id, rows in by_school.items():
        names = "、".join(_class_name(r.school_class) for r in rows)
        unconfirmed = sum(r.confirmed_at is None for r in rows)
        unacked = sum(r.acks == 0 for r in rows)
        via.send(
            Message(
                to=f"school:{school_id}",
                text=f"{on:%m月%d日}假期安全提醒：{len(rows)}个班级未完成（班主任未确认{unconfirmed}个，"
                f"无家长确认{unacked}个）：{names}。请今晚督促落实。",
            )
        )
        ClassReminder.objects.filter(pk__in=[r.pk for r in rows]).update(flagged_at=now)
    return len(by_school)
