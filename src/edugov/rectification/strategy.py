"""Strategic tasks (重点任务): goals broken into key tasks and milestones, the red/amber/green rule,
roll-up by goal and by department, and the finding source that turns overdue milestones into
rectification items.

The RAG rule (documented in docs/rectification.md, tested at its boundaries):
    expected = share of the time from start to deadline that has elapsed on `today`, in % (0-100)
    lag      = expected - progress
    green  if progress is 100 (done), else
    red    if today is after the deadline (overdue) or lag > 30 points,
    amber  if 10 <= lag <= 30,
    green  otherwise (lag < 10).
A task's progress is its milestones' progress weighted by their weights; a goal's and a
department's roll-up weights every milestone under them the same way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from edugov.accounts.models import Department, Role, User
from edugov.accounts.policy import can, ensure_can, role_may
from edugov.accounts.scope import ensure_references_writable, scoped, write_scoped
from edugov.audit.models import AuditAction
from edugov.audit.services import audit_create, audit_record, audit_update
from edugov.common.errors import DomainError
from edugov.common.services import model_update
from edugov.registry.models import Area, AreaLevel, School

from . import permissions
from .errors import RectificationError as E
from .findings import Finding, FindingContext, Unit, register_finding_source
from .models import ItemSource, KeyTask, Milestone, Rag, Severity, TaskGoal, UnitKind

RED_LAG = 30  # points behind the elapsed time: more than this is red
AMBER_LAG = 10  # this many points behind or more (up to RED_LAG) is amber
MILESTONE_OVERDUE = "rectification.milestone_overdue"


def expected_progress(*, start: dt.date, deadline: dt.date, today: dt.date) -> float:
    """The share of the planned time elapsed on `today`, 0-100."""
    if today <= start:
        return 0.0
    if deadline <= start or today >= deadline:
        return 100.0
    return 100.0 * (today - start).days / (deadline - start).days


def rag_status(*, progress: float, start: dt.date, deadline: dt.date, today: dt.date) -> str:
    if progress >= 100:
        return Rag.GREEN
    if today > deadline:
        return Rag.RED
    lag = expected_progress(start=start, deadline=deadline, today=today) - progress
    if lag > RED_LAG:
        return Rag.RED
    if lag >= AMBER_LAG:
        return Rag.AMBER
    return Rag.GREEN


def weighted_progress(milestones: Iterable[Milestone]) -> float:
    total = num = 0
    for m in milestones:
        total += m.weight
        num += m.weight * m.progress
    return round(num / total, 1) if total else 0.0


def _today(now: dt.datetime | None) -> dt.date:
    return timezone.localtime(now or timezone.now()).date()


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
    today = _today(now)
    if day < today:
        raise DomainError(E.DATE_PAST, field=label, today=today.isoformat())


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
        raise DomainError(E.MILESTONE_AFTER_TASK, deadline=task.deadline.isoformat())
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
            raise DomainError(E.TASK_BEFORE_MILESTONES, deadline=latest.isoformat())
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


# Reads -------------------------------------------------------------------------------------------


@dataclass
class TaskRow:
    task: KeyTask
    progress: float
    rag: str
    milestones: list[dict[str, Any]]
    overdue_milestones: int


@dataclass
class RollUp:
    key: str
    label: str
    tasks: int = 0
    weight: int = 0
    weighted: int = 0
    rag: dict[str, int] = field(default_factory=lambda: {Rag.RED: 0, Rag.AMBER: 0, Rag.GREEN: 0})

    @property
    def progress(self) -> float:
        return round(self.weighted / self.weight, 1) if self.weight else 0.0


@dataclass
class Board:
    year: int | None
    goals: list[tuple[TaskGoal, RollUp, list[TaskRow]]]
    departments: list[RollUp]
    totals: dict[str, int]


def goal_list(*, user: Any, year: int | None = None) -> QuerySet[TaskGoal]:
    qs = scoped(TaskGoal, user)
    return qs.filter(year=year) if year else qs


def task_rows(*, tasks: Iterable[KeyTask], today: dt.date) -> list[TaskRow]:
    rows = []
    for t in tasks:
        ms = list(t.milestones.all())
        ms_rows = [
            {
                "milestone": m,
                "rag": rag_status(progress=m.progress, start=m.start_date, deadline=m.deadline, today=today),
                "overdue": m.progress < 100 and m.deadline < today,
            }
            for m in ms
        ]
        progress = weighted_progress(ms)
        rows.append(
            TaskRow(
                task=t,
                progress=progress,
                rag=rag_status(progress=progress, start=t.start_date, deadline=t.deadline, today=today),
                milestones=ms_rows,
                overdue_milestones=sum(1 for r in ms_rows if r["overdue"]),
            )
        )
    return rows


def task_board(
    *, user: Any, year: int | None = None, department: str = "", today: dt.date | None = None
) -> Board:
    """Goals with their tasks (progress, RAG), roll-up by goal and by department."""
    today = today or timezone.localdate()
    tasks = scoped(KeyTask, user).select_related("goal", "school").prefetch_related("milestones")
    if year:
        tasks = tasks.filter(goal__year=year)
    if department:
        tasks = tasks.filter(department=department)
    rows = task_rows(tasks=tasks.order_by("goal__year", "goal__order", "goal_id", "order", "pk"), today=today)
    goals: dict[int, tuple[TaskGoal, RollUp, list[TaskRow]]] = {}
    depts: dict[str, RollUp] = {}
    totals = {Rag.RED: 0, Rag.AMBER: 0, Rag.GREEN: 0, "tasks": 0, "overdue_milestones": 0}
    for r in rows:
        g = r.task.goal
        entry = goals.setdefault(g.pk, (g, RollUp(key=str(g.pk), label=g.title), []))
        entry[2].append(r)
        d = depts.setdefault(
            r.task.department, RollUp(key=r.task.department, label=Department(r.task.department).label)
        )
        for roll in (entry[1], d):
            roll.tasks += 1
            roll.rag[r.rag] += 1
            for m in r.milestones:
                roll.weight += m["milestone"].weight
                roll.weighted += m["milestone"].weight * m["milestone"].progress
        totals[r.rag] += 1
        totals["tasks"] += 1
        totals["overdue_milestones"] += r.overdue_milestones
    return Board(
        year=year,
        goals=list(goals.values()),
        departments=sorted(depts.values(), key=lambda d: d.key),
        totals=totals,
    )


def board_chart(board: Board) -> dict[str, Any]:
    """ECharts payload: progress by goal and by department, and the RAG counts."""
    return {
        "goals": {
            "labels": [g.title[:16] for g, _, _ in board.goals],
            "progress": [roll.progress for _, roll, _ in board.goals],
        },
        "departments": {
            "labels": [d.label for d in board.departments],
            "progress": [d.progress for d in board.departments],
            "red": [d.rag[Rag.RED] for d in board.departments],
            "amber": [d.rag[Rag.AMBER] for d in board.departments],
            "green": [d.rag[Rag.GREEN] for d in board.departments],
        },
        "rag": [
            {"name": "红灯", "value": board.totals[Rag.RED]},
            {"name": "黄灯", "value": board.totals[Rag.AMBER]},
            {"name": "绿灯", "value": board.totals[Rag.GREEN]},
        ],
    }


def task_get(*, user: Any, pk: int) -> KeyTask:
    task = scoped(KeyTask, user).select_related("goal", "school").filter(pk=pk).first()
    if task is None:
        raise Http404("重点任务不存在或不在您的数据范围内")
    return task


def goal_get(*, user: Any, pk: int) -> TaskGoal:
    goal = scoped(TaskGoal, user).select_related("area").filter(pk=pk).first()
    if goal is None:
        raise Http404("工作目标不存在或不在您的数据范围内")
    return goal


def goal_areas(*, user: Any) -> QuerySet[Area]:
    """The areas a planner may set goals for: the districts and towns in their scope."""
    return (
        scoped(Area, user)
        .filter(level__in=(AreaLevel.DISTRICT, AreaLevel.TOWN), archived_at__isnull=True)
        .order_by("path")
    )


def lead_schools(*, user: Any, goal: TaskGoal) -> QuerySet[School]:
    """Schools that may lead a task of `goal`: those in its area and in the user's scope."""
    return scoped(School, user).filter(area__path__startswith=goal.area.path).order_by("area__path", "name")


def owner_candidates(*, user: Any, goal: TaskGoal) -> QuerySet[User]:
    """Accounts that may own a task of `goal` (checked again by the services): officers within the
    goal's area and the administrators of its schools in the user's scope."""
    schools = scoped(School, user).filter(area__path__startswith=goal.area.path)
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(role__in=(Role.DISTRICT_ADMIN, Role.DEPARTMENT_OFFICER), area__path__startswith=goal.area.path)
            | Q(role=Role.SCHOOL_ADMIN, school__in=schools)
        )
        .select_related("school")
        .order_by("role", "department", "school__name", "username")
    )


def milestone_get(*, user: Any, pk: int) -> Milestone:
    m = scoped(Milestone, user).select_related("task", "task__goal").filter(pk=pk).first()
    if m is None:
        raise Http404("任务节点不存在或不在您的数据范围内")
    return m


def milestones_due(*, start: dt.date, end: dt.date) -> QuerySet[Milestone]:
    """Unfinished milestones due in [start, end] (for the daily digest; not user-facing rows)."""
    return (
        Milestone.objects.filter(progress__lt=100, deadline__range=(start, end))
        .select_related("task", "task__goal", "task__owner", "owner")
        .order_by("deadline", "pk")
    )


EXPORT_HEADERS = [
    "工作目标", "编号", "重点任务", "牵头单位", "责任人", "主管科室", "开始日期", "完成期限",
    "节点", "节点期限", "权重", "节点进度（%）", "节点状态", "任务进度（%）", "任务状态",
]  # fmt: skip


def export_rows(board: Board) -> Iterator[list[Any]]:
    for goal, _, rows in board.goals:
        for r in rows:
            t = r.task
            head = [
                goal.title, t.code, t.title, t.unit_name, t.owner_name, t.get_department_display(),
                t.start_date.isoformat(), t.deadline.isoformat(),
            ]  # fmt: skip
            tail = [r.progress, Rag(r.rag).label]
            if not r.milestones:
                yield [*head, "", "", "", "", "", *tail]
            for m in r.milestones:
                ms = m["milestone"]
                yield [
                    *head,
                    ms.title,
                    ms.deadline.isoformat(),
                    ms.weight,
                    ms.progress,
                    Rag(m["rag"]).label,
                    *tail,
                ]


# Finding source: overdue milestones become rectification items -------------------------------------


def overdue_milestones(ctx: FindingContext) -> Iterator[Finding]:
    today = timezone.localtime(ctx.now).date()
    qs = Milestone.objects.filter(progress__lt=100, deadline__lt=today).select_related("task", "task__goal")
    if ctx.area is not None:
        qs = qs.filter(task__area__path__startswith=ctx.area.path)
    for m in qs.order_by("pk"):
        t = m.task
        unit = Unit.school(t.school_id) if t.school_id else Unit.area(t.area_id)
        days = (today - m.deadline).days
        yield Finding(
            cause_key=f"{MILESTONE_OVERDUE}:{m.pk}",
            source=MILESTONE_OVERDUE,
            unit=unit,
            title=f"重点任务节点逾期：{t.title[:80]}—{m.title[:80]}",
            evidence=(
                f"{t.goal.title}／{t.code}{t.title}：节点“{m.title}”期限{m.deadline:%Y-%m-%d}，"
                f"已逾期{days}天，当前进度{m.progress}%。责任人：{m.owner_name or t.owner_name or '未指定'}。"
            ),
            severity=Severity.HIGH if days > 30 else Severity.MEDIUM,
            required_action="说明逾期原因，制定赶进度措施并明确新的完成时间，完成后上传佐证材料。",
            department=t.department,
            deadline_days=15,
            data={"task_id": t.pk, "milestone_id": m.pk, "progress": m.progress, "days_overdue": days},
        )


register_finding_source(
    MILESTONE_OVERDUE, overdue_milestones, label="重点任务节点逾期", item_source=ItemSource.TASK
)
