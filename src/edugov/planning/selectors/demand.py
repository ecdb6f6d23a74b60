"""Reads of planning: the norms from the standards library, the inputs and places per year."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Sum

from edugov.accounts.models import User
from edugov.accounts.scope import scoped
from edugov.registry.models import Area, School, SchoolClass
from edugov.standards.loader import Rule, library

from ..forecast import (
    STAGE_GRADES,
    SchoolHistory,
    TownInputs,
)
from ..models import (
    HousingDevelopment,
    PlanStage,
    Project,
    SchoolCapacity,
    TownYear,
)

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
