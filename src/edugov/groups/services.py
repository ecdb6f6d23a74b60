"""Writes of school groups: set a group up with its lead and members, add a member, keep a term's
unification plan, record an activity once for the group, set up a joint class with its rotation.
Each asks the policy first, refuses bad input in Chinese (nothing written) and leaves an audit record."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Sequence

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from edugov.accounts.models import User
from edugov.accounts.policy import ensure_can
from edugov.audit.models import AuditAction
from edugov.audit.services import audit_record
from edugov.common.errors import DomainError
from edugov.registry.models import SCHOOL_TYPE_GRADES, School, Teacher

from .errors import GroupsError as E
from .models import (
    Activity,
    Evidence,
    GroupKind,
    JointClass,
    Membership,
    Rotation,
    SchoolGroup,
    Unification,
    UnificationPlan,
)
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
    _open(group)
    if joined_on < group.start_date:
        raise DomainError(E.JOIN_BEFORE_START, day=f"{group.start_date:%Y年%m月%d日}")
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


def _open(group: SchoolGroup) -> None:
    if group.end_date is not None and group.end_date <= timezone.localdate():
        raise DomainError(E.ENDED, day=f"{group.end_date:%Y年%m月%d日}")


# ---- group lifecycle ---------------------------------------------------------------------------


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
    audit_record(
        action=AuditAction.UPDATE, instance=row, actor=actor, changes={"left_on": left_on.isoformat()}
    )
    return row


# ---- joint classes -----------------------------------------------------------------------------


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


# ---- evidence files ----------------------------------------------------------------------------

MAX_EVIDENCE_MB = 10
MAX_EVIDENCE_FILES = 10  # per group, term and unification
# Extension → accepted leading bytes (the file must be what its name says), and its content type.
_SIGNATURES: dict[str, tuple[tuple[bytes, ...], str]] = {
    "pdf": ((b"%PDF",), "application/pdf"),
    "jpg": ((b"\xff\xd8\xff",), "image/jpeg"),
    "jpeg": ((b"\xff\xd8\xff",), "image/jpeg"),
    "png": ((b"\x89PNG\r\n\x1a\n",), "image/png"),
    "docx": ((b"PK\x03\x04",), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": ((b"PK\x03\x04",), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "doc": ((b"\xd0\xcf\x11\xe0",), "application/msword"),
    "xls": ((b"\xd0\xcf\x11\xe0",), "application/vnd.ms-excel"),
}


def evidence_check(upload: UploadedFile) -> str:
    """The file's extension after checking its size, type and leading bytes (Chinese refusals)."""
    name = (upload.name or "附件")[-100:]
    if not upload.size:
        raise DomainError(E.FILE_EMPTY, name=name)
    if upload.size > MAX_EVIDENCE_MB * 1024 * 1024:
        raise DomainError(E.FILE_TOO_LARGE, name=name, limit=MAX_EVIDENCE_MB)
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in _SIGNATURES:
        raise DomainError(E.FILE_TYPE, name=name)
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if not any(head.startswith(sig) for sig in _SIGNATURES[ext][0]):
        raise DomainError(E.FILE_CONTENT, name=name)
    return ext


@transaction.atomic
def evidence_upload(
    *,
    actor: User,
    group: SchoolGroup,
    school: School,
    term: str,
    unification: str,
    upload: UploadedFile,
    activity: Activity | None = None,
) -> Evidence:
    """Store one evidence file of a unification in a term (or of an activity), uploaded by a member
    school. Checked first (size, type, leading bytes, at most MAX_EVIDENCE_FILES per unification and
    term): nothing is written when refused."""
    ensure_can(actor, action("activity_edit"), school)
    if school.pk not in _member_ids(group):
        raise DomainError(E.NOT_MEMBER, school=school.name)
    if activity is not None:
        if activity.group_id != group.pk:
            raise DomainError(E.BAD_FIELD, field="活动", reason="不是本集团的活动")
        term, unification = activity.term, activity.unification
    term = check_term(term)
    if unification not in Unification.values:
        raise DomainError(E.BAD_UNIFICATION)
    SchoolGroup.objects.select_for_update().filter(pk=group.pk).first()
    if Evidence.objects.filter(group=group, term=term, unification=unification).count() >= MAX_EVIDENCE_FILES:
        raise DomainError(E.TOO_MANY_FILES, limit=MAX_EVIDENCE_FILES)
    ext = evidence_check(upload)
    row = Evidence(
        group=group,
        term=term,
        unification=unification,
        activity=activity,
        school=school,
        token=secrets.token_hex(4),
        original_name=(upload.name or "附件")[-200:],
        size=upload.size or 0,
        content_type=_SIGNATURES[ext][1],
        uploaded_at=timezone.now(),
    )
    row.file.save(f"evidence.{ext}", upload, save=False)
    row.save()
    audit_record(
        action=AuditAction.CREATE,
        instance=row,
        actor=actor,
        changes={"group": group.pk, "term": term, "unification": unification, "size": row.size},
    )
    return row
