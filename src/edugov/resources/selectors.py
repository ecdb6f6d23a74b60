"""Reads behind the 优质均衡 pages, exports and CLI: who may see what, which district and school
year a request means, and the page data (tables and ECharts payloads as plain data).

Everything is computed by evaluate_balanced (through the scoping point when a user is given)."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Any

from edugov.accounts.policy import can, ensure_can, role_may
from edugov.accounts.scope import scoped
from edugov.common.errors import DomainError, ErrorCode, PermissionDenied
from edugov.indicators.backends import Workspace
from edugov.indicators.engine import weighted_cv
from edugov.registry.models import Area, AreaLevel, School, SchoolType, SchoolYear, Stage
from edugov.registry.selectors import current_school_year
from edugov.standards.loader import library

from .evaluation import (
    ADJUSTABLE,
    Adjustment,
    BalancedEvaluation,
    SchoolResult,
    default_engine,
    evaluate_balanced,
    gap_list,
)
from .indicators import (
    ALL_PRESCHOOL_INDICATORS,
    BALANCED_INDICATORS,
    BALANCED_STAGES,
    WORKSPACE_TABLES,
    balanced_units,
)
from .preschool import KindergartenResult, PreschoolEvaluation, evaluate_preschool, preschool_trend

MAX_WHATIF_LINES = 8
MAX_WHATIF_AMOUNT = Decimal(10**9)


class ResourcesError(ErrorCode):
    CARD_DENIED = "学校管理员只能查看本校的评估卡片"
    NO_DISTRICT = "您的账号没有关联区县，无法进行区县评估"
    NO_YEAR = "系统中还没有学年数据"
    BAD_YEAR = "学年参数不正确：{value}（应为起始年份，如 2025）"
    UNKNOWN_YEAR = "{value}学年在系统中不存在"
    BAD_SCHOOL = "学校参数不正确"
    SCHOOL_NOT_EVALUATED = (
        "该学校不在本学年的优质均衡评估范围内（仅计义务教育学校，不含特教、职校及不足50人的教学点）"
    )
    WHATIF_LINE = "第{line}行：{reason}"
    WHATIF_EMPTY = "请至少填写一行调整：选择学校、学段、项目并填写数量"
    BAD_FORMAT = "不支持的导出格式“{fmt}”，可选 xlsx 或 pdf"
    KG_CARD_DENIED = "幼儿园管理员只能查看本园的评估卡片"
    NOT_KINDERGARTEN = "该学校不是幼儿园，不在普及普惠评估范围内"


def _indicator_value(i: int, school: SchoolResult) -> float:
    return school.indicators[i].value or 0


def ensure_allowed(user: Any, action: str, obj: Any = None) -> None:
    """The resources policy's answer for `user` (None: the command line, which may do all)."""
    if user is not None:
        ensure_can(user, action, obj)


def _ensure_card(user: Any, school: School | None, *, action: str, own: str, denied: ResourcesError) -> None:
    """A card: the bureau's roles for any school they read, a school's administrator for its own."""
    if user is None:
        return
    if school is not None and (can(user, action, school) or can(user, own, school)):
        return
    if not (role_may(user, action) or role_may(user, own)):
        ensure_can(user, action)  # the policy's refusal for the role
    raise PermissionDenied(denied)


def district_for(user: Any) -> Area:
    """The district (区县) a user works in: the third level of their area's (or school's) path."""
    path = ""
    if user is not None and getattr(user, "area_id", None):
        path = user.area.path
    elif user is not None and getattr(user, "school_id", None):
        path = user.school.area.path
    codes = [c for c in path.strip("/").split("/") if c]
    if len(codes) >= AreaLevel.DISTRICT:
        found = Area.objects.filter(code=codes[AreaLevel.DISTRICT - 1]).first()
        if found is not None:
            return found
    if user is None or user.is_superuser or (codes and len(codes) < AreaLevel.DISTRICT):
        under = Area.objects.filter(level=AreaLevel.DISTRICT, path__startswith=path).order_by("code").first()
        if under is not None:
            return under
    raise DomainError(ResourcesError.NO_DISTRICT)


def district_by_code(code: str | None, user: Any) -> Area:
    if not code:
        return district_for(user)
    area = Area.objects.filter(code=str(code)[:12]).first()
    if area is None:
        raise DomainError(ResourcesError.NO_DISTRICT)
    return area


def school_year_for(value: Any) -> SchoolYear:
    """`value`: a start year ("2025", "2025-2026") or empty for the current school year."""
    if value in (None, ""):
        year = current_school_year()
        if year is None:
            raise DomainError(ResourcesError.NO_YEAR)
        return year
    text = str(value)[:12].split("-")[0].strip()
    if not text.isdigit():
        raise DomainError(ResourcesError.BAD_YEAR, value=str(value)[:12])
    year = SchoolYear.objects.filter(start_year=int(text)).first()
    if year is None:
        raise DomainError(ResourcesError.UNKNOWN_YEAR, value=text)
    return year


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
    ws = Workspace(engine or default_engine(), WORKSPACE_TABLES)
    out: dict[tuple[int, str, str], float | None] = {}
    for y in years:
        min_points = int(
            lib.value("balanced.teaching_point_min_students", area_path=area.path, year=y.start_year).value
        )
        units = balanced_units(ws, school_year_id=y.pk, area_path=area.path, min_point_students=min_points)
        for r in ws.execute(weighted_cv(units, BALANCED_INDICATORS, ["stage"])).to_dict("records"):
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


# ---- school card --------------------------------------------------------------------------------


@dataclass
class SchoolCard:
    school: School
    evaluation: BalancedEvaluation
    results: list[SchoolResult]
    guarantee_failures: list[tuple[str, str, str]]  # (item, detail, standard citation)
    findings: list[str]
    citations: dict[str, str]


def school_card(*, user: Any, school_id: Any, school_year: SchoolYear) -> SchoolCard:
    try:
        pk = int(str(school_id)[:12])
    except (TypeError, ValueError):
        raise DomainError(ResourcesError.BAD_SCHOOL) from None
    rows = scoped(School, user) if user is not None else School.objects.all()
    school = rows.filter(pk=pk).select_related("area").first()
    _ensure_card(
        user,
        school,
        action="resources.school_card",
        own="resources.own_school_card",
        denied=ResourcesError.CARD_DENIED,
    )
    if school is None:
        raise DomainError(ResourcesError.BAD_SCHOOL)
    area = district_for(None) if user is None else district_for(user)
    if not school.area.path.startswith(area.path):
        area = Area.objects.get(code=school.area.path.strip("/").split("/")[AreaLevel.DISTRICT - 1])
    evaluation = evaluate_balanced(school_year=school_year, area=area, user=user)
    results = [s for s in evaluation.schools if s.school_id == school.pk]
    if not results:
        raise DomainError(ResourcesError.SCHOOL_NOT_EVALUATED)
    failures = [
        (g.name, f.detail, g.rule.citation())
        for g in evaluation.guarantee
        for f in g.failures
        if f.school_id == school.pk
    ]
    findings = [f"{f.stage}：{f.reason}" for f in evaluation.findings if f.school_id == school.pk]
    citations = {r.code: r.citation() for r in evaluation.rules}
    return SchoolCard(school, evaluation, results, failures, findings, citations)


# ---- what-if ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WhatIfLine:
    school_id: str
    stage: str
    column: str
    amount: str


def parse_whatif(lines: list[WhatIfLine], evaluation: BalancedEvaluation) -> list[Adjustment]:
    """Form lines to adjustments; a wrong line raises a Chinese message naming it."""
    units = {(str(s.school_id), s.stage) for s in evaluation.schools}
    out = []
    for n, line in enumerate(lines[:MAX_WHATIF_LINES], start=1):
        if not (line.school_id or line.amount):
            continue
        if (line.school_id, line.stage) not in units:
            raise DomainError(ResourcesError.WHATIF_LINE, line=n, reason="请选择参评学校及其学段")
        if line.column not in ADJUSTABLE:
            raise DomainError(ResourcesError.WHATIF_LINE, line=n, reason="请选择调整项目")
        try:
            amount = Decimal(line.amount.replace(",", "")[:20])
        except InvalidOperation:
            raise DomainError(ResourcesError.WHATIF_LINE, line=n, reason="数量应为数字") from None
        if not amount.is_finite() or amount == 0 or abs(amount) > MAX_WHATIF_AMOUNT:
            raise DomainError(
                ResourcesError.WHATIF_LINE, line=n, reason="数量应为非零数字，且绝对值不超过10亿"
            )
        out.append(Adjustment(int(line.school_id), line.stage, line.column, float(amount)))
    if not out:
        raise DomainError(ResourcesError.WHATIF_EMPTY)
    return out


@dataclass
class WhatIfResult:
    before: BalancedEvaluation
    after: BalancedEvaluation
    schools: list[tuple[SchoolResult, SchoolResult]]
    cvs: list[tuple[CVRow, CVRow]]
    stages: list[tuple[StageSummary, StageSummary]]


def what_if(*, user: Any, school_year: SchoolYear, area: Area, adjustments: list[Adjustment]) -> WhatIfResult:
    """The evaluation with planned additions next to the current one. Nothing is written."""
    ensure_allowed(user, "resources.whatif")
    before = evaluate_balanced(school_year=school_year, area=area, user=user)
    after = evaluate_balanced(school_year=school_year, area=area, user=user, adjustments=adjustments)
    touched = {(a.school_id, a.stage) for a in adjustments}
    after_by = {(s.school_id, s.stage): s for s in after.schools}
    schools = [
        (s, after_by[(s.school_id, s.stage)]) for s in before.schools if (s.school_id, s.stage) in touched
    ]
    cvs = list(zip(cv_rows(before), cv_rows(after), strict=True))
    stages = list(zip(stage_summaries(before), stage_summaries(after), strict=True))
    return WhatIfResult(before, after, schools, cvs, stages)


def gap_page(evaluation: BalancedEvaluation) -> dict[str, Any]:
    lines, totals, grand = gap_list(evaluation)
    lib = library()
    costs = [
        lib.rule(code, area_path=evaluation.area.path, year=evaluation.school_year.start_year)
        for code in (
            "cost.teacher_per_year",
            "cost.building_per_m2",
            "cost.sports_ground_per_m2",
            "cost.multimedia_classroom",
        )
    ]
    return {"lines": lines, "totals": totals, "grand": grand, "cost_rules": costs}


# ---- 普及普惠 -------------------------------------------------------------------------------------


@dataclass
class PreschoolPage:
    evaluation: PreschoolEvaluation
    charts: list[ChartPayload] = field(default_factory=list)
    town: str = ""
    town_kindergartens: list[KindergartenResult] = field(default_factory=list)

    def chart_payloads(self) -> dict[str, dict[str, Any]]:
        return {c.key: asdict(c) for c in self.charts}


def _shown(value: float | None, unit: str) -> float | None:
    """A value as charted: percentages in per cent."""
    if value is None:
        return None
    return round(value * 100, 2) if unit == "%" else round(value, 2)


def preschool_page(*, user: Any, school_year: SchoolYear, area: Area, town: str = "") -> PreschoolPage:
    ensure_allowed(user, "resources.preschool_view")
    ev = evaluate_preschool(school_year=school_year, area=area, user=user)
    page = PreschoolPage(evaluation=ev)
    for i, ind in enumerate(ALL_PRESCHOOL_INDICATORS):
        std = ev.district[i].standard
        towns = [t for t in ev.towns if t.results[i].value is not None]
        page.charts.append(
            ChartPayload(
                key=f"town_{ind.code[-2:]}",
                title=f"{ind.name}（各乡镇）",
                kind="distribution",
                unit=ind.unit,
                categories=[t.name for t in towns],
                series=[
                    {
                        "name": ind.name,
                        "data": [_shown(t.results[i].value, ind.unit) for t in towns],
                        "met": [bool(t.results[i].met) for t in towns],
                    }
                ],
                line=_shown(std, ind.unit),
                line_label=f"标准 {ev.district[i].standard_display}",
            )
        )
    years = list(SchoolYear.objects.filter(start_year__lte=school_year.start_year).order_by("start_year"))
    trend = preschool_trend(area=area, years=years)
    for i, ind in enumerate(ALL_PRESCHOOL_INDICATORS):
        page.charts.append(
            ChartPayload(
                key=f"trend_{ind.code[-2:]}",
                title=f"{ind.name}逐年变化",
                kind="trend",
                unit=ind.unit,
                categories=[str(y) for y in years],
                series=[
                    {
                        "name": ind.name,
                        "data": [_shown(trend.get((y.start_year, ind.code)), ind.unit) for y in years],
                    }
                ],
                line=_shown(ev.district[i].standard, ind.unit),
                line_label=f"标准 {ev.district[i].standard_display}",
            )
        )
    if town:
        page.town = town[:64]
        page.town_kindergartens = [k for k in ev.kindergartens if k.town_name == page.town]
    return page


@dataclass
class KindergartenCard:
    school: School
    evaluation: PreschoolEvaluation
    kindergarten: KindergartenResult
    findings: list[str]


def kindergarten_card(*, user: Any, school_id: Any, school_year: SchoolYear) -> KindergartenCard:
    """One kindergarten's flags, class sizes and teachers: its own administrator, or district roles."""
    try:
        pk = int(str(school_id)[:12])
    except (TypeError, ValueError):
        raise DomainError(ResourcesError.BAD_SCHOOL) from None
    rows = scoped(School, user) if user is not None else School.objects.all()
    school = rows.filter(pk=pk).select_related("area").first()
    _ensure_card(
        user,
        school,
        action="resources.kindergarten_card",
        own="resources.own_kindergarten_card",
        denied=ResourcesError.KG_CARD_DENIED,
    )
    if school is None:
        raise DomainError(ResourcesError.BAD_SCHOOL)
    if school.school_type != SchoolType.KINDERGARTEN:
        raise DomainError(ResourcesError.NOT_KINDERGARTEN)
    area = Area.objects.get(code=school.area.path.strip("/").split("/")[AreaLevel.DISTRICT - 1])
    ev = evaluate_preschool(school_year=school_year, area=area, user=user)
    mine = next((k for k in ev.kindergartens if k.school_id == school.pk), None)
    if mine is None:
        raise DomainError(ResourcesError.NOT_KINDERGARTEN)
    findings = [f.reason for f in ev.findings if f.school_code == school.code]
    return KindergartenCard(school, ev, mine, findings)
