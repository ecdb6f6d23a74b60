"""The 普及普惠 page and one kindergarten's card."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from edugov.accounts.scope import scoped
from edugov.common.errors import DomainError
from edugov.registry.models import Area, AreaLevel, School, SchoolType, SchoolYear

from ..indicators import ALL_PRESCHOOL_INDICATORS
from ..preschool import KindergartenResult, PreschoolEvaluation, evaluate_preschool, preschool_trend
from .balanced_page import ChartPayload
from .common import ResourcesError, _ensure_card, ensure_allowed

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
