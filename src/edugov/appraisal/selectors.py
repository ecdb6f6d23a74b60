"""Reads of school appraisal: the scheme of a district and year (district data, shown to everyone
working in it), a school's scorecard with its evidence trail, the district's totals as bands and a
distribution (schools only, never pupils), the burden on schools (items entered by hand vs filled
from data), teaching-routine inspections and satisfaction counts."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from edugov.accounts.models import User
from edugov.accounts.scope import scoped
from edugov.registry.models import Area, AreaLevel, School, SchoolYear

from .models import (
    Entry,
    Indicator,
    ResultLine,
    RoutineChecklist,
    RoutineInspection,
    SatisfactionSurvey,
    Scheme,
    SchoolResult,
)

# Bands of a school's total (local practice: the scheme's verdicts; data-free, shown as counts).
BANDS = (
    (Decimal(90), "excellent", "优秀"),
    (Decimal(80), "good", "良好"),
    (Decimal(60), "pass", "合格"),
    (Decimal(0), "improve", "待改进"),
)


def band_of(total: Decimal) -> tuple[str, str]:
    for low, key, label in BANDS:
        if total >= low:
            return key, label
    return BANDS[-1][1], BANDS[-1][2]


def district_of(area: Area | None) -> Area | None:
    """The district an area lies in (itself when it is one; the first district below a city)."""
    if area is None:
        return None
    codes = [c for c in area.path.strip("/").split("/") if c]
    if len(codes) >= AreaLevel.DISTRICT:
        return Area.objects.filter(code=codes[AreaLevel.DISTRICT - 1]).first()
    return Area.objects.filter(level=AreaLevel.DISTRICT, path__startswith=area.path).order_by("code").first()


def actor_district(actor: User) -> Area | None:
    if actor.area is not None:
        return district_of(actor.area)
    if actor.school is not None:
        return district_of(actor.school.area)
    return (
        Area.objects.filter(level=AreaLevel.DISTRICT).order_by("code").first() if actor.is_superuser else None
    )


def scheme_list(*, actor: User) -> QuerySet[Scheme]:
    return scoped(Scheme, actor).select_related("area", "school_year").order_by("-school_year__start_year")


def scheme_of_district(*, district: Area | None, school_year: SchoolYear | None) -> Scheme | None:
    """The district's scheme of the year: district data, read by everyone working in it."""
    if district is None or school_year is None:
        return None
    return (
        Scheme.objects.select_related("area", "school_year")
        .filter(area=district, school_year=school_year)
        .first()
    )


def scheme_for_school(*, school: School, school_year: SchoolYear | None) -> Scheme | None:
    return scheme_of_district(district=district_of(school.area), school_year=school_year)


@dataclass
class IndicatorRow:
    pk: int
    dimension: str
    dimension_kind: str
    name: str
    source: str  # label, or "学校填报"
    rule: str
    floor: Decimal | None
    target: Decimal | None
    thresholds: list[Any]
    weight: Decimal


def scheme_indicators(scheme: Scheme, *, school: School | None = None) -> list[IndicatorRow]:
    """The scheme's common indicators, and the given school's own "N" items."""
    from .sources import get_source

    qs = Indicator.objects.filter(dimension__scheme=scheme, school__isnull=True)
    if school is not None:
        qs = qs | Indicator.objects.filter(dimension__scheme=scheme, school=school)
    out = []
    for i in qs.select_related("dimension").order_by("dimension__order", "order", "pk"):
        src = get_source(i.source) if i.source else None
        out.append(
            IndicatorRow(
                i.pk,
                i.dimension.name,
                i.dimension.get_kind_display(),
                i.name,
                src.label if src else ("学校填报" if not i.source else i.source),
                i.get_rule_display(),
                i.floor,
                i.target,
                i.thresholds,
                i.weight,
            )
        )
    return out


@dataclass
class CardLine:
    dimension: str
    name: str
    raw: Decimal | None
    score: Decimal
    weight: Decimal
    points: Decimal
    origin: str
    origin_label: str
    source_label: str
    as_of: Any
    detail: str
    indicator_id: int
    entered: bool


@dataclass
class Card:
    scheme: Scheme
    school: School
    result: SchoolResult | None
    lines: list[CardLine] = field(default_factory=list)

    @property
    def band(self) -> str:
        return band_of(self.result.total)[1] if self.result else "未计算"


def school_card(*, actor: User, scheme: Scheme, school: School) -> Card:
    result = scoped(SchoolResult, actor).filter(scheme=scheme, school=school).first()
    lines = []
    if result is not None:
        for line in (
            ResultLine.objects.filter(result=result)
            .select_related("indicator__dimension")
            .order_by("indicator__dimension__order", "indicator__order", "pk")
        ):
            lines.append(
                CardLine(
                    line.indicator.dimension.name,
                    line.indicator.name,
                    line.raw,
                    line.score,
                    line.weight,
                    line.points,
                    line.origin,
                    line.get_origin_display(),
                    line.source_label,
                    line.as_of,
                    line.detail,
                    line.indicator_id,
                    not line.indicator.source,
                )
            )
    return Card(scheme, school, result, lines)


def school_entries(*, actor: User, scheme: Scheme, school: School) -> dict[int, Entry]:
    return {
        e.indicator_id: e
        for e in scoped(Entry, actor).filter(indicator__dimension__scheme=scheme, school=school)
    }


@dataclass
class ResultRow:
    school_id: int
    school_name: str
    town: str
    total: Decimal
    band: str
    band_label: str
    from_data: int
    entered: int
    missing: int


@dataclass
class DistrictResults:
    scheme: Scheme
    rows: list[ResultRow]
    computed_at: Any

    @property
    def band_counts(self) -> list[tuple[str, int]]:
        counts = Counter(r.band for r in self.rows)
        return [(label, counts.get(key, 0)) for _, key, label in BANDS]

    @property
    def burden(self) -> dict[str, Any]:
        """Items a school must enter by hand vs items filled from data, over the schools scored."""
        entered = sum(r.entered for r in self.rows)
        data = sum(r.from_data for r in self.rows)
        n = len(self.rows)
        return {
            "schools": n,
            "entered": entered,
            "from_data": data,
            "entered_per_school": round(entered / n, 1) if n else None,
            "data_share": round(100 * data / (data + entered), 1) if data + entered else None,
        }

    def chart(self) -> dict[str, Any]:
        """Totals as a distribution (5-point bins) and the bands: no school named on the chart."""
        bins = Counter(min(int(r.total) // 5 * 5, 95) for r in self.rows)
        cats = list(range(0, 100, 5))
        return {
            "distribution": {
                "key": "distribution",
                "title": "学校考核总分分布",
                "kind": "bar",
                "unit": "所",
                "categories": [f"{c}-{c + 5 if c < 95 else 100}" for c in cats],
                "series": [{"name": "学校数", "data": [bins.get(c, 0) for c in cats]}],
            },
            "bands": {
                "key": "bands",
                "title": "等次分布",
                "kind": "bar",
                "unit": "所",
                "categories": [label for label, _ in self.band_counts],
                "series": [{"name": "学校数", "data": [n for _, n in self.band_counts]}],
            },
        }


def district_results(*, actor: User, scheme: Scheme, sort: str = "name") -> DistrictResults:
    """Every school's total in the actor's scope, ordered by town and name (by total when the
    bureau asks: schools, never pupils)."""
    rows = []
    last = None
    for r in (
        scoped(SchoolResult, actor)
        .filter(scheme=scheme)
        .select_related("school__area")
        .order_by("school__area__code", "school__code")
    ):
        key, label = band_of(r.total)
        rows.append(
            ResultRow(
                r.school_id,
                r.school.name,
                r.school.area.name,
                r.total,
                key,
                label,
                r.from_data,
                r.entered,
                r.missing,
            )
        )
        last = r.computed_at if last is None or r.computed_at > last else last
    if sort == "total":
        rows.sort(key=lambda x: (-x.total, x.school_name))
    return DistrictResults(scheme, rows, last)


def checklists(*, district: Area | None) -> QuerySet[RoutineChecklist]:
    """The district's routine checklists (district data)."""
    if district is None:
        return RoutineChecklist.objects.none()
    return RoutineChecklist.objects.filter(area=district).prefetch_related("checks").order_by("pk")


@dataclass
class InspectionRow:
    pk: int
    school_id: int
    school_name: str
    inspected_on: Any
    checked: int
    passed: int
    failed_items: list[str]
    note: str


def inspection_rows(*, actor: User, school: School | None = None, limit: int = 200) -> list[InspectionRow]:
    qs = scoped(RoutineInspection, actor).select_related("school").prefetch_related("marks__check_item")
    if school is not None:
        qs = qs.filter(school=school)
    out = []
    for i in qs.order_by("-inspected_on", "-pk")[:limit]:
        marks = list(i.marks.all())
        out.append(
            InspectionRow(
                i.pk,
                i.school_id,
                i.school.name,
                i.inspected_on,
                len(marks),
                sum(1 for m in marks if m.passed),
                [
                    f"{m.check_item.get_category_display()}：{m.check_item.text}（{m.note}）"
                    for m in marks
                    if not m.passed
                ],
                i.note,
            )
        )
    return out


def surveys(*, actor: User, school: School, school_year: SchoolYear) -> list[SatisfactionSurvey]:
    return list(scoped(SatisfactionSurvey, actor).filter(school=school, school_year=school_year))
