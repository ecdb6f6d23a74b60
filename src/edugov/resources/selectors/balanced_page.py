"""The 优质均衡 page: the difference-coefficient table, stage summaries and the ECharts payloads."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from functools import partial
from typing import Any

from edugov.registry.models import Area, SchoolYear, Stage
from edugov.standards.loader import library

from ..evaluation import (
    BalancedEvaluation,
    SchoolResult,
    balanced_arguments,
    balanced_rows,
    default_engine,
    evaluate_balanced,
)
from ..indicators import BALANCED_INDICATORS, BALANCED_STAGES
from .common import ensure_allowed


def _indicator_value(i: int, school: SchoolResult) -> float:
    return school.indicators[i].value or 0


# ---- chart payloads ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ChartPayload:
    """Plain data for resources/balanced.js: `kind` is "distribution" (bars with a standard line),
    "cv" (bars with a threshold line) or "trend" (lines across school years)."""

    key: str
    title: str
    kind: str
    unit: str
    categories: list[str]
    series: list[dict[str, Any]]
    line: float | None = None
    line_label: str = ""


@dataclass(frozen=True)
class CVRow:
    stage: str
    stage_label: str
    code: str
    name: str
    cv: float | None
    threshold: float
    met: bool | None
    mean: float | None
    schools: int
    standard: float
    citation: str
    status: str
    threshold_citation: str


@dataclass(frozen=True)
class StageSummary:
    stage: str
    label: str
    passed: int
    assessed: int
    not_assessable: int
    cvs_met: int
    cvs_total: int


@dataclass
class BalancedPage:
    evaluation: BalancedEvaluation
    years: list[SchoolYear]
    stages: list[StageSummary]
    cvs: list[CVRow]
    charts: list[ChartPayload] = field(default_factory=list)
    towns: list[dict[str, Any]] = field(default_factory=list)
    town_schools: list[SchoolResult] = field(default_factory=list)
    town: str = ""

    def chart_payloads(self) -> dict[str, dict[str, Any]]:
        return {c.key: asdict(c) for c in self.charts}


def _num(v: float | None, digits: int = 4) -> float | None:
    return None if v is None or (isinstance(v, float) and math.isnan(v)) else round(v, digits)


def cv_rows(evaluation: BalancedEvaluation) -> list[CVRow]:
    lib = library()
    path, year = evaluation.area.path, evaluation.school_year.start_year
    rows = []
    for c in evaluation.cvs:
        std = lib.value(c.code, stage=c.stage, area_path=path, year=year)
        threshold = lib.value("balanced.cv_max", stage=c.stage, area_path=path, year=year)
        rows.append(
            CVRow(
                c.stage,
                Stage(c.stage).label,
                c.code,
                c.name,
                c.cv,
                c.threshold,
                c.met,
                c.mean,
                c.schools,
                std.value,
                std.rule.citation(),
                std.rule.status_label,
                threshold.rule.citation(),
            )
        )
    order = {s: i for i, s in enumerate(BALANCED_STAGES)}
    return sorted(rows, key=lambda r: (order.get(r.stage, 9), r.code))


def stage_summaries(evaluation: BalancedEvaluation) -> list[StageSummary]:
    out = []
    for stage in BALANCED_STAGES:
        rows = [s for s in evaluation.schools if s.stage == stage]
        if not rows:
            continue
        passed, assessed = evaluation.passed_count(stage)
        cvs = [c for c in evaluation.cvs if c.stage == stage]
        out.append(
            StageSummary(
                stage,
                Stage(stage).label,
                passed,
                assessed,
                len(rows) - assessed,
                sum(1 for c in cvs if c.met),
                len(cvs),
            )
        )
    return out


def balanced_cv_trend(
    *, area: Area, years: list[SchoolYear], engine: str | None = None
) -> dict[tuple[int, str, str], float | None]:
    """(start year, stage, indicator) -> CV, for the trend chart: only the CVs, per school year."""
    lib = library()
    out: dict[tuple[int, str, str], float | None] = {}
    for y in years:
        # The same rows the evaluation of that year reads (cached until the next committed write).
        rows = balanced_rows(
            engine=engine or default_engine(),
            school_year_id=y.pk,
            area_path=area.path,
            **balanced_arguments(lib, area_path=area.path, year=y.start_year),
        )
        for r in rows.cvs:
            out[(y.start_year, r["stage"], r["indicator"])] = _num(r["cv"])
    return out


def balanced_page(*, user: Any, school_year: SchoolYear, area: Area, town: str = "") -> BalancedPage:
    ensure_allowed(user, "resources.view")
    evaluation = evaluate_balanced(school_year=school_year, area=area, user=user)
    years = list(SchoolYear.objects.filter(start_year__lte=school_year.start_year).order_by("start_year"))
    page = BalancedPage(
        evaluation=evaluation,
        years=list(SchoolYear.objects.order_by("start_year")),
        stages=stage_summaries(evaluation),
        cvs=cv_rows(evaluation),
    )
    for stage in (s.stage for s in page.stages):
        label = Stage(stage).label
        cvs = [r for r in page.cvs if r.stage == stage]
        threshold = cvs[0].threshold if cvs else None
        page.charts.append(
            ChartPayload(
                key=f"cv_{stage}",
                title=f"{label}各指标校际差异系数",
                kind="cv",
                unit="",
                categories=[r.name for r in cvs],
                series=[{"name": "差异系数", "data": [_num(r.cv) for r in cvs]}],
                line=threshold,
                line_label=f"上限 {threshold}",
            )
        )
        for i, ind in enumerate(BALANCED_INDICATORS):
            rows = sorted(
                (s for s in evaluation.schools if s.stage == stage and s.indicators[i].value is not None),
                key=partial(_indicator_value, i),
            )
            std = rows[0].indicators[i].standard if rows else None
            page.charts.append(
                ChartPayload(
                    key=f"dist_{stage}_{ind.code[-2:]}",
                    title=f"{label} {ind.name}",
                    kind="distribution",
                    unit=ind.unit,
                    categories=[s.school_name for s in rows],
                    series=[
                        {
                            "name": ind.name,
                            "data": [_num(s.indicators[i].value, 2) for s in rows],
                            "met": [bool(s.indicators[i].met) for s in rows],
                        }
                    ],
                    line=std,
                    line_label=f"标准 {std}",
                )
            )
    trend = balanced_cv_trend(area=area, years=years)
    for stage in (s.stage for s in page.stages):
        label = Stage(stage).label
        thresholds = [r.threshold for r in page.cvs if r.stage == stage]
        page.charts.append(
            ChartPayload(
                key=f"trend_{stage}",
                title=f"{label}差异系数逐年变化",
                kind="trend",
                unit="",
                categories=[str(y) for y in years],
                series=[
                    {
                        "name": ind.name,
                        "data": [trend.get((y.start_year, stage, ind.code)) for y in years],
                    }
                    for ind in BALANCED_INDICATORS
                ],
                line=thresholds[0] if thresholds else None,
                line_label="上限",
            )
        )
    for t in evaluation.towns:
        schools = [s for s in evaluation.schools if s.town_name == t.area_name and s.stage == t.stage]
        page.towns.append(
            {
                "name": t.area_name,
                "stage": Stage(t.stage).label,
                "students": t.students,
                "values": [t.values.get(ind.code) for ind in BALANCED_INDICATORS],
                "schools": len(schools),
                "passed": sum(1 for s in schools if s.passed),
            }
        )
    if town:
        page.town = town[:64]
        page.town_schools = [s for s in evaluation.schools if s.town_name == page.town]
    return page
