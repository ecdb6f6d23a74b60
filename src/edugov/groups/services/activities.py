"""Writes of a group's work: a term's unification plan, an activity recorded once for the group."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from edugov.accounts.models import User
from edugov.accounts.policy import ensure_can
from edugov.audit.models import AuditAction
from edugov.audit.services import audit_record
from edugov.common.errors import DomainError
from edugov.registry.models import School

from ..errors import GroupsError as E
from ..models import (
    Activity,
    SchoolGroup,
    UnificationPlan,
)
from ..permissions import action
from .terms import check_term, term_of


@transaction.atomic
def plan_save(
    *, actor: User, group: SchoolGroup, term: str, unification: str, plan: str, evidence: str = ""
) -> UnificationPlan:
    """Keep a term's plan (and evidence) of one unification: a second save replaces the first."""
    ensure_can(actor, action("plan_edit"), group)
    term = check_term(term)
    if not (plan or "").strip():
        raise DomainError(E.BAD_FIELD, field="工作计划", reason="不能为空")
    row, created = UnificationPlan.objects.update_or_create(
        group=group,
        term=term,
        unification=unification,
        defaults={"plan": plan.strip()[:2000], "evidence": (evidence or "").strip()[:2000]},
    )
    audit_record(
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        instance=row,
        actor=actor,
        changes={"term": term, "unification": unification},
    )
    return row


def _member_ids(group: SchoolGroup) -> set[int]:
    return set(group.memberships.filter(left_on__isnull=True).values_list("school_id", flat=True))


@transaction.atomic
def activity_record(
    *,
    actor: User,
    group: SchoolGroup,
    school: School,
    unification: str,
    kind: str,
    title: str,
    held_on: dt.date,
    participants: int = 0,
) -> Activity:
    """Record an activity once, by the member school that held it; the group's pages count it for
    every member."""
    ensure_can(actor, action("activity_edit"), school)
    if school.pk not in _member_ids(group):
        raise DomainError(E.NOT_MEMBER, school=school.name)
    if not (title or "").strip():
        raise DomainError(E.BAD_FIELD, field="活动名称", reason="不能为空")
    if participants < 0:
        raise DomainError(E.BAD_FIELD, field="参与人次", reason="不能小于0")
    row = Activity.objects.create(
        group=group,
        school=school,
        term=term_of(held_on),
        unification=unification,
        kind=kind,
        title=title.strip()[:120],
        held_on=held_on,
        participants=participants,
    )
    audit_record(action=AuditAction.CREATE, instance=row, actor=actor, changes={"group": group.pk})
    return row
