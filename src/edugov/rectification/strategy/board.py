"""Reading strategic tasks: goals, the board with its roll-up by goal and by department, the board
chart and export, and the look-ups the planning forms offer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from edugov.accounts.models import Department, Role, User
from edugov.accounts.scope import scoped
from edugov.registry.models import Area, AreaLevel, School

from ..models import KeyTask, Milestone, Rag, TaskGoal
from .progress import rag_status, weighted_progress

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
