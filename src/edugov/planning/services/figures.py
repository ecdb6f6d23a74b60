"""Writes of planning: a town's yearly figures, new housing, a school's classrooms and a stored forecast."""

from __future__ import annotations

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
from ..forecast import METHOD
from ..models import (
    ForecastRun,
    HousingDevelopment,
    PlanStage,
    SchoolCapacity,
    TownYear,
)
from ..permissions import action
from .base import _count, _town


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
