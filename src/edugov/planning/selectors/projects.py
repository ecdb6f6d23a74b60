"""Reads of planning: construction projects, the project board, monthly figures and progress."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from edugov.accounts.models import User
from edugov.accounts.scope import scoped

from ..lists import ProjectFigures
from ..models import (
    Project,
    ProjectList,
    ProjectProgress,
    ProjectStatus,
)

# Projects ----------------------------------------------------------------------------------------


def project_list(*, actor: User) -> QuerySet[Project]:
    return scoped(Project, actor).select_related("school", "school__area").prefetch_related("milestones")


@dataclass(frozen=True)
class ProjectRow:
    project: Project
    done: int
    total: int
    overdue: list[str]
    late: bool  # past its planned completion, not completed


def project_board(*, actor: User, today: dt.date) -> list[ProjectRow]:
    rows = []
    for p in project_list(actor=actor):
        milestones = list(p.milestones.all())
        overdue = [
            f"{m.name}（应于{m.due:%Y-%m-%d}完成）" for m in milestones if m.done_on is None and m.due < today
        ]
        late = p.status != ProjectStatus.COMPLETED and p.planned_completion < today
        rows.append(ProjectRow(p, sum(1 for m in milestones if m.done_on), len(milestones), overdue, late))
    return sorted(rows, key=lambda r: (not (r.late or r.overdue), r.project.planned_completion))


def _month_end(month: dt.date) -> dt.date:
    nxt = dt.date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def project_figures(*, actor: User, month: dt.date) -> list[ProjectFigures]:
    """Each project in scope that had started by the month's end and was not completed before the
    month began: its progress reported for the month, overdue milestones and lateness at month end."""
    start, end = month.replace(day=1), _month_end(month)
    reports = {r.project_id: r for r in scoped(ProjectProgress, actor).filter(month=start)}
    out = []
    for p in project_list(actor=actor).filter(start_date__lte=end).exclude(completed_on__lt=start):
        completed = p.completed_on is not None and p.completed_on <= end
        r = reports.get(p.pk)
        overdue = sum(
            1 for m in p.milestones.all() if m.due <= end and (m.done_on is None or m.done_on > end)
        )
        out.append(
            ProjectFigures(
                project_id=p.pk,
                name=p.name,
                school=p.school.name,
                planned_pct=100 if completed and r is None else (r.planned_pct if r else None),
                actual_pct=100 if completed and r is None else (r.actual_pct if r else None),
                overdue_milestones=0 if completed else overdue,
                late=not completed and p.planned_completion < end,
                completed=completed,
            )
        )
    return out


def progress_table(*, actor: User) -> list[dict[str, Any]]:
    """Every monthly report in scope, newest month first, with its points behind plan."""
    rows = (
        scoped(ProjectProgress, actor)
        .select_related("project", "project__school")
        .order_by("-month", "project__name")
    )
    return [
        {
            "project": r.project.name,
            "school": r.project.school.name,
            "month": r.month,
            "planned_pct": r.planned_pct,
            "actual_pct": r.actual_pct,
            "behind": max(0, r.planned_pct - r.actual_pct),
            "note": r.note,
        }
        for r in rows
    ]


def project_lists(*, actor: User) -> QuerySet[ProjectList]:
    return scoped(ProjectList, actor).select_related("area")
