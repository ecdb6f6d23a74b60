"""Writes of planning: zones, villages and school closures with their steps."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from django.db import transaction

from edugov.accounts.models import User
from edugov.accounts.policy import ensure_can
from edugov.audit.models import AuditAction
from edugov.audit.services import audit_record
from edugov.common.errors import DomainError
from edugov.registry.models import Area, School

from ..errors import PlanningError as E
from ..models import (
    Closure,
    ClosureStatus,
    ClosureStep,
    ClosureStepKind,
    PlanStage,
    Village,
    Zone,
)
from ..permissions import action
from .base import _count, _town

# Zones, villages and the closure workflow --------------------------------------------------------


@transaction.atomic
def zone_save(
    *, actor: User | None, area: Area | None, name: str, stage: str, schools: Sequence[School]
) -> Zone:
    """An attendance zone of a town and stage with the schools serving it (at least one, all in
    the town)."""
    town = _town(area)
    if actor is not None:
        ensure_can(actor, action("edit"), town)
    name = (name or "").strip()
    if not name:
        raise DomainError(E.BAD_FIELD, field="施教区", reason="必须填写名称")
    if stage not in PlanStage.values:
        raise DomainError(E.BAD_FIELD, field="学段", reason="应为小学或初中")
    if not schools:
        raise DomainError(E.ZONE_NO_SCHOOL, name=name)
    for s in schools:
        if s.area_id != town.pk:
            raise DomainError(E.ZONE_SCHOOL_OUTSIDE, school=s.name, town=town.name)
    zone, _created = Zone.objects.update_or_create(area=town, stage=stage, name=name[:60])
    zone.schools.set(schools)
    audit_record(
        action=AuditAction.UPDATE, instance=zone, actor=actor, changes={"schools": [s.pk for s in schools]}
    )
    return zone


@transaction.atomic
def village_save(
    *,
    actor: User | None,
    area: Area | None,
    name: str,
    longitude: Decimal,
    latitude: Decimal,
    children_primary: int = 0,
    children_junior: int = 0,
    rural: bool = True,
) -> Village:
    town = _town(area)
    if actor is not None:
        ensure_can(actor, action("edit"), town)
    name = (name or "").strip()
    if not name:
        raise DomainError(E.BAD_FIELD, field="村（社区）", reason="必须填写名称")
    lon, lat = Decimal(longitude), Decimal(latitude)
    if not (lon.is_finite() and lat.is_finite() and -180 <= lon <= 180 and -90 <= lat <= 90):
        raise DomainError(E.COORDINATES)
    _count(children_primary, "小学适龄儿童")
    _count(children_junior, "初中适龄少年")
    row, _created = Village.objects.update_or_create(
        area=town,
        name=name[:60],
        defaults={
            "longitude": lon.quantize(Decimal("0.000001")),
            "latitude": lat.quantize(Decimal("0.000001")),
            "children_primary": children_primary,
            "children_junior": children_junior,
            "rural": rural,
        },
    )
    audit_record(action=AuditAction.UPDATE, instance=row, actor=actor)
    return row


CLOSURE_BEFORE = (ClosureStepKind.CONSULTATION, ClosureStepKind.BUILD_FIRST, ClosureStepKind.APPROVAL)


@transaction.atomic
def closure_propose(*, actor: User | None, school: School, target: School, reason: str) -> Closure:
    if actor is not None:
        ensure_can(actor, action("edit"), school)
        ensure_can(actor, action("edit"), target)
    if school.pk == target.pk:
        raise DomainError(E.CLOSURE_SAME)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(E.BAD_FIELD, field="理由", reason="必须填写")
    row = Closure.objects.create(school=school, target=target, reason=reason[:300])
    audit_record(action=AuditAction.CREATE, instance=row, actor=actor)
    return row


@transaction.atomic
def closure_step(
    *, actor: User | None, closure: Closure, kind: str, done_on: dt.date, note: str = ""
) -> ClosureStep:
    """Record a step of a closure. The closing itself needs the consultation, the receiving school's
    building (先建后撤) and the approval recorded first, none dated after it."""
    if actor is not None:
        ensure_can(actor, action("edit"), closure.school)
    closure = Closure.objects.select_for_update().get(pk=closure.pk)
    if closure.status in (ClosureStatus.CLOSED, ClosureStatus.DROPPED):
        raise DomainError(E.CLOSURE_CLOSED, status=ClosureStatus(closure.status).label)
    if kind not in ClosureStepKind.values:
        raise DomainError(E.BAD_FIELD, field="步骤", reason="无法识别")
    done = {s.kind: s for s in closure.steps.all()}
    if kind == ClosureStepKind.CLOSED:
        missing = [ClosureStepKind(k).label for k in CLOSURE_BEFORE if k not in done]
        if missing:
            raise DomainError(E.CLOSURE_NOT_READY, missing="、".join(missing))
        for k in CLOSURE_BEFORE:
            if done[k].done_on > done_on:
                raise DomainError(
                    E.CLOSURE_STEP_DATE,
                    step=ClosureStepKind.CLOSED.label,
                    before=ClosureStepKind(k).label,
                    date=f"{done[k].done_on:%Y-%m-%d}",
                )
    step, _created = ClosureStep.objects.update_or_create(
        closure=closure, kind=kind, defaults={"done_on": done_on, "note": (note or "")[:300]}
    )
    kinds = set(done) | {kind}
    if kind == ClosureStepKind.CLOSED:
        closure.status = ClosureStatus.CLOSED
    elif all(k in kinds for k in CLOSURE_BEFORE):
        closure.status = ClosureStatus.READY
    else:
        closure.status = ClosureStatus.CONSULTING
    closure.save(update_fields=["status"])
    audit_record(action=AuditAction.UPDATE, instance=step, actor=actor, changes={"status": closure.status})
    return step


@transaction.atomic
def closure_drop(*, actor: User | None, closure: Closure) -> Closure:
    """Keep the school after all (宜留则留): the closure is set aside with its steps kept."""
    if actor is not None:
        ensure_can(actor, action("edit"), closure.school)
    if closure.status == ClosureStatus.CLOSED:
        raise DomainError(E.CLOSURE_CLOSED, status=ClosureStatus.CLOSED.label)
    closure.status = ClosureStatus.DROPPED
    closure.save(update_fields=["status"])
    audit_record(action=AuditAction.UPDATE, instance=closure, actor=actor, changes={"status": "dropped"})
    return closure
