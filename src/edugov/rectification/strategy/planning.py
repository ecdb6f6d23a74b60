"""Planning strategic tasks: goals, key tasks and milestones, their checked values, and progress
reports on milestones."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from edugov.accounts.models import Department
from edugov.accounts.policy import can, ensure_can, role_may
from edugov.accounts.scope import ensure_references_writable, write_scoped
from edugov.audit.models import AuditAction
from edugov.audit.services import audit_create, audit_record, audit_update
from edugov.common.errors import DomainError
from edugov.common.services import model_update
from edugov.registry.models import Area, School

from .. import permissions
from ..errors import RectificationError as E
from ..models import KeyTask, Milestone, TaskGoal, UnitKind
from .progress import today_of

# Writes ------------------------------------------------------------------------------------------

TASK_FIELDS = [
    "code", "title", "unit_kind", "school", "area", "unit_name", "owner", "owner_name", "department",
    "start_date", "deadline",
]  # fmt: skip
MILESTONE_FIELDS = ["title", "weight", "start_date", "deadline", "owner_name"]


def may_plan(user: Any) -> bool:
    """District administrators and department officers set goals, key tasks and milestones."""
    return role_may(user, permissions.action("goal_create"))


def may_edit_task(user: Any, task: KeyTask) -> bool:
    """A planner changes the tasks of goals in their own area: a town officer sees a district goal's
    school-led tasks but does not own the goal."""
    return can(user, permissions.action("task_edit"), task)


def _ensure(user: Any, name: str, obj: Any = None) -> None:
    ensure_can(user, permissions.action(name), obj)


def _text(value: Any, *, label: str, max_length: int, required: bool = True) -> str:
    value = str(value or "").strip()
    if required and not value:
        raise DomainError(E.BAD_FIELD, field=label, reason="不能为空")
    if len(value) > max_length:
        raise DomainError(E.BAD_FIELD, field=label, reason=f"不能超过{max_length}个字")
    return value


def _progress(value: Any) -> int:
    try:
        p = int(str(value).strip())
    except (TypeError, ValueError):
        raise DomainError(E.PROGRESS_RANGE) from None
    if not 0 <= p <= 100:
        raise DomainError(E.PROGRESS_RANGE)
    return p


def _weight(value: Any) -> int:
    try:
        w = int(str(value).strip())
    except (TypeError, ValueError):
        w = 0
    if not 1 <= w <= 100:
        raise DomainError(E.BAD_FIELD, field="权重", reason="应为1～100的整数")
    return w


def _not_past(day: dt.date, *, label: str, now: dt.datetime | None) -> None:
    today = today_of(now)
    if day < today:
        raise DomainError(E.DATE_PAST, field=label, today=today)


def _task_values(
    *,
    user: Any,
    goal: TaskGoal,
    title: str,
    department: str,
    start_date: dt.date,
    deadline: dt.date,
    school: School | None,
    owner: Any,
    owner_name: str,
    code: str,
) -> dict[str, Any]:
    """A key task's checked field values, shared by create and update."""
    title = _text(title, label="重点任务", max_length=200)
    code = _text(code, label="编号", max_length=20, required=False)
    if department not in Department.values:
        raise DomainError(E.BAD_FIELD, field="主管科室", reason="取值无效")
    if deadline < start_date:
        raise DomainError(E.DATE_ORDER, field="完成期限")
    if school is not None:
        if not write_scoped(School, user).filter(pk=school.pk).exists():
            raise DomainError(E.UNKNOWN_UNIT)
        if not school.area.path.startswith(goal.area.path):
            raise DomainError(E.UNIT_OUTSIDE_GOAL, area=goal.area.name)
    if owner is not None and not permissions.may_own_task(
        owner, goal=goal, department=department, school=school
    ):
        raise DomainError(E.UNKNOWN_PERSON)
    unit_name = school.name if school else f"{goal.area.name}教育局{Department(department).label}"
    return {
        "code": code,
        "title": title,
        "unit_kind": UnitKind.SCHOOL if school else UnitKind.AREA,
        "school": school,
        "area": school.area if school else goal.area,
        "unit_name": unit_name[:120],
        "owner": owner,
        "owner_name": _text(
            owner_name or (str(owner) if owner else ""), label="责任人", max_length=64, required=False
        ),
        "department": department,
        "start_date": start_date,
        "deadline": deadline,
    }


def _milestone_values(
    *, task: KeyTask, title: str, start_date: dt.date, deadline: dt.date, weight: Any, owner_name: str
) -> dict[str, Any]:
    """A milestone's checked field values, shared by create and update."""
    title = _text(title, label="节点", max_length=200)
    if deadline < start_date:
        raise DomainError(E.DATE_ORDER, field="节点期限")
    if deadline > task.deadline:
        raise DomainError(E.MILESTONE_AFTER_TASK, deadline=task.deadline)
    return {
        "title": title,
        "weight": _weight(weight),
        "start_date": start_date,
        "deadline": deadline,
        "owner_name": _text(owner_name or task.owner_name, label="责任人", max_length=64, required=False),
    }


@transaction.atomic
def goal_create(
    *, user: Any, area: Area, year: Any, title: str, description: str = "", order: int = 0,
    now: dt.datetime | None = None,
) -> TaskGoal:  # fmt: skip
    ensure_can(user, permissions.action("goal_create"))
    if not write_scoped(Area, user).filter(pk=area.pk).exists():
        raise DomainError(E.UNKNOWN_UNIT)
    try:
        year = int(str(year).strip())
    except (TypeError, ValueError):
        year = 0
    if not 2000 <= year <= 2100:
        raise DomainError(E.BAD_FIELD, field="年度", reason="取值无效")
    goal = TaskGoal(
        area=area, year=year, title=_text(title, label="目标", max_length=200),
        description=_text(description, label="说明", max_length=4000, required=False), order=order,
        created_at=now or timezone.now(),
    )  # fmt: skip
    ensure_references_writable(user, goal)
    goal.save()
    audit_create(instance=goal, actor=user)
    return goal


@transaction.atomic
def task_create(
    *,
    user: Any,
    goal: TaskGoal,
    title: str,
    department: str,
    start_date: dt.date,
    deadline: dt.date,
    school: School | None = None,
    owner_name: str = "",
    owner: Any = None,
    code: str = "",
    order: int = 0,
    now: dt.datetime | None = None,
) -> KeyTask:
    _ensure(user, "task_create", goal)
    values = _task_values(
        user=user, goal=goal, title=title, department=department, start_date=start_date,
        deadline=deadline, school=school, owner=owner, owner_name=owner_name, code=code,
    )  # fmt: skip
    _not_past(deadline, label="完成期限", now=now)
    task = KeyTask(goal=goal, order=order, created_at=now or timezone.now(), **values)
    ensure_references_writable(user, task)
    task.save()
    audit_create(instance=task, actor=user)
    return task


@transaction.atomic
def task_update(
    *,
    user: Any,
    task: KeyTask,
    title: str,
    department: str,
    start_date: dt.date,
    deadline: dt.date,
    school: School | None = None,
    owner: Any = None,
    owner_name: str = "",
    code: str = "",
    now: dt.datetime | None = None,
) -> KeyTask:
    """Change a key task's title, leading unit, owner, department or dates. A new deadline may not
    be in the past nor before a milestone's; the audit trail records each changed field."""
    _ensure(user, "task_edit")
    task = KeyTask.objects.select_for_update(of=("self",)).select_related("goal__area").get(pk=task.pk)
    _ensure(user, "task_edit", task)
    values = _task_values(
        user=user, goal=task.goal, title=title, department=department, start_date=start_date,
        deadline=deadline, school=school, owner=owner, owner_name=owner_name, code=code,
    )  # fmt: skip
    if deadline != task.deadline:
        _not_past(deadline, label="完成期限", now=now)
        latest = task.milestones.aggregate(latest=Max("deadline"))["latest"]
        if latest is not None and deadline < latest:
            raise DomainError(E.TASK_BEFORE_MILESTONES, deadline=latest)
    _, changes = model_update(instance=task, fields=TASK_FIELDS, data=values, actor=user)
    audit_update(instance=task, changes=changes, actor=user)
    return task


@transaction.atomic
def milestone_create(
    *,
    user: Any,
    task: KeyTask,
    title: str,
    start_date: dt.date,
    deadline: dt.date,
    weight: Any = 1,
    owner_name: str = "",
    progress: int = 0,
    now: dt.datetime | None = None,
) -> Milestone:
    _ensure(user, "milestone_create", task)
    values = _milestone_values(
        task=task, title=title, start_date=start_date, deadline=deadline, weight=weight,
        owner_name=owner_name,
    )  # fmt: skip
    _not_past(deadline, label="节点期限", now=now)
    now = now or timezone.now()
    p = _progress(progress)
    m = Milestone(task=task, progress=p, completed_at=now if p == 100 else None, updated_at=now, **values)
    ensure_references_writable(user, m)
    m.save()
    audit_create(instance=m, actor=user)
    return m


@transaction.atomic
def milestone_update(
    *,
    user: Any,
    milestone: Milestone,
    title: str,
    start_date: dt.date,
    deadline: dt.date,
    weight: Any,
    owner_name: str = "",
    now: dt.datetime | None = None,
) -> Milestone:
    """Change a milestone's title, weight, dates or owner (its progress is reported separately)."""
    _ensure(user, "milestone_edit")
    m = Milestone.objects.select_for_update(of=("self",)).select_related("task__goal").get(pk=milestone.pk)
    _ensure(user, "milestone_edit", m)
    values = _milestone_values(
        task=m.task, title=title, start_date=start_date, deadline=deadline, weight=weight,
        owner_name=owner_name,
    )  # fmt: skip
    if deadline != m.deadline:
        _not_past(deadline, label="节点期限", now=now)
    if any(getattr(m, f) != v for f, v in values.items()):
        values["updated_at"] = now or timezone.now()
    _, changes = model_update(instance=m, fields=[*MILESTONE_FIELDS, "updated_at"], data=values, actor=user)
    changes.pop("updated_at", None)
    audit_update(instance=m, changes=changes, actor=user)
    return m


def may_report(user: Any, milestone: Milestone) -> bool:
    """Planners, the task's department officers, the owner, and the leading school's administrators."""
    return can(user, permissions.action("milestone_report"), milestone)


@transaction.atomic
def milestone_report(
    *, user: Any, milestone: Milestone, progress: Any, note: str = "", now: dt.datetime | None = None
) -> Milestone:
    """Report a milestone's progress (0-100; 100 completes it)."""
    ensure_can(user, permissions.action("milestone_report"), milestone)
    p = _progress(progress)
    note = _text(note, label="进展说明", max_length=500, required=False)
    now = now or timezone.now()
    m = Milestone.objects.select_for_update().get(pk=milestone.pk)
    before = {"progress": m.progress, "note": m.note}
    m.progress, m.note, m.updated_at = p, note, now
    m.completed_at = (m.completed_at or now) if p == 100 else None
    m.save(update_fields=["progress", "note", "updated_at", "completed_at"])
    audit_record(
        action=AuditAction.UPDATE,
        instance=m,
        changes={"progress": [before["progress"], p], "note": [before["note"], note]},
        actor=user,
    )
    return m
