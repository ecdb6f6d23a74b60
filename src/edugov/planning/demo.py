"""Demo story of planning (seeded by ctx.rng, dates from ctx.today), for every district the forecast's
inputs (a province's 学位预测 reads them all), the rest in the first district: births rising in the urban
streets and falling in the villages, each town's population with net migration (in to the streets,
out of the villages), classrooms for every school (urban schools with little to spare), a
village school of about 40 pupils and the teaching points as merge and close candidates, a
3,000-household estate in the largest urban street completing in two years, a smaller one in a
town, eight construction projects of which two are late, and three private schools (one a
private nine-year school over its plan)."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, F, Sum

from edugov.demo.base import DemoContext, register_generator
from edugov.registry.models import Area, School, SchoolClass, SchoolType

from . import services
from .models import (
    Closure,
    ClosureStatus,
    ClosureStep,
    ClosureStepKind,
    ForecastRun,
    HousingDevelopment,
    Milestone,
    PlanStage,
    PrivateSchoolYear,
    Project,
    ProjectKind,
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
from .selectors import COMPULSORY_TYPES

MILESTONES = ("立项批复", "施工许可", "主体封顶", "竣工验收")


def _urban(code: str) -> bool:
    return code.startswith("11")


def build_planning(ctx: DemoContext) -> None:
    """Every district's forecast inputs (the towns' figures, classrooms, housing and projects), so a
    province's 学位预测 has them all; the story (progress and lists, quota, private schools, layout)
    in the first district."""
    reg = ctx.state.get("registry")
    if reg is None or not reg.districts:
        return
    rng = ctx.rng("planning")
    town_years = 0
    for index, district in enumerate(reg.districts):
        schools, towns, urban_town, n = _forecast_inputs(ctx, rng, district)
        town_years += n
        if index == 0:
            _progress_and_list(ctx, district)
            _quota(ctx, district, schools)
            _private(ctx, schools)
            _layout(ctx, schools, urban_town, towns)
    ctx.count("乡镇人口与出生", town_years)
    ctx.count("建设项目", Project.objects.count())


def _forecast_inputs(
    ctx: DemoContext, rng: random.Random, district: Area
) -> tuple[list[School], dict[int, Area], dict[int, bool], int]:
    """One district's towns' figures, classrooms, housing and projects: (its open schools, its towns,
    whether each is urban, town·years written)."""
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
    builders = [
        s for s in schools
        if s.pk in stages and s.school_type != SchoolType.SPECIAL and s.ownership != "private"
    ]  # fmt: skip
    _projects(ctx, builders, stages)
    return schools, towns, urban_town, len(rows)


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


def _progress_and_list(ctx: DemoContext, district: Area) -> None:
    """Monthly progress for the last three months of every project under way (the two late ones well
    behind plan), and last month's red and black list, published."""
    rng = ctx.rng("planning-progress")
    today = ctx.today
    this_month = today.replace(day=1)
    months = []
    m = this_month
    for _ in range(3):
        m = (m - dt.timedelta(days=1)).replace(day=1)
        months.append(m)
    rows = []
    for p in Project.objects.filter(school__area__path__startswith=district.path):
        span = max(1, (p.planned_completion - p.start_date).days)
        late = p.status != ProjectStatus.COMPLETED and p.planned_completion < today
        for month in sorted(months):
            if month < p.start_date.replace(day=1) or (p.completed_on and p.completed_on < month):
                continue
            end = _month_end(month)
            planned = min(100, max(0, round((end - p.start_date).days / span * 100)))
            lag = rng.randint(18, 30) if late else rng.randint(0, 6)
            rows.append(
                ProjectProgress(
                    project=p, month=month, planned_pct=planned, actual_pct=max(0, planned - lag),
                    note="主体施工受征地拆迁影响" if late else "",
                )
            )  # fmt: skip
    ProjectProgress.objects.bulk_create(rows)
    plist = services.project_list_make(actor=None, area=district, month=months[0])
    services.project_list_publish(actor=None, plist=plist, now=ctx.reference_datetime)
    ctx.count("项目月度进度", len(rows))


def _month_end(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


def _quota(ctx: DemoContext, district: Area, schools: list[School]) -> None:
    """The district's quality senior high schools allocate places to junior schools: 55% and 50%,
    rural cohorts weighted 1.2."""
    seniors = [s for s in schools if s.school_type in ("senior", "complete_secondary")]
    for i, school in enumerate(seniors[:2]):
        QuotaPlan.objects.create(
            area=district, school=school, year=ctx.current_year + 1, places=600 if i == 0 else 450,
            share_pct=Decimal(55 if i == 0 else 50), rural_weight=Decimal("1.2"),
            source="区中考招生工作意见：优质普通高中招生名额分配到校比例不低于50%",
            status=QuotaStatus.CONFIRMED,
        )  # fmt: skip
    ctx.count("指标到校计划", min(2, len(seniors)))


def _private(ctx: DemoContext, schools: list[School]) -> None:
    """The district's private schools, compulsory ones first (the registry's private nine-year
    school, whose pupils count against the cap on private compulsory share, then its private
    kindergartens): three recorded, the first over its plan and paying its organiser (flagged)."""
    privates = sorted(
        (s for s in schools if s.ownership == "private"), key=lambda s: s.school_type not in COMPULSORY_TYPES
    )[:3]
    pupils = dict(
        SchoolClass.objects.filter(school__in=privates, school_year__start_year=ctx.current_year)
        .values_list("school_id")
        .annotate(n=Sum(F("boys") + F("girls")))
    )
    for i, school in enumerate(privates):
        n = int(pupils.get(school.pk, 0) or 0) or 180
        plan = max(20, n // 3)
        PrivateSchoolYear.objects.create(
            school=school, year=ctx.current_year, approved_scale=n + 30 if i else n - 20,
            plan_enrolment=plan, actual_enrolment=plan + 25 if i == 0 else plan - 5, pupils=n,
            income=Decimal(n * 2), fee_income=Decimal(n * 2 - 40),
            related_party_payments=Decimal(60) if i == 0 else Decimal(0),
        )  # fmt: skip
    ctx.count("民办学校年度情况", len(privates))


def _layout(
    ctx: DemoContext, schools: list[School], urban_town: dict[int, bool], towns: dict[int, Area]
) -> None:
    """Zones (one per town and stage), villages beside the rural schools and teaching points with
    their children, a new community beyond every school's radius (a build candidate), and a
    closure under way: a teaching point in consultation."""
    rng = ctx.rng("planning-layout")
    taught = set(
        SchoolClass.objects.filter(school__in=schools, school_year__start_year=ctx.current_year)
        .values_list("school_id", "grade")
        .distinct()
    )
    for town_id, town in towns.items():
        for stage, grades in (("primary", range(1, 7)), ("junior", range(7, 10))):
            # A private school recruits across the district: it has no attendance zone.
            members = [
                s for s in schools
                if s.area_id == town_id and not s.is_teaching_point and s.ownership != "private"
                and any((s.pk, g) in taught for g in grades)
            ]  # fmt: skip
            if members:
                zone = Zone.objects.create(
                    area=town,
                    name=f"{town.name}{'小学' if stage == 'primary' else '初中'}施教区",
                    stage=stage,
                )
                zone.schools.set(members)
    villages = []
    for s in schools:
        if s.longitude is None or s.latitude is None or urban_town.get(s.area_id, False):
            continue
        if not (s.is_teaching_point or s.urban_rural_code == "220"):
            continue
        village = s.address.rsplit("村", 1)[0].split(s.area.name)[-1] or s.name
        villages.append(
            Village(
                area=s.area, name=f"{village}村"[:60],
                longitude=s.longitude + Decimal(str(round(rng.uniform(-0.008, 0.008), 6))),
                latitude=s.latitude + Decimal(str(round(rng.uniform(-0.008, 0.008), 6))),
                children_primary=rng.randint(20, 70), children_junior=rng.randint(10, 35), rural=True,
            )
        )  # fmt: skip
    villages = list({(v.area_id, v.name): v for v in villages}.values())  # one per village name
    urban = [
        s
        for s in schools
        if urban_town.get(s.area_id) and s.longitude is not None and not s.is_teaching_point
    ]
    if urban:
        anchor = urban[0]
        villages.append(
            Village(
                area=anchor.area, name="滨河新城安置社区",
                longitude=(anchor.longitude or 0) + Decimal("0.045"),
                latitude=(anchor.latitude or 0) + Decimal("0.03"),
                children_primary=420, children_junior=190, rural=False,
            )
        )  # fmt: skip
    Village.objects.bulk_create(villages)
    points = [s for s in schools if s.is_teaching_point and s.central_school is not None]
    central = points[0].central_school if points else None
    if central is not None:
        point = points[0]
        closure = Closure.objects.create(
            school=point, target=central,
            reason="教学点在校生不足50人，中心学校距离较近，可接收并提供寄宿",
        )  # fmt: skip
        ClosureStep.objects.create(
            closure=closure, kind=ClosureStepKind.CONSULTATION, done_on=ctx.today - dt.timedelta(days=20),
            note="召开家长会两次，征求意见128份，同意率86%",
        )  # fmt: skip
        closure.status = ClosureStatus.CONSULTING
        closure.save(update_fields=["status"])
    ctx.count("村（社区）", len(villages))


def reset_planning() -> None:
    ClosureStep.objects.all().delete()
    Closure.objects.all().delete()
    Village.objects.all().delete()
    Zone.objects.all().delete()
    PrivateSchoolYear.objects.all().delete()
    QuotaPlan.objects.all().delete()
    ProjectList.objects.all().delete()
    ProjectProgress.objects.all().delete()
    ForecastRun.objects.all().delete()
    Milestone.objects.all().delete()
    Project.objects.all().delete()
    SchoolCapacity.objects.all().delete()
    HousingDevelopment.objects.all().delete()
    TownYear.objects.all().delete()


def register() -> None:
    register_generator("planning", build_planning, order=520, reset=reset_planning)
