"""Writes of planning: construction projects, milestones, monthly progress and project lists."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction

from edugov.accounts.models import User
from edugov.accounts.policy import ensure_can
from edugov.audit.models import AuditAction
from edugov.audit.services import audit_record
from edugov.common.errors import DomainError
from edugov.registry.models import Area, School

from .. import selectors
from ..errors import PlanningError as E
from ..models import (
    ListStatus,
    Milestone,
    Project,
    ProjectList,
    ProjectProgress,
    ProjectStatus,
)
from ..permissions import action
from .base import _count, _month


@transaction.atomic
def project_create(
    *,
    actor: User | None,
    name: str,
    school: School,
    kind: str,
    stage: str,
    places_added: int,
    budget: Decimal,
    start_date: dt.date,
    planned_completion: dt.date,
    funding_source: str = "",
    milestones: Sequence[tuple[str, dt.date]] = (),
    status: str = ProjectStatus.PLANNED,
) -> Project:
    if actor is not None:
        ensure_can(actor, action("edit"), school)
    _count(places_added, "新增学位")
    if budget < 0:
        raise DomainError(E.BAD_FIELD, field="总投资", reason="不能为负数")
    if planned_completion <= start_date:
        raise DomainError(E.PROJECT_DATES)
    project = Project(
        name=name, school=school, kind=kind, stage=stage, places_added=places_added, budget=budget,
        funding_source=funding_source, start_date=start_date, planned_completion=planned_completion,
        status=status,
    )  # fmt: skip
    project.full_clean()
    project.save()
    Milestone.objects.bulk_create([Milestone(project=project, name=n, due=d) for n, d in milestones])
    audit_record(action=AuditAction.CREATE, instance=project, actor=actor)
    return project


@transaction.atomic
def milestone_done(*, actor: User | None, milestone: Milestone, done_on: dt.date) -> Milestone:
    project = milestone.project
    if actor is not None:
        ensure_can(actor, action("edit"), project.school)
    if done_on < project.start_date:
        raise DomainError(E.MILESTONE_DONE_BEFORE_START)
    milestone.done_on = done_on
    milestone.save(update_fields=["done_on"])
    audit_record(
        action=AuditAction.UPDATE, instance=milestone, actor=actor, changes={"done_on": str(done_on)}
    )
    return milestone


@transaction.atomic
def progress_report(
    *, actor: User | None, project: Project, month: dt.date, planned_pct: int, actual_pct: int, note: str = ""
) -> ProjectProgress:
    """A project's cumulative progress at a month's end, planned against actual (%)."""
    if actor is not None:
        ensure_can(actor, action("edit"), project.school)
    month = _month(month)
    if month < _month(project.start_date):
        raise DomainError(E.PROGRESS_MONTH)
    for value, label in ((planned_pct, "计划累计进度"), (actual_pct, "实际累计进度")):
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
            raise DomainError(E.PROGRESS_PCT, field=label)
    previous = project.progress.filter(month__lt=month).order_by("-month").first()
    if previous is not None and actual_pct < previous.actual_pct:
        raise DomainError(E.PROGRESS_BACKWARDS, previous=previous.actual_pct)
    row, _created = ProjectProgress.objects.update_or_create(
        project=project,
        month=month,
        defaults={"planned_pct": planned_pct, "actual_pct": actual_pct, "note": note[:200]},
    )
    changes = {"planned": planned_pct, "actual": actual_pct}
    audit_record(action=AuditAction.UPDATE, instance=row, actor=actor, changes=changes)
    return row


@transaction.atomic
def project_complete(*, actor: User | None, project: Project, completed_on: dt.date) -> Project:
    """Record a project's completion: its places join the school's supply from the school year that
    follows (selectors.join_year). A completion before the start is refused."""
    if actor is not None:
        ensure_can(actor, action("edit"), project.school)
    if completed_on < project.start_date:
        raise DomainError(E.COMPLETED_BEFORE_START)
    project.completed_on = completed_on
    project.status = ProjectStatus.COMPLETED
    project.save(update_fields=["completed_on", "status"])
    audit_record(
        action=AuditAction.UPDATE, instance=project, actor=actor, changes={"completed_on": str(completed_on)}
    )
    return project


@transaction.atomic
def project_list_make(*, actor: User | None, area: Area, month: dt.date) -> ProjectList:
    """Make (or remake, while a draft) the month's red and black list of the area's projects, with
    the rules and every project's figures frozen in it."""
    from ..lists import rank
    from ..rules import load

    if actor is not None:
        ensure_can(actor, action("edit"), area)
    month = _month(month)
    existing = ProjectList.objects.filter(area=area, month=month).first()
    if existing is not None and existing.status == ListStatus.PUBLISHED:
        raise DomainError(E.LIST_STATUS)
    rules = load()
    from edugov.rectification.findings import BureauReader

    reader: Any = actor if actor is not None else BureauReader(area=area)
    entries = rank(selectors.project_figures(actor=reader, month=month), rules)
    title = f"{area.name}{month:%Y年%m月}新改扩建项目建设红黑榜"
    row, _created = ProjectList.objects.update_or_create(
        area=area, month=month, defaults={"title": title, "rules": rules, "entries": entries}
    )
    audit_record(action=AuditAction.CREATE, instance=row, actor=actor, changes={"entries": len(entries)})
    return row


@transaction.atomic
def project_list_publish(
    *, actor: User | None, plist: ProjectList, now: dt.datetime | None = None
) -> ProjectList:
    from django.utils import timezone

    if actor is not None:
        ensure_can(actor, action("edit"), plist.area)
    if plist.status == ListStatus.PUBLISHED:
        raise DomainError(E.LIST_STATUS)
    now = now or timezone.now()
    plist.status = ListStatus.PUBLISHED
    plist.published_at = now
    plist.notice_number = f"{plist.area.name}教计〔{now:%Y}〕{plist.pk}号"
    plist.save(update_fields=["status", "published_at", "notice_number"])
    audit_record(action=AuditAction.UPDATE, instance=plist, actor=actor, changes={"status": "published"})
    return plist
