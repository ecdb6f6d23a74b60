"""Demo story of planning (seeded by ctx.rng, dates from ctx.today): births rising in the urban
streets and falling in the villages, each town's population with net migration (in to the streets,
out of the villages), classrooms for every school (urban schools with little to spare), a
3,000-household estate in the largest urban street completing in two years, a smaller one in a
town, and eight construction projects of which two are late."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, F, Sum

from edugov.demo.base import DemoContext, register_generator
from edugov.registry.models import School, SchoolClass, SchoolType

from .models import (
    ForecastRun,
    HousingDevelopment,
    Milestone,
    PlanStage,
    Project,
    ProjectKind,
    ProjectStatus,
    SchoolCapacity,
    TownYear,
)

MILESTONES = ("立项批复", "施工许可", "主体封顶", "竣工验收")


def _urban(code: str) -> bool:
    return code.startswith("11")


def build_planning(ctx: DemoContext) -> None:
    reg = ctx.state.get("registry")
    if reg is None or not reg.districts:
        return
    rng = ctx.rng("planning")
    district = reg.districts[0]
    current = ctx.current_year
    schools = list(
        School.objects.filter(area__path__startswith=district.path, archived_at__isnull=True).order_by("code")
    )
    towns = {s.area_id: s.area for s in schools}
    urban_town = {t: any(_urban(s.urban_rural_code) for s in schools if s.area_id == t) for t in towns}
    classes = (
        SchoolClass.objects.filter(
            school__in=schools, school_year__start_year=current, grade__gte=1, grade__lte=9
        )
        .values("school_id", "school__area_id", "grade")
        .annotate(pupils=Sum(F("boys") + F("girls")), n=Count("id"))
    )
    grade1: dict[int, int] = defaultdict(int)
    stage_classes: dict[tuple[int, str], int] = defaultdict(int)
    stage_pupils: dict[int, int] = defaultdict(int)
    for c in classes:
        if c["grade"] == 1:
            grade1[c["school__area_id"]] += c["pupils"] or 0
        stage = str(PlanStage.PRIMARY if c["grade"] <= 6 else PlanStage.JUNIOR)
        stage_classes[(c["school_id"], stage)] += c["n"]
        if stage == PlanStage.PRIMARY:
            stage_pupils[c["school__area_id"]] += c["pupils"] or 0
    rows = []
    for town_id, town in towns.items():
        base = max(20, round(grade1.get(town_id, 0) / 0.95))
        trend = 0.04 if urban_town[town_id] else -0.06
        migration = 0.012 if urban_town[town_id] else -0.015
        for year in range(current - 16, current):
            births = max(5, round(base * (1 + trend * (year - (current - 6))) * rng.uniform(0.97, 1.03)))
            population = births * rng.randint(95, 110)
            rows.append(
                TownYear(
                    area=town,
                    year=year,
                    population=population,
                    births=births,
                    net_migration=round(population * migration),
                    source="卫健委出生登记、公安户籍统计",
                )
            )
    TownYear.objects.bulk_create(rows)
    capacities = []
    for (school_id, stage), n in sorted(stage_classes.items()):
        school = next(s for s in schools if s.pk == school_id)
        spare = 0 if _urban(school.urban_rural_code) else rng.randint(1, 3)
        capacities.append(SchoolCapacity(school=school, stage=stage, classrooms=n + spare))
    SchoolCapacity.objects.bulk_create(capacities)
    urban = [t for t in towns if urban_town[t]]
    if urban:
        street = max(urban, key=lambda t: stage_pupils.get(t, 0))
        HousingDevelopment.objects.create(
            name="滨河新城三期", area=towns[street], households=3000, completion_year=current + 2
        )
    rural = [t for t in towns if not urban_town[t]]
    if rural:
        HousingDevelopment.objects.create(
            name="集镇安置小区", area=towns[rural[0]], households=400, completion_year=current + 1
        )
    stages = {pk: stage for (pk, stage) in sorted(stage_classes, key=lambda k: k[1])}  # primary wins
    builders = [s for s in schools if s.pk in stages and s.school_type != SchoolType.SPECIAL]
    _projects(ctx, builders, stages)
    ctx.count("乡镇人口与出生", len(rows))
    ctx.count("建设项目", Project.objects.count())


def _projects(ctx: DemoContext, schools: list[School], stages: dict[int, str]) -> None:
    """Projects at primary and junior schools only; a nine-year school builds for its primary stage."""
    today = ctx.today
    urban = [s for s in schools if _urban(s.urban_rural_code) and not s.is_teaching_point]
    rural = [s for s in schools if not _urban(s.urban_rural_code) and not s.is_teaching_point]
    picks = (urban[:5] + rural[:3])[:8]
    for i, school in enumerate(picks):
        late = i in (1, 5)
        done = i in (0, 6)
        start = today - dt.timedelta(days=540 - 30 * i)
        finish = today - dt.timedelta(days=60) if (late or done) else today + dt.timedelta(days=200 + 60 * i)
        kind = (ProjectKind.NEW, ProjectKind.EXTEND, ProjectKind.REBUILD)[i % 3]
        places = 900 if kind == ProjectKind.NEW else 270 if _urban(school.urban_rural_code) else 135
        stage = stages[school.pk]
        project = Project.objects.create(
            name=f"{school.name}{kind.label}工程",
            school=school, kind=kind, stage=stage, places_added=places,
            budget=Decimal(places * 3), funding_source="中央预算内投资、区级财政" if i % 2 else "区级财政",
            start_date=start, planned_completion=finish, completed_on=finish if done else None,
            status=ProjectStatus.COMPLETED if done else ProjectStatus.BUILDING,
        )  # fmt: skip
        span = (finish - start).days
        ms = []
        for k, name in enumerate(MILESTONES):
            due = start + dt.timedelta(days=span * (k + 1) // len(MILESTONES))
            finished = done or (due < today and not (late and k >= 2))
            ms.append(Milestone(project=project, name=name, due=due, done_on=due if finished else None))
        Milestone.objects.bulk_create(ms)


def reset_planning() -> None:
    ForecastRun.objects.all().delete()
    Milestone.objects.all().delete()
    Project.objects.all().delete()
    SchoolCapacity.objects.all().delete()
    HousingDevelopment.objects.all().delete()
    TownYear.objects.all().delete()


def register() -> None:
    register_generator("planning", build_planning, order=520, reset=reset_planning)
