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
    Closure,
    ClosureStatus,
    ClosureStep,
    ClosureStepKind,
    ForecastRun,
    HousingDevelopment,
    ListStatus,
    Milestone,
    PlanStage,
    PrivateSchoolYear,
    Project,
    ProjectList,
    ProjectProgress,
    ProjectStatus,
    QuotaPlan,
    QuotaStatus,
    SchoolCapacity,
    TownYear,
    Village,
    Zone,
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


# Monthly progress, completion and the red and black list ----------------------------------------


def _month(value: dt.date) -> dt.date:
    return value.replace(day=1)


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
    from .lists import rank
    from .rules import load

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


# Senior-high quota allocation --------------------------------------------------------------------

SENIOR_TYPES = frozenset({"senior", "complete_secondary", "twelve_year"})


@transaction.atomic
def quota_save(
    *,
    actor: User | None,
    school: School,
    year: int,
    places: int,
    share_pct: Decimal,
    rural_weight: Decimal = Decimal(1),
    source: str = "",
    status: str = QuotaStatus.DRAFT,
) -> QuotaPlan:
    """A quality senior high school's places and the share allocated to junior schools; the share
    must reach the minimum kept as data (data/planning.toml)."""
    from .rules import load

    if actor is not None:
        ensure_can(actor, action("edit"), school)
    if school.school_type not in SENIOR_TYPES:
        raise DomainError(E.NOT_SENIOR, name=school.name)
    _count(places, "招生计划", minimum=1)
    q = load()["quota"]
    share = Decimal(str(share_pct))
    if not Decimal(str(q["min_share_pct"])) <= share <= 100:
        raise DomainError(E.QUOTA_SHARE, low=q["min_share_pct"], source=q["source"])
    weight = Decimal(str(rural_weight))
    if not Decimal(1) <= weight <= Decimal(3):
        raise DomainError(E.QUOTA_WEIGHT)
    if status not in QuotaStatus.values:
        raise DomainError(E.BAD_FIELD, field="状态", reason="应为草稿或已确认")
    district = school.area if school.area.level == AreaLevel.DISTRICT else school.area.parent
    if district is None:
        raise DomainError(E.BAD_FIELD, field="学校", reason="没有所属区县")
    row, _created = QuotaPlan.objects.update_or_create(
        school=school,
        year=year,
        defaults={
            "area": district,
            "places": places,
            "share_pct": share,
            "rural_weight": weight,
            "source": source or q["source"][:120],
            "status": status,
        },
    )
    audit_record(action=AuditAction.UPDATE, instance=row, actor=actor, changes={"share_pct": str(share)})
    return row


# Private schools ---------------------------------------------------------------------------------


@transaction.atomic
def private_year_save(
    *,
    actor: User | None,
    school: School,
    year: int,
    approved_scale: int,
    plan_enrolment: int,
    actual_enrolment: int,
    pupils: int,
    income: Decimal = Decimal(0),
    fee_income: Decimal = Decimal(0),
    related_party_payments: Decimal = Decimal(0),
) -> PrivateSchoolYear:
    """A private school's year: scale, plan, enrolment and key finances (万元)."""
    if actor is not None:
        ensure_can(actor, action("edit"), school)
    if school.ownership != "private":
        raise DomainError(E.NOT_PRIVATE, name=school.name)
    _count(approved_scale, "核定办学规模", minimum=1)
    _count(plan_enrolment, "招生计划")
    _count(actual_enrolment, "实际招生")
    _count(pupils, "在校生")
    money = {"总收入": income, "学费收入": fee_income, "向举办者及关联方支付": related_party_payments}
    for label, value in money.items():
        if Decimal(value) < 0:
            raise DomainError(E.PRIVATE_MONEY, field=label)
    if Decimal(fee_income) > Decimal(income):
        raise DomainError(E.PRIVATE_FEES)
    row, _created = PrivateSchoolYear.objects.update_or_create(
        school=school,
        year=year,
        defaults={
            "approved_scale": approved_scale,
            "plan_enrolment": plan_enrolment,
            "actual_enrolment": actual_enrolment,
            "pupils": pupils,
            "income": income,
            "fee_income": fee_income,
            "related_party_payments": related_party_payments,
        },
    )
    audit_record(action=AuditAction.UPDATE, instance=row, actor=actor, changes={"pupils": pupils})
    return row


# Zones, villages and the closure workflow --------------------------------------------------------


@transaction.atomic
def zone_save(
    *, actor: User | None, area: Area | None, name: str, stage: str, schools: Sequence[School]
) -> Zone:
    """An attendance zone of a town and stage with the schools serving it (at least one, all in
    the town)."""
    town = _town(area)
    if actor is not None:
        ensure_can(actor, action("edit"), town)
    name = (name or "").strip()
    if not name:
        raise DomainError(E.BAD_FIELD, field="施教区", reason="必须填写名称")
    if stage not in PlanStage.values:
        raise DomainError(E.BAD_FIELD, field="学段", reason="应为小学或初中")
    if not schools:
        raise DomainError(E.ZONE_NO_SCHOOL, name=name)
    for s in schools:
        if s.area_id != town.pk:
            raise DomainError(E.ZONE_SCHOOL_OUTSIDE, school=s.name, town=town.name)
    zone, _created = Zone.objects.update_or_create(area=town, stage=stage, name=name[:60])
    zone.schools.set(schools)
    audit_record(
        action=AuditAction.UPDATE, instance=zone, actor=actor, changes={"schools": [s.pk for s in schools]}
    )
    return zone


@transaction.atomic
def village_save(
    *,
    actor: User | None,
    area: Area | None,
    name: str,
    longitude: Decimal,
    latitude: Decimal,
    children_primary: int = 0,
    children_junior: int = 0,
    rural: bool = True,
) -> Village:
    town = _town(area)
    if actor is not None:
        ensure_can(actor, action("edit"), town)
    name = (name or "").strip()
    if not name:
        raise DomainError(E.BAD_FIELD, field="村（社区）", reason="必须填写名称")
    lon, lat = Decimal(longitude), Decimal(latitude)
    if not (lon.is_finite() and lat.is_finite() and -180 <= lon <= 180 and -90 <= lat <= 90):
        raise DomainError(E.COORDINATES)
    _count(children_primary, "小学适龄儿童")
    _count(children_junior, "初中适龄少年")
    row, _created = Village.objects.update_or_create(
        area=town,
        name=name[:60],
        defaults={
            "longitude": lon.quantize(Decimal("0.000001")),
            "latitude": lat.quantize(Decimal("0.000001")),
            "children_primary": children_primary,
            "children_junior": children_junior,
            "rural": rural,
        },
    )
    audit_record(action=AuditAction.UPDATE, instance=row, actor=actor)
    return row


CLOSURE_BEFORE = (ClosureStepKind.CONSULTATION, ClosureStepKind.BUILD_FIRST, ClosureStepKind.APPROVAL)


@transaction.atomic
def closure_propose(*, actor: User | None, school: School, target: School, reason: str) -> Closure:
    if actor is not None:
        ensure_can(actor, action("edit"), school)
        ensure_can(actor, action("edit"), target)
    if school.pk == target.pk:
        raise DomainError(E.CLOSURE_SAME)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(E.BAD_FIELD, field="理由", reason="必须填写")
    row = Closure.objects.create(school=school, target=target, reason=reason[:300])
    audit_record(action=AuditAction.CREATE, instance=row, actor=actor)
    return row


@transaction.atomic
def closure_step(
    *, actor: User | None, closure: Closure, kind: str, done_on: dt.date, note: str = ""
) -> ClosureStep:
    """Record a step of a closure. The closing itself needs the consultation, the receiving school's
    building (先建后撤) and the approval recorded first, none dated after it."""
    if actor is not None:
        ensure_can(actor, action("edit"), closure.school)
    closure = Closure.objects.select_for_update().get(pk=closure.pk)
    if closure.status in (ClosureStatus.CLOSED, ClosureStatus.DROPPED):
        raise DomainError(E.CLOSURE_CLOSED, status=ClosureStatus(closure.status).label)
    if kind not in ClosureStepKind.values:
        raise DomainError(E.BAD_FIELD, field="步骤", reason="无法识别")
    done = {s.kind: s for s in closure.steps.all()}
    if kind == ClosureStepKind.CLOSED:
        missing = [ClosureStepKind(k).label for k in CLOSURE_BEFORE if k not in done]
        if missing:
            raise DomainError(E.CLOSURE_NOT_READY, missing="、".join(missing))
        for k in CLOSURE_BEFORE:
            if done[k].done_on > done_on:
                raise DomainError(
                    E.CLOSURE_STEP_DATE,
                    step=ClosureStepKind.CLOSED.label,
                    before=ClosureStepKind(k).label,
                    date=f"{done[k].done_on:%Y-%m-%d}",
                )
    step, _created = ClosureStep.objects.update_or_create(
        closure=closure, kind=kind, defaults={"done_on": done_on, "note": (note or "")[:300]}
    )
    kinds = set(done) | {kind}
    if kind == ClosureStepKind.CLOSED:
        closure.status = ClosureStatus.CLOSED
    elif all(k in kinds for k in CLOSURE_BEFORE):
        closure.status = ClosureStatus.READY
    else:
        closure.status = ClosureStatus.CONSULTING
    closure.save(update_fields=["status"])
    audit_record(action=AuditAction.UPDATE, instance=step, actor=actor, changes={"status": closure.status})
    return step


@transaction.atomic
def closure_drop(*, actor: User | None, closure: Closure) -> Closure:
    """Keep the school after all (宜留则留): the closure is set aside with its steps kept."""
    if actor is not None:
        ensure_can(actor, action("edit"), closure.school)
    if closure.status == ClosureStatus.CLOSED:
        raise DomainError(E.CLOSURE_CLOSED, status=ClosureStatus.CLOSED.label)
    closure.status = ClosureStatus.DROPPED
    closure.save(update_fields=["status"])
    audit_record(action=AuditAction.UPDATE, instance=closure, actor=actor, changes={"status": "dropped"})
    return closure
