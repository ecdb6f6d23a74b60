"""Writes of a school group's life: set it up with its lead and members, edit it, end it; members leave."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from edugov.accounts.models import User
from edugov.accounts.policy import ensure_can
from edugov.audit.models import AuditAction
from edugov.audit.services import audit_record
from edugov.common.errors import DomainError
from edugov.registry.models import School

from ..errors import GroupsError as E
from ..models import (
    GroupKind,
    Membership,
    SchoolGroup,
)
from ..permissions import action
from .activities import _member_ids
from .effect import effect_changed_on_commit


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
    effect_changed_on_commit(group)
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
    _open(group)
    if joined_on < group.start_date:
        raise DomainError(E.JOIN_BEFORE_START, day=f"{group.start_date:%Y年%m月%d日}")
    if Membership.objects.filter(group=group, school=school).exists():
        raise DomainError(E.ALREADY_MEMBER, school=school.name)
    _check_member(group.kind, school, group)
    row = Membership.objects.create(group=group, school=school, joined_on=joined_on)
    effect_changed_on_commit(group)
    audit_record(action=AuditAction.CREATE, instance=row, actor=actor, changes={"group": group.pk})
    return row


def _open(group: SchoolGroup) -> None:
    if group.end_date is not None and group.end_date <= timezone.localdate():
        raise DomainError(E.ENDED, day=f"{group.end_date:%Y年%m月%d日}")


@transaction.atomic
def group_update(
    *, actor: User, group: SchoolGroup, name: str, kind: str, lead_school: School | None
) -> SchoolGroup:
    """Rename a group, change its kind or its lead school (a current member). Refused: no lead
    school, a name taken, a lead school outside the group, becoming a close group while a member is
    in another close group, an ended group."""
    ensure_can(actor, action("group_edit"), group)
    SchoolGroup.objects.select_for_update().filter(pk=group.pk).first()
    _open(group)
    if lead_school is None:
        raise DomainError(E.NO_LEAD)
    name = (name or "").strip()[:100]
    if not name:
        raise DomainError(E.BAD_FIELD, field="名称", reason="不能为空")
    if kind not in GroupKind.values:
        raise DomainError(E.BAD_FIELD, field="类型", reason="请选择集团类型")
    if SchoolGroup.objects.filter(name=name).exclude(pk=group.pk).exists():
        raise DomainError(E.NAME_TAKEN, name=name)
    current = _member_ids(group)
    if lead_school.pk not in current:
        raise DomainError(E.LEAD_NOT_MEMBER)
    ensure_can(actor, action("group_edit"), lead_school)
    if kind == GroupKind.CLOSE:
        for school in School.objects.filter(pk__in=current).order_by("name"):
            _check_member(kind, school, group)
    before = {"name": group.name, "kind": group.kind, "lead_school": group.lead_school_id}
    group.name, group.kind, group.lead_school = name, kind, lead_school
    group.save(update_fields=["name", "kind", "lead_school"])
    after = {"name": name, "kind": kind, "lead_school": lead_school.pk}
    if before["lead_school"] != lead_school.pk:  # the gaps are measured to the lead school
        effect_changed_on_commit(group)
    audit_record(
        action=AuditAction.UPDATE,
        instance=group,
        actor=actor,
        changes={k: [before[k], v] for k, v in after.items() if before[k] != v},
    )
    return group


@transaction.atomic
def group_end(*, actor: User, group: SchoolGroup, end_date: dt.date) -> SchoolGroup:
    """End a group on a date after its start: every member still in it leaves on that date."""
    ensure_can(actor, action("group_edit"), group)
    SchoolGroup.objects.select_for_update().filter(pk=group.pk).first()
    _open(group)
    if end_date <= group.start_date:
        raise DomainError(E.END_BEFORE_START, day=f"{group.start_date:%Y年%m月%d日}")
    late = group.memberships.filter(left_on__isnull=True, joined_on__gt=end_date).select_related("school")
    first = late.first()
    if first is not None:
        raise DomainError(
            E.LEAVE_BEFORE_JOIN, school=first.school.name, joined=f"{first.joined_on:%Y年%m月%d日}"
        )
    left = group.memberships.filter(left_on__isnull=True).update(left_on=end_date)
    group.end_date = end_date
    group.save(update_fields=["end_date"])
    effect_changed_on_commit(group)
    audit_record(
        action=AuditAction.UPDATE,
        instance=group,
        actor=actor,
        changes={"end_date": end_date.isoformat(), "members_left": left},
    )
    return group


@transaction.atomic
def member_leave(*, actor: User, group: SchoolGroup, school: School, left_on: dt.date) -> Membership:
    """A member leaves the group on a date (not before it joined). The lead school cannot leave."""
    ensure_can(actor, action("group_edit"), group)
    _open(group)
    row = Membership.objects.select_for_update().filter(group=group, school=school).first()
    if row is None:
        raise DomainError(E.NOT_MEMBER, school=school.name)
    if row.left_on is not None:
        raise DomainError(E.ALREADY_LEFT, school=school.name, day=f"{row.left_on:%Y年%m月%d日}")
    if school.pk == group.lead_school_id:
        raise DomainError(E.LEAD_LEAVES)
    if left_on < row.joined_on:
        raise DomainError(E.LEAVE_BEFORE_JOIN, school=school.name, joined=f"{row.joined_on:%Y年%m月%d日}")
    row.left_on = left_on
    row.save(update_fields=["left_on"])
    effect_changed_on_commit(group)
    audit_record(
        action=AuditAction.UPDATE, instance=row, actor=actor, changes={"left_on": left_on.isoformat()}
    )
    return row
