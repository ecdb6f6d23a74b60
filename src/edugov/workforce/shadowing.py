"""New teachers' shadowing placements (跟岗学习, issue 15 item 5): a teacher of one school learns in a
strong school for a period, with a mentor there, and the personnel department records the outcome
when it ends. Arranged by the personnel department (`exchange_edit`, both schools in its write
scope); it shares the teacher's calendar with exchanges: no placement overlaps another one or an
exchange, and no exchange overlaps a placement (exchanges.exchange_create asks `clash`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from edugov.accounts.models import User
from edugov.accounts.policy import ensure_can
from edugov.accounts.scope import scoped
from edugov.audit.models import AuditAction
from edugov.audit.services import audit_record, snapshot
from edugov.common.errors import DomainError
from edugov.registry.models import School, Teacher

from .errors import WorkforceError as E
from .models import Exchange, MentoringOutcome, ShadowingPlacement
from .permissions import action


def clash(teacher: Teacher, start: dt.date, end: dt.date) -> DomainError | None:
    """The refusal when the teacher already has an exchange or a placement over [start, end)."""
    for model, what in ((Exchange, "交流记录"), (ShadowingPlacement, "跟岗学习")):
        row = (
            model.objects.select_for_update()
            .filter(teacher=teacher, start_date__lt=end, end_date__gt=start)
            .order_by("start_date")
            .first()
        )
        if row is not None:
            return DomainError(
                E.SHADOWING_OVERLAP,
                name=teacher.name,
                start=f"{row.start_date:%Y-%m-%d}",
                end=f"{row.end_date:%Y-%m-%d}",
                what=what,
            )
    return None


@transaction.atomic
def placement_create(
    *,
    actor: User | None,
    teacher: Teacher,
    host_school: School,
    start_date: dt.date,
    end_date: dt.date,
    mentor: Teacher | None = None,
    goals: str = "",
) -> ShadowingPlacement:
    """Place a teacher in a host school. Refused in Chinese: a teacher without a school, the host
    being their own school, an end not after the start, a mentor who is the teacher or not at the
    host school, a period overlapping the teacher's other placements or exchanges."""
    if teacher.school_id is None:
        raise DomainError(E.SHADOWING_NO_SCHOOL, name=teacher.name)
    home = School.objects.get(pk=teacher.school_id)
    if actor is not None:
        ensure_can(actor, action("exchange_edit"), home)
        ensure_can(actor, action("exchange_edit"), host_school)
    if host_school.pk == home.pk:
        raise DomainError(E.SHADOWING_SAME_SCHOOL)
    if end_date <= start_date:
        raise DomainError(E.EXCHANGE_DATES)
    if mentor is not None:
        if mentor.pk == teacher.pk:
            raise DomainError(E.SHADOWING_MENTOR_SELF)
        if mentor.school_id != host_school.pk:
            raise DomainError(E.SHADOWING_MENTOR_SCHOOL, name=mentor.name, school=host_school.name)
    if (refusal := clash(teacher, start_date, end_date)) is not None:
        raise refusal
    row = ShadowingPlacement(
        teacher=teacher,
        home_school=home,
        host_school=host_school,
        mentor=mentor,
        start_date=start_date,
        end_date=end_date,
        goals=(goals or "").strip()[:300],
        created_by=actor,
    )
    row.full_clean()
    row.save()
    audit_record(action=AuditAction.CREATE, instance=row, changes={"after": snapshot(row)}, actor=actor)
    return row


@transaction.atomic
def placement_outcome(
    *, actor: User | None, placement: ShadowingPlacement, outcome: str, evaluation: str = ""
) -> ShadowingPlacement:
    """Record the outcome (合格 / 优秀 / 不合格) and the evaluation, once."""
    row = ShadowingPlacement.objects.select_for_update().get(pk=placement.pk)
    if actor is not None:
        ensure_can(actor, action("exchange_edit"), row.home_school)
    if row.outcome != MentoringOutcome.ONGOING:
        raise DomainError(E.SHADOWING_DECIDED)
    if outcome not in MentoringOutcome.values or outcome == MentoringOutcome.ONGOING:
        raise DomainError(E.BAD_FIELD, field="跟岗成效", reason="请选择合格、优秀或不合格")
    before = snapshot(row)
    row.outcome = outcome
    row.evaluation = (evaluation or "").strip()[:300]
    row.save(update_fields=["outcome", "evaluation"])
    audit_record(
        action=AuditAction.UPDATE,
        instance=row,
        changes={"before": before, "after": snapshot(row)},
        actor=actor,
    )
    return row


def placement_list(*, actor: Any) -> QuerySet[ShadowingPlacement]:
    return scoped(ShadowingPlacement, actor).select_related("teacher", "home_school", "host_school", "mentor")
