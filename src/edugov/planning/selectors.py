"""Reads of planning: the enrolment history from the registry's classes, the towns' figures, the
forecast with its back-test, places against demand by town and year, the layout list and the
project board. Everything is read through the actor's scope and returned as plain data."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, QuerySet, Sum

from edugov.accounts.models import User
from edugov.accounts.scope import scoped
from edugov.common.errors import DomainError
from edugov.registry.models import Area, School, SchoolClass
from edugov.standards.loader import Rule, library

from .distance import ring
from .errors import PlanningError as E
from .forecast import (
    METHOD,
    STAGE_GRADES,
    Forecast,
    SchoolHistory,
    TownInputs,
    backtest,
    forecast,
)
from .layout import SchoolPoint, VillagePoint, candidates, merge_whatif, radius
from .lists import ProjectFigures
from .models import (
    Closure,
    HousingDevelopment,
    PlanStage,
    PrivateSchoolYear,
    Project,
    ProjectList,
    ProjectProgress,
    ProjectStatus,
    QuotaPlan,
    SchoolCapacity,
    TownYear,
    Village,
    Zone,
)
from .quota import Junior, allocate, allocated_places

STAGE_LABELS = {str(k): str(v) for k, v in PlanStage.choices}
MAX_HORIZON = 10


@dataclass(frozen=True)
class Norms:
    class_size: dict[str, float]
    yield_per_100: dict[str, float]
    oversized_min: float
    small_school: float
    small_point: float
    falling_pct: float
    rules: tuple[Rule, ...]

    def citations(self) -> list[str]:
        return [f"{r.name}：{r.citation()}" for r in self.rules]


def norms() -> Norms:
    lib = library()
    size, yields, over = (
        lib.rule("class_size.standard"),
        lib.rule("planning.places_per_100_households"),
        lib.rule("class_size.oversized_min"),
    )
    small, point, falling = (
        lib.rule("planning.small_school_max"),
        lib.rule("planning.small_teaching_point_max"),
        lib.rule("planning.falling_enrolment"),
    )
    return Norms(
        class_size={s: float(size.values[s]) for s in STAGE_GRADES},
        yield_per_100={s: float(yields.values.get(s, 0.0)) for s in STAGE_GRADES},
        oversized_min=float(over.values["all"]),
        small_school=float(small.values["all"]),
        small_point=float(point.values["all"]),
        falling_pct=float(falling.values["all"]),
        rules=(size, yields, over, small, point, falling),
    )


# Inputs ------------------------------------------------------------------------------------------


@dataclass
class Inputs:
    histories: list[SchoolHistory]
    towns: dict[int, TownInputs]
    town_names: dict[int, str]
    schools: dict[int, dict[str, Any]]  # id -> name, town, teaching point, rural
    classes: dict[tuple[int, int, int], int]  # (school, year, grade) -> classes

    @property
    def years(self) -> list[int]:
        return sorted({y for h in self.histories for y in h.enrolment})


def inputs(*, actor: User) -> Inputs:
    rows = (
        scoped(SchoolClass, actor)
        .filter(archived_at__isnull=True, grade__gte=1, grade__lte=9, school__archived_at__isnull=True)
        .values("school_id", "school__area_id", "school_year__start_year", "grade")
        .annotate(pupils=Sum(F("boys") + F("girls")), classes=Count("id"))
        .order_by()
    )
    enrolment: dict[int, dict[int, dict[int, int]]] = defaultdict(lambda: defaultdict(dict))
    town_of: dict[int, int] = {}
    classes: dict[tuple[int, int, int], int] = {}
    for r in rows:
        school, year, grade = r["school_id"], r["school_year__start_year"], r["grade"]
        enrolment[school][year][grade] = int(r["pupils"] or 0)
        classes[(school, year, grade)] = int(r["classes"])
        town_of[school] = r["school__area_id"]
    histories = [
        SchoolHistory(s, town_of[s], {y: dict(g) for y, g in years.items()})
        for s, years in sorted(enrolment.items())
    ]
    schools: dict[int, dict[str, Any]] = {
        s["pk"]: dict(s)
        for s in School.objects.filter(pk__in=town_of).values(
            "pk", "name", "code", "area_id", "is_teaching_point", "urban_rural_code"
        )
    }
    town_ids = set(town_of.values())
    births: dict[int, dict[int, int]] = defaultdict(dict)
    migration: dict[int, dict[int, float]] = defaultdict(dict)
    for t in scoped(TownYear, actor).filter(area_id__in=town_ids):
        births[t.area_id][t.year] = t.births
        if t.population:
            migration[t.area_id][t.year] = t.net_migration / t.population
    housing: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for hd in scoped(HousingDevelopment, actor).filter(area_id__in=town_ids):
        housing[hd.area_id].append((hd.completion_year, hd.households))
    towns = {t: TownInputs(births[t], migration[t], housing[t]) for t in town_ids}
    names = dict(Area.objects.filter(pk__in=town_ids).values_list("pk", "name"))
    return Inputs(histories, towns, names, schools, classes)


# Places ------------------------------------------------------------------------------------------


def join_year(completion: dt.date) -> int:
    """The school year whose pupils a completed building serves: before September, that autumn's."""
    return completion.year if (completion.month, completion.day) <= (8, 31) else completion.year + 1


def school_places(*, actor: User, norms: Norms) -> dict[tuple[int, str], float]:
    return {
        (c.school_id, c.stage): c.classrooms * norms.class_size[c.stage]
        for c in scoped(SchoolCapacity, actor).filter(school__archived_at__isnull=True)
    }


def project_places(*, actor: User, extra: Mapping[str, Any] | None = None) -> list[tuple[int, str, int, int]]:
    """(school, stage, places, school year joining supply) of every project, plus a what-if project."""
    rows = [
        (p.school_id, p.stage, p.places_added, join_year(p.completed_on or p.planned_completion))
        for p in scoped(Project, actor)
    ]
    if extra:
        rows.append((int(extra["school_id"]), str(extra["stage"]), int(extra["places"]), int(extra["year"])))
    return rows


# Overview ----------------------------------------------------------------------------------------


@dataclass
class GapRow:
    town_id: int
    town: str
    stage: str
    stage_label: str
    cells: list[dict[str, Any]]  # per year: demand, places, gap, oversized classes, over-capacity schools
    first_short: int | None
    mape: float | None

    @property
    def short_label(self) -> str:
        return f"自{self.first_short}学年缺学位" if self.first_short else ""


@dataclass
class Overview:
    base_year: int | None
    years: list[int]
    rows: list[GapRow] = field(default_factory=list)
    charts: dict[str, Any] = field(default_factory=dict)
    backtest: list[dict[str, Any]] = field(default_factory=list)
    explain: list[dict[str, Any]] = field(default_factory=list)
    inputs_summary: dict[str, Any] = field(default_factory=dict)
    citations: list[str] = field(default_factory=list)
    method: str = METHOD
    whatif: dict[str, Any] | None = None


def planning_overview(
    *,
    actor: User,
    horizon: int = 5,
    migration: float | None = None,
    extra_project: Mapping[str, Any] | None = None,
    data: Inputs | None = None,
) -> Overview:
    """Demand (forecast) against places by town, stage and year, with the back-test beside it. A
    what-if: a migration rate for every town, and a project that is not (yet) registered."""
    n = norms()
    data = data or inputs(actor=actor)
    years = data.years
    if not years:
        return Overview(None, [], citations=n.citations())
    base = years[-1]
    horizon = max(1, min(MAX_HORIZON, horizon))
    override = dict.fromkeys(data.towns, migration) if migration is not None else None
    fc = forecast(
        data.histories, data.towns, base_year=base, horizon=horizon, yield_per_100=n.yield_per_100,
        migration_override=override,
    )  # fmt: skip
    cells = backtest(data.histories, data.towns, yield_per_100=n.yield_per_100)
    mape = {(c.stage, c.town_id): c.mape for c in cells}
    places = school_places(actor=actor, norms=n)
    projects = project_places(actor=actor, extra=extra_project)
    rows = _gap_rows(data, fc, places, projects, n, mape)
    overview = Overview(base, fc.years, rows)
    overview.charts = {f"town_{r.town_id}_{r.stage}": _chart(r) for r in rows}
    overview.backtest = [
        {
            "stage": STAGE_LABELS[c.stage],
            "town": data.town_names.get(c.town_id, "") if c.town_id else "全区",
            "n": c.n,
            "mape": round(c.mape, 1),
        }
        for c in cells
    ]
    overview.explain = [
        {
            "school": data.schools[s]["name"],
            "town": data.town_names.get(data.schools[s]["area_id"], ""),
            "entry_grade": e.entry_grade,
            "entry_ratio": round(e.entry_ratio, 3),
            "ratios": {g: round(r, 3) for g, r in e.ratios.items()},
            "migration": round(e.migration * 100, 2),
        }
        for s, e in sorted(fc.explain.items(), key=lambda kv: data.schools[kv[0]]["code"])
    ]
    overview.inputs_summary = {
        "recorded_years": years,
        "births": {data.town_names.get(t, ""): dict(sorted(v.items())) for t, v in fc.births_used.items()},
        "housing": {
            data.town_names.get(t, ""): [list(h) for h in town.housing]
            for t, town in data.towns.items()
            if town.housing
        },
        "yield_per_100": n.yield_per_100,
        "class_size": n.class_size,
    }
    overview.citations = n.citations()
    if extra_project or migration is not None:
        overview.whatif = {"project": dict(extra_project or {}), "migration": migration}
    return overview


def _gap_rows(
    data: Inputs,
    fc: Forecast,
    places: Mapping[tuple[int, str], float],
    projects: list[tuple[int, str, int, int]],
    n: Norms,
    mape: Mapping[tuple[str, int | None], float],
) -> list[GapRow]:
    town_of = {s: info["area_id"] for s, info in data.schools.items()}
    supply: dict[tuple[int, str], float] = defaultdict(float)
    school_supply: dict[tuple[int, str], float] = dict(places)
    for (school, stage), p in places.items():
        supply[(town_of.get(school, 0), stage)] += p
    rows = []
    for (town, stage), demand in sorted(
        fc.towns.items(), key=lambda kv: (data.town_names.get(kv[0][0], ""), kv[0][1])
    ):
        cells = []
        first_short = None
        for y in fc.years:
            added = sum(p for s, st, p, j in projects if st == stage and town_of.get(s) == town and j <= y)
            total = supply.get((town, stage), 0.0) + added
            oversized = over_capacity = 0
            for s, projected in fc.schools.items():
                if town_of.get(s) != town:
                    continue
                for g in STAGE_GRADES[stage]:
                    pupils = projected.get(y, {}).get(g)
                    classes = data.classes.get((s, fc.base_year, g), 0)
                    if pupils is not None and classes and pupils / classes >= n.oversized_min:
                        oversized += classes
                cap = school_supply.get((s, stage))
                if cap is not None:
                    cap += sum(p for ps, st, p, j in projects if ps == s and st == stage and j <= y)
                    if sum(projected.get(y, {}).get(g, 0.0) for g in STAGE_GRADES[stage]) > cap:
                        over_capacity += 1
            gap = round(total - demand[y])
            # a shortfall only where classrooms are recorded: without them the places are unknown
            if gap < 0 and first_short is None and (town, stage) in supply:
                first_short = y
            cells.append(
                {
                    "year": y,
                    "demand": round(demand[y]),
                    "housing": round(fc.housing.get((town, stage), {}).get(y, 0.0)),
                    "places": round(total),
                    "gap": gap,
                    "oversized_classes": oversized,
                    "over_capacity_schools": over_capacity,
                }
            )
        rows.append(
            GapRow(
                town,
                data.town_names.get(town, ""),
                stage,
                STAGE_LABELS[stage],
                cells,
                first_short,
                mape.get((stage, town)),
            )
        )
    return rows


def _chart(row: GapRow) -> dict[str, Any]:
    return {
        "key": f"town_{row.town_id}_{row.stage}",
        "kind": "line",
        "unit": "人",
        "categories": [f"{c['year']}学年" for c in row.cells],
        "series": [
            {"name": "预测在校生", "data": [c["demand"] for c in row.cells]},
            {"name": "学位", "data": [c["places"] for c in row.cells]},
        ],
    }


# Layout ------------------------------------------------------------------------------------------


def layout_list(*, actor: User, data: Inputs | None = None) -> list[dict[str, Any]]:
    """Schools showing hollowing, each with its reasons: enrolment falling by the norm's share or
    more over the recorded years, a small school, a small teaching point."""
    n = norms()
    data = data or inputs(actor=actor)
    out = []
    for h in data.histories:
        info = data.schools[h.school_id]
        totals = {y: sum(g.values()) for y, g in sorted(h.enrolment.items())}
        first_year, last_year = min(totals), max(totals)
        first, last = totals[first_year], totals[last_year]
        reasons = []
        if first_year < last_year and first > 0 and (first - last) / first * 100 >= n.falling_pct:
            reasons.append(
                f"在校生{first_year}学年{first}人，{last_year}学年{last}人，减少{(first - last) / first:.0%}"
            )
        if info["is_teaching_point"] and last < n.small_point:
            reasons.append(f"教学点在校生{last}人，少于{n.small_point:g}人")
        elif not info["is_teaching_point"] and last < n.small_school:
            reasons.append(f"在校生{last}人，少于{n.small_school:g}人（小规模学校）")
        if reasons:
            out.append(
                {
                    "school_id": h.school_id,
                    "school": info["name"],
                    "town": data.town_names.get(h.town_id, ""),
                    "teaching_point": info["is_teaching_point"],
                    "rural": str(info["urban_rural_code"]).startswith("2"),
                    "pupils": last,
                    "trend": list(totals.values()),
                    "reasons": reasons,
                }
            )
    return sorted(out, key=lambda r: (r["town"], r["pupils"]))


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


# Senior-high quota allocation --------------------------------------------------------------------


def quota_plans(*, actor: User) -> QuerySet[QuotaPlan]:
    return scoped(QuotaPlan, actor).select_related("school", "area")


def juniors(*, actor: User, district: Area) -> list[Junior]:
    """Junior schools of the district in the actor's scope with their graduating cohort: grade 9
    pupils in the current school year (the year the quota is for)."""
    rows = (
        scoped(SchoolClass, actor)
        .filter(
            school__area__path__startswith=district.path,
            school__archived_at__isnull=True,
            school_year__is_current=True,
            grade=9,
        )
        .values("school_id", "school__code", "school__name", "school__area__name", "school__urban_rural_code")
        .annotate(pupils=Sum(F("boys") + F("girls")))
        .order_by("school__code")
    )
    return [
        Junior(
            school_id=r["school_id"],
            code=r["school__code"],
            name=r["school__name"],
            town=r["school__area__name"],
            rural=str(r["school__urban_rural_code"]).startswith("2"),
            cohort=int(r["pupils"] or 0),
        )
        for r in rows
    ]


@dataclass(frozen=True)
class QuotaTable:
    plans: list[QuotaPlan]
    schools: list[Junior]
    allocated: dict[int, int]  # plan id -> places allocated to junior schools
    cells: dict[tuple[int, int], int]  # (plan id, junior school id) -> places
    totals: dict[int, int]  # junior school id -> places over all plans


def quota_table(*, actor: User, year: int | None = None) -> QuotaTable:
    """The allocation table of a year (the latest year with plans when not given)."""
    plans_qs = quota_plans(actor=actor)
    if year is None:
        year = plans_qs.order_by("-year").values_list("year", flat=True).first()
    plans = list(plans_qs.filter(year=year).order_by("school__code")) if year else []
    if not plans:
        return QuotaTable([], [], {}, {}, {})
    schools = juniors(actor=actor, district=plans[0].area)
    allocated, cells, totals = {}, {}, {j.school_id: 0 for j in schools}
    for plan in plans:
        total = allocated_places(plan.places, plan.share_pct)
        allocated[plan.pk] = total
        for school_id, n in allocate(total, schools, plan.rural_weight).items():
            cells[(plan.pk, school_id)] = n
            totals[school_id] += n
    return QuotaTable(plans, schools, allocated, cells, totals)


# Private schools ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PrivateRow:
    row: PrivateSchoolYear
    compulsory: bool
    over_plan: bool
    over_scale: bool
    related_party: bool

    @property
    def problems(self) -> list[str]:
        r, out = self.row, []
        if self.over_plan:
            out.append(f"实际招生{r.actual_enrolment}人，超出招生计划{r.plan_enrolment}人")
        if self.over_scale:
            out.append(f"在校生{r.pupils}人，超出核定规模{r.approved_scale}人")
        if self.related_party:
            out.append(f"向举办者及关联方支付{r.related_party_payments}万元（关联交易，需审查）")
        return out


@dataclass(frozen=True)
class PrivateOverview:
    year: int | None
    rows: list[PrivateRow]
    private_compulsory: int
    all_compulsory: int
    share_pct: float | None
    cap_pct: float
    cap_source: str

    @property
    def over_cap(self) -> bool:
        return self.share_pct is not None and self.share_pct > self.cap_pct


COMPULSORY_TYPES = frozenset({"primary", "junior", "nine_year"})


def private_overview(*, actor: User, year: int | None = None) -> PrivateOverview:
    """Private schools' year (the latest recorded when not given) and the share of compulsory pupils
    in private schools (their recorded pupils over all grade 1-9 pupils in the current classes)."""
    from .rules import load

    rules = load()["private"]
    qs = scoped(PrivateSchoolYear, actor).select_related("school", "school__area")
    if year is None:
        year = qs.order_by("-year").values_list("year", flat=True).first()
    rows = []
    for r in qs.filter(year=year).order_by("school__code") if year else []:
        rows.append(
            PrivateRow(
                row=r,
                compulsory=r.school.school_type in COMPULSORY_TYPES,
                over_plan=r.actual_enrolment > r.plan_enrolment,
                over_scale=r.pupils > r.approved_scale,
                related_party=r.related_party_payments > 0,
            )
        )
    private_pupils = sum(r.row.pupils for r in rows if r.compulsory)
    public = (
        scoped(SchoolClass, actor)
        .filter(school_year__is_current=True, grade__gte=1, grade__lte=9, school__archived_at__isnull=True)
        .exclude(school__ownership="private")
        .aggregate(n=Sum(F("boys") + F("girls")))["n"]
        or 0
    )
    whole = private_pupils + int(public)
    return PrivateOverview(
        year=year,
        rows=rows,
        private_compulsory=private_pupils,
        all_compulsory=whole,
        share_pct=round(private_pupils / whole * 100, 2) if whole else None,
        cap_pct=float(rules["compulsory_cap_pct"]),
        cap_source=str(rules["cap_source"]),
    )


# Zones, villages, layout proposals, the merge what-if and the map ----------------------------------


def layout_points(*, actor: User) -> tuple[list[SchoolPoint], list[VillagePoint]]:
    """Schools with coordinates, once per stage they teach in the current school year (pupils and
    classes by grade, places = classrooms × standard class size), and the recorded villages."""
    n = norms()
    rows = (
        scoped(SchoolClass, actor)
        .filter(
            archived_at__isnull=True,
            school_year__is_current=True,
            grade__gte=1,
            grade__lte=9,
            school__archived_at__isnull=True,
            school__longitude__isnull=False,
            school__latitude__isnull=False,
        )
        .values("school_id", "grade")
        .annotate(pupils=Sum(F("boys") + F("girls")), classes=Count("id"))
        .order_by()
    )
    grades: dict[tuple[int, str], dict[int, int]] = defaultdict(dict)
    classes: dict[tuple[int, str], dict[int, int]] = defaultdict(dict)
    for r in rows:
        stage = "primary" if r["grade"] <= 6 else "junior"
        grades[(r["school_id"], stage)][r["grade"]] = int(r["pupils"] or 0)
        classes[(r["school_id"], stage)][r["grade"]] = int(r["classes"])
    info = {s.pk: s for s in School.objects.filter(pk__in={k[0] for k in grades}).select_related("area")}
    places = school_places(actor=actor, norms=n)
    schools = [
        SchoolPoint(
            school_id=sid,
            name=info[sid].name,
            town=info[sid].area.name,
            stage=stage,
            lon=float(info[sid].longitude or 0),
            lat=float(info[sid].latitude or 0),
            rural=str(info[sid].urban_rural_code).startswith("2"),
            teaching_point=info[sid].is_teaching_point,
            pupils=sum(g.values()),
            grades=g,
            classes=classes[(sid, stage)],
            places=int(places.get((sid, stage), 0)),
        )
        for (sid, stage), g in sorted(grades.items())
    ]
    villages = [
        VillagePoint(
            village_id=v.pk,
            name=v.name,
            town=v.area.name,
            lon=float(v.longitude),
            lat=float(v.latitude),
            rural=v.rural,
            children={"primary": v.children_primary, "junior": v.children_junior},
        )
        for v in scoped(Village, actor).select_related("area").order_by("area__code", "name")
    ]
    return schools, villages


def layout_rules() -> dict[str, Any]:
    from .rules import load

    return dict(load()["layout"])


def layout_proposals(*, actor: User) -> list[dict[str, Any]]:
    n = norms()
    schools, villages = layout_points(actor=actor)
    return candidates(
        schools, villages, layout_rules(), small_school=n.small_school, small_point=n.small_point
    )


def merge_preview(*, actor: User, closing_id: int, target_id: int) -> dict[str, Any]:
    """The what-if of merging one school into another (same stage, both in the actor's scope)."""
    n = norms()
    schools, villages = layout_points(actor=actor)
    for stage in ("primary", "junior"):
        closing = next((s for s in schools if s.school_id == closing_id and s.stage == stage), None)
        target = next((s for s in schools if s.school_id == target_id and s.stage == stage), None)
        if closing is not None and target is not None:
            return merge_whatif(
                closing,
                target,
                schools,
                villages,
                layout_rules(),
                class_size=n.class_size[stage],
                oversized_min=n.oversized_min,
            ) | {"stage": stage, "stage_label": STAGE_LABELS[stage]}
    raise DomainError(E.MERGE_STAGE)


def zones(*, actor: User) -> QuerySet[Zone]:
    return scoped(Zone, actor).select_related("area").prefetch_related("schools")


def closures(*, actor: User) -> QuerySet[Closure]:
    return scoped(Closure, actor).select_related("school", "target").prefetch_related("steps")


def map_data(*, actor: User) -> dict[str, Any]:
    """The layout map's series on plain longitude/latitude axes (no tiles, no boundary downloads):
    schools sized by pupils and coloured by their places gap, villages, projects, radius rings."""
    rules = layout_rules()
    schools, villages = layout_points(actor=actor)
    by_school: dict[int, dict[str, Any]] = {}
    for s in schools:
        entry = by_school.setdefault(
            s.school_id,
            {"name": s.name, "lon": s.lon, "lat": s.lat, "pupils": 0, "places": 0, "point": s.teaching_point},
        )
        entry["pupils"] += s.pupils
        entry["places"] += s.places
    out_schools = [
        {
            "name": e["name"],
            "value": [round(e["lon"], 6), round(e["lat"], 6), e["pupils"]],
            "gap": (e["places"] - e["pupils"]) if e["places"] else None,
            "point": e["point"],
        }
        for e in by_school.values()
    ]
    rings = [
        {
            "name": f"{s.name}（{STAGE_LABELS[s.stage]}{radius(rules, s.stage, s.rural):g}公里）",
            "coords": ring(s.lon, s.lat, radius(rules, s.stage, s.rural)),
        }
        for s in schools
        if not s.teaching_point
    ]
    located = {s.school_id: (s.lon, s.lat) for s in schools}
    projects = [
        {
            "name": p.name,
            "value": [round(located[p.school_id][0], 6), round(located[p.school_id][1], 6), p.places_added],
            "status": p.get_status_display(),
        }
        for p in scoped(Project, actor)
        if p.school_id in located
    ]
    return {
        "schools": out_schools,
        "villages": [
            {"name": v.name, "value": [v.lon, v.lat, v.children["primary"] + v.children["junior"]]}
            for v in villages
        ],
        "projects": projects,
        "rings": rings,
    }
