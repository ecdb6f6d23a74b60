"""Writes of planning: a town's yearly figures, new housing, a school's classrooms, construction
projects and their milestones, and a stored forecast. Each asks the policy, checks the rows it
touches are in the writer's scope, refuses bad input in Chinese and leaves an audit record."""

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
from edugov.registry.models import Area, AreaLevel, School

from . import selectors
from .errors import PlanningError as E
from .forecast import METHOD
from .models import (
    ForecastRun,
    HousingDevelopment,
    Milestone,
    PlanStage,
    Project,
    ProjectStatus,
    SchoolCapacity,
    TownYear,
)
from .permissions import action


def _town(area: Area | None) -> Area:
    if area is None:
        raise DomainError(E.BAD_FIELD, field="乡镇（街道）", reason="必须填写")
    if area.level != AreaLevel.TOWN:
        raise DomainError(E.NOT_A_TOWN, name=area.name)
    return area


def _count(value: int, label: str, *, allow_negative: bool = False, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise DomainError(E.BAD_FIELD, field=label, reason="应为整数")
    if not allow_negative and value < minimum:
        raise DomainError(E.BAD_FIELD, field=label, reason=f"不能小于{minimum}")
    return value


@transaction.atomic
def town_year_save(
    *,
    actor: User | None,
    area: Area,
    year: int,
    population: int,
    births: int,
    net_migration: int = 0,
    source: str = "",
) -> TownYear:
    _town(area)
    if actor is not None:
        ensure_can(actor, action("import"), area)
    _count(population, "总人口", minimum=1)
    _count(births, "出生人口")
    _count(net_migration, "净迁入人口", allow_negative=True)
    if births > population:
        raise DomainError(E.BAD_FIELD, field="出生人口", reason="不能多于总人口")
    if abs(net_migration) > population:
        raise DomainError(E.BAD_FIELD, field="净迁入人口", reason="绝对值不能超过总人口")
    row, _created = TownYear.objects.update_or_create(
        area=area,
        year=year,
        defaults={
            "population": population,
            "births": births,
            "net_migration": net_migration,
            "source": source,
        },
    )
    audit_record(action=AuditAction.UPDATE, instance=row, actor=actor, changes={"births": births})
    return row


@transaction.atomic
def housing_create(
    *, actor: User | None, name: str, area: Area | None, households: int, completion_year: int
) -> HousingDevelopment:
    town = _town(area)
    if actor is not None:
        ensure_can(actor, action("import"), town)
    _count(households, "户数", minimum=1)
    row = HousingDevelopment.objects.create(
        name=name, area=town, households=households, completion_year=completion_year
    )
    audit_record(action=AuditAction.CREATE, instance=row, actor=actor)
    return row


@transaction.atomic
def capacity_set(*, actor: User | None, school: School, stage: str, classrooms: int) -> SchoolCapacity:
    if actor is not None:
        ensure_can(actor, action("edit"), school)
    if stage not in PlanStage.values:
        raise DomainError(E.BAD_FIELD, field="学段", reason="应为小学或初中")
    _count(classrooms, "普通教室")
    row, _created = SchoolCapacity.objects.update_or_create(
        school=school, stage=stage, defaults={"classrooms": classrooms}
    )
    audit_record(action=AuditAction.UPDATE, instance=row, actor=actor, changes={"classrooms": classrooms})
    return row


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
def forecast_save(*, actor: User, area: Area, horizon: int) -> ForecastRun:
    """Store the forecast of the actor's district (or town) as computed now: inputs, method, results
    and the back-test, so the numbers can be explained later even after the data change."""
    ensure_can(actor, action("forecast_save"), area)
    if not 1 <= horizon <= selectors.MAX_HORIZON:
        raise DomainError(E.HORIZON)
    overview = selectors.planning_overview(actor=actor, horizon=horizon)
    if overview.base_year is None:
        raise DomainError(E.NO_SCHOOL, name=area.name)
    results: dict[str, Any] = {
        "gaps": [
            {"town": r.town, "stage": r.stage, "cells": r.cells, "first_short": r.first_short, "mape": r.mape}
            for r in overview.rows
        ],
        "backtest": overview.backtest,
    }
    run = ForecastRun.objects.create(
        area=area,
        base_year=overview.base_year,
        horizon=horizon,
        method=METHOD[:200],
        inputs={**overview.inputs_summary, "schools": overview.explain, "standards": overview.citations},
        results=results,
        created_by=actor,
    )
    audit_record(action=AuditAction.CREATE, instance=run, actor=actor)
    return run
