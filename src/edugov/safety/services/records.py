"""A school's safety records: drills, lessons, patrols, incidents, and rewards paid for reports."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from edugov.accounts.models import User
from edugov.accounts.policy import ensure_can
from edugov.audit.models import AuditAction
from edugov.audit.services import audit_record, snapshot
from edugov.common.errors import DomainError
from edugov.registry.models import Area, School

from .. import rules
from ..errors import SafetyError as E
from ..models import (
    DangerousWater,
    Drill,
    DrillKind,
    Incident,
    IncidentKind,
    IncidentOutcome,
    LessonKind,
    Patrol,
    ReportStatus,
    SafetyLesson,
    WaterReport,
    WaterReportPayment,
)
from ..permissions import action
from .common import _count, _ensure_either, _now, _past_date, _text, term_of


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
