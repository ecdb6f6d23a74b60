"""Writes of joint classes: set one up between a host and a partner school, edit it, its teacher rotation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction

from edugov.accounts.models import User
from edugov.accounts.policy import ensure_can
from edugov.audit.models import AuditAction
from edugov.audit.services import audit_record
from edugov.common.errors import DomainError
from edugov.registry.models import SCHOOL_TYPE_GRADES, School, Teacher

from ..errors import GroupsError as E
from ..models import (
    JointClass,
    Rotation,
    SchoolGroup,
)
from ..permissions import action
from .activities import _member_ids


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
    _check_teachers(teachers, host_school, partner_school)
    checked: list[tuple[str, dt.date, dt.date]] = []
    for stage, school, start, end in rotations:
        _check_stage(stage, school, start, end, host_school, partner_school, checked)
        checked.append((stage, start, end))
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


def _check_teachers(teachers: Sequence[Teacher], host: School, partner: School) -> None:
    for t in teachers:
        if t.school_id not in (host.pk, partner.pk):
            raise DomainError(E.TEACHER_ELSEWHERE, teacher=t.name)


def _check_stage(
    stage: str,
    school: School,
    start: dt.date,
    end: dt.date,
    host: School,
    partner: School,
    others: Sequence[tuple[str, dt.date, dt.date]],
) -> None:
    """A rotation stage: named, at the host or the partner school, ending after it starts, not
    overlapping another stage of the calendar."""
    if not (stage or "").strip():
        raise DomainError(E.BAD_FIELD, field="阶段", reason="不能为空")
    if end <= start:
        raise DomainError(E.DATES)
    if school.pk not in (host.pk, partner.pk):
        raise DomainError(E.NOT_MEMBER, school=school.name)
    for other, o_start, o_end in others:
        if start < o_end and o_start < end:
            raise DomainError(E.ROTATION_OVERLAP, stage=stage.strip()[:40], other=other)


@transaction.atomic
def joint_class_update(
    *, actor: User, joint_class: JointClass, pupils: int, transported: int, teachers: Sequence[Teacher]
) -> JointClass:
    """Keep a joint class's counts (places, transported pupils) and the teachers who move with it."""
    ensure_can(actor, action("joint_class_edit"), joint_class.host_school)
    ensure_can(actor, action("joint_class_edit"), joint_class.partner_school)
    if pupils < 0 or transported < 0:
        raise DomainError(E.BAD_FIELD, field="人数", reason="不能小于0")
    if transported > pupils:
        raise DomainError(E.TRANSPORT)
    _check_teachers(teachers, joint_class.host_school, joint_class.partner_school)
    joint_class.pupils, joint_class.transported = pupils, transported
    joint_class.save(update_fields=["pupils", "transported"])
    joint_class.teachers.set(teachers)
    audit_record(
        action=AuditAction.UPDATE,
        instance=joint_class,
        actor=actor,
        changes={"pupils": pupils, "transported": transported, "teachers": len(teachers)},
    )
    return joint_class


@transaction.atomic
def rotation_add(
    *, actor: User, joint_class: JointClass, stage: str, school: School, start: dt.date, end: dt.date
) -> Rotation:
    """Add a stage to a joint class's rotation calendar (no overlap with the other stages)."""
    ensure_can(actor, action("joint_class_edit"), joint_class.host_school)
    JointClass.objects.select_for_update().filter(pk=joint_class.pk).first()
    others = [(r.stage, r.start_date, r.end_date) for r in joint_class.rotations.all()]
    _check_stage(stage, school, start, end, joint_class.host_school, joint_class.partner_school, others)
    row = Rotation.objects.create(
        joint_class=joint_class, stage=stage.strip()[:40], school=school, start_date=start, end_date=end
    )
    audit_record(
        action=AuditAction.CREATE, instance=row, actor=actor, changes={"joint_class": joint_class.pk}
    )
    return row


@transaction.atomic
def rotation_delete(*, actor: User, rotation: Rotation) -> None:
    ensure_can(actor, action("joint_class_edit"), rotation.joint_class.host_school)
    audit_record(
        action=AuditAction.DELETE,
        instance=rotation,
        actor=actor,
        changes={"joint_class": rotation.joint_class_id, "stage": rotation.stage},
    )
    rotation.delete()
