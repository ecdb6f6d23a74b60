"""Writes of school groups: set a group up with its lead and members, add a member, keep a term's
unification plan, record an activity once for the group, set up a joint class with its rotation.
Each asks the policy first, refuses bad input in Chinese (nothing written) and leaves an audit record."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from django.db import transaction

from edugov.accounts.models import User
from edugov.accounts.policy import ensure_can
from edugov.audit.models import AuditAction
from edugov.audit.services import audit_record
from edugov.common.errors import DomainError
from edugov.registry.models import SCHOOL_TYPE_GRADES, School, Teacher

from .errors import GroupsError as E
from .models import Activity, GroupKind, JointClass, Membership, Rotation, SchoolGroup, UnificationPlan
from .permissions import action

TERM_RE = re.compile(r"^(\d{4})-(\d{4})-([12])$")


def check_term(term: str) -> str:
    term = (term or "").strip()
    m = TERM_RE.match(term)
    if m is None or int(m.group(2)) != int(m.group(1)) + 1:
        raise DomainError(E.BAD_TERM)
    return term


def term_of(day: dt.date) -> str:
    """The term a date falls in: September-January is the first term, February-August the second."""
    start = day.year if day.month >= 9 else day.year - 1
    return f"{start}-{start + 1}-{1 if day.month >= 9 or day.month == 1 else 2}"


def _close_clash(school: School, *, exclude_group: SchoolGroup | None = None) -> Membership | None:
    rows = Membership.objects.select_related("group").filter(
        school=school, left_on__isnull=True, group__kind=GroupKind.CLOSE, group__end_date__isnull=True
    )
    if exclude_group is not None:
        rows = rows.exclude(group=exclude_group)
    return rows.first()


def _check_member(group_kind: str, school: School, group: SchoolGroup | None = None) -> None:
    if group_kind != GroupKind.CLOSE:
        return
    clash = _close_clash(school, exclude_group=group)
    if clash is not None:
        raise DomainError(E.TWO_CLOSE_GROUPS, school=school.name, group=clash.group.name)


@transaction.atomic
def group_create(
    *,
    actor: User,
    name: str,
    kind: str,
    lead_school: School | None,
    members: Sequence[School] = (),
    start_date: dt.date,
    end_date: dt.date | None = None,
) -> SchoolGroup:
    """Set a group up: the lead school joins on the start date with the members. Refused: no lead
    school, a name taken, an end not after the start, a school already in another close group."""
    ensure_can(actor, action("group_edit"))
    if lead_school is None:
        raise DomainError(E.NO_LEAD)
    name = (name or "").strip()
    if not name:
        raise DomainError(E.BAD_FIELD, field="名称", reason="不能为空")
    if kind not in GroupKind.values:
        raise DomainError(E.BAD_FIELD, field="类型", reason="请选择集团类型")
    if SchoolGroup.objects.filter(name=name).exists():
        raise DomainError(E.NAME_TAKEN, name=name)
    if end_date is not None and end_date <= start_date:
        raise DomainError(E.DATES)
    schools = [lead_school, *(s for s in members if s.pk != lead_school.pk)]
    for school in schools:
        ensure_can(actor, action("group_edit"), school)
        _check_member(kind, school)
    group = SchoolGroup.objects.create(
        name=name, kind=kind, lead_school=lead_school, start_date=start_date, end_date=end_date
    )
    Membership.objects.bulk_create(Membership(group=group, school=s, joined_on=start_date) for s in schools)
    audit_record(
        action=AuditAction.CREATE,
        instance=group,
        actor=actor,
        changes={"kind": kind, "lead_school": lead_school.pk, "members": [s.pk for s in schools]},
    )
    return group


@transaction.atomic
def member_add(*, actor: User, group: SchoolGroup, school: School, joined_on: dt.date) -> Membership:
    ensure_can(actor, action("group_edit"), group)
    ensure_can(actor, action("group_edit"), school)
    SchoolGroup.objects.select_for_update().filter(pk=group.pk).first()  # one addition at a time
    if Membership.objects.filter(group=group, school=school).exists():
        raise DomainError(E.ALREADY_MEMBER, school=school.name)
    _check_member(group.kind, school, group)
    row = Membership.objects.create(group=group, school=school, joined_on=joined_on)
    audit_record(action=AuditAction.CREATE, instance=row, actor=actor, changes={"group": group.pk})
    return row


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


@transaction.atomic
def joint_class_create(
    *,
    actor: User,
    group: SchoolGroup,
    name: str,
    host_school: School,
    partner_school: School,
    grade: int,
    pupils: int,
    transported: int = 0,
    teachers: Sequence[Teacher] = (),
    rotations: Sequence[tuple[str, School, dt.date, dt.date]] = (),
) -> JointClass:
    """A joint class between two members teaching the same grade; the rotation calendar as stages
    (name, school, start, end). Refused: one school twice, a school without the grade (another
    stage), transport above the places, a negative count, a stage ending before it starts."""
    ensure_can(actor, action("joint_class_edit"), host_school)
    ensure_can(actor, action("joint_class_edit"), partner_school)
    if host_school.pk == partner_school.pk:
        raise DomainError(E.SAME_SCHOOL)
    members = _member_ids(group)
    for school in (host_school, partner_school):
        if school.pk not in members:
            raise DomainError(E.NOT_MEMBER, school=school.name)
        if grade not in SCHOOL_TYPE_GRADES.get(school.school_type, range(0)):
            raise DomainError(
                E.OTHER_STAGE, school=school.name, school_type=school.get_school_type_display(), grade=grade
            )
    if pupils < 0 or transported < 0:
        raise DomainError(E.BAD_FIELD, field="人数", reason="不能小于0")
    if transported > pupils:
        raise DomainError(E.TRANSPORT)
    for _stage, school, start, end in rotations:
        if end <= start:
            raise DomainError(E.DATES)
        if school.pk not in (host_school.pk, partner_school.pk):
            raise DomainError(E.NOT_MEMBER, school=school.name)
    row = JointClass.objects.create(
        group=group,
        name=(name or "").strip()[:60] or f"{grade}年级联合班",
        host_school=host_school,
        partner_school=partner_school,
        grade=grade,
        pupils=pupils,
        transported=transported,
    )
    if teachers:
        row.teachers.set(teachers)
    Rotation.objects.bulk_create(
        Rotation(joint_class=row, stage=stage[:40], school=school, start_date=start, end_date=end)
        for stage, school, start, end in rotations
    )
    audit_record(action=AuditAction.CREATE, instance=row, actor=actor, changes={"group": group.pk})
    return row
