"""A group's effect: each member's distance to the lead school, year by year before and after it
joined, on the 优质均衡 indicators (resources), value-added and physical fitness (quality) and teacher
structure (workforce). Computing it reads the whole district for every year shown (seconds), so it
is computed when the data changes (services.effect_refresh) and stored; pages and reports read the
stored figures (`effect_stored`) and never compute."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from edugov.accounts.models import User
from edugov.common.cache import cached_figure
from edugov.indicators.cache import cached_rows
from edugov.registry.models import Area, AreaLevel, School, SchoolYear

from .models import EffectSnapshot, Membership, SchoolGroup

EFFECT_YEARS = 4  # school years shown on the effect chart

# The district's 优质均衡 evaluation of a year, reduced: (indicators, {school: [(stage, met)]}).
MetRows = tuple[int, dict[int, list[tuple[str, int]]]]


def members(group: SchoolGroup) -> list[Membership]:
    return list(
        group.memberships.select_related("school", "school__area").order_by("joined_on", "school__name")
    )


@dataclass
class EffectSeries:
    school_id: int
    school_name: str
    joined_year: int  # the school year (start year) the school joined in
    gaps: list[Any]  # the lead school's figure minus the member's, per year (None: no data)
    before: float | None = None  # mean gap in the years before joining
    after: float | None = None  # mean gap in the years since
    verdict: str = ""
    cells: list[tuple[str, Any]] = field(default_factory=list)  # (school year, gap) for tables


@dataclass
class Effect:
    years: list[str]
    series: list[EffectSeries] = field(default_factory=list)
    indicators: int = 0

    def chart(self) -> dict[str, Any]:
        return {
            "categories": self.years,
            "series": [{"name": s.school_name, "data": s.gaps, "joined": s.joined_year} for s in self.series],
        }


def _district(school: School) -> Area | None:
    codes = [c for c in (school.area.path or "").strip("/").split("/") if c]
    if len(codes) < AreaLevel.DISTRICT:
        return None
    return Area.objects.filter(code=codes[AreaLevel.DISTRICT - 1]).first()


def _mean(values: list[Any]) -> float | None:
    return round(sum(values) / len(values), 2) if values else None


@cached_rows("groups.balanced_met")
def balanced_met(school_year_id: int, district_id: int) -> MetRows:
    """The district's 优质均衡 evaluation of a year reduced to what the effect needs: the number of
    indicators, and per school its stages with the indicators met. Evaluated once per year and
    data generation (the indicators cache), not once per page view."""
    from edugov.resources.evaluation import evaluate_balanced

    year = SchoolYear.objects.get(pk=school_year_id)
    district = Area.objects.get(pk=district_id)
    evaluation = evaluate_balanced(school_year=year, area=district)
    by_school: dict[int, list[tuple[str, int]]] = {}
    for r in evaluation.schools:
        by_school.setdefault(r.school_id, []).append((str(r.stage), int(r.met_count)))
    n = len(evaluation.schools[0].indicators) if evaluation.schools else 0
    return n, by_school


def effect_years(years: int = EFFECT_YEARS) -> list[SchoolYear]:
    school_years = list(
        SchoolYear.objects.filter(start_date__lte=timezone.localdate()).order_by("-start_year")[:years]
    )
    school_years.reverse()
    return school_years


def _joined_year(m: Membership) -> int:
    return m.joined_on.year if m.joined_on.month >= 9 else m.joined_on.year - 1


def _series(
    group: SchoolGroup,
    school_years: list[SchoolYear],
    labels: list[str],
    gap_of: Any,
) -> list[EffectSeries]:
    """One series per member (not the lead school): gap_of(year index, member id) per year, with the
    mean gap before and after joining and the verdict."""
    out = []
    for m in members(group):
        if m.school_id == group.lead_school_id:
            continue
        joined = _joined_year(m)
        gaps = [gap_of(i, m.school_id) for i in range(len(school_years))]
        known = [(y.start_year, g) for y, g in zip(school_years, gaps, strict=True) if g is not None]
        before = _mean([g for y, g in known if y < joined])
        after = _mean([g for y, g in known if y >= joined])
        s = EffectSeries(m.school_id, m.school.name, joined, gaps, before, after)
        s.verdict = _verdict(s, [g for _y, g in known])
        s.cells = list(zip(labels, gaps, strict=True))
        out.append(s)
    return out


def effect(
    group: SchoolGroup,
    *,
    years: int = EFFECT_YEARS,
    actor: User | None = None,
    met: Callable[[int, int], MetRows] | None = None,
) -> Effect:
    """Each member's gap to the lead school (优质均衡 indicators met, lead minus member) over the last
    school years, with the mean gap before and after the member joined. The group's readers see its
    members, so the district's evaluation is read whole and narrowed to the members. `met` reads a
    district's year (balanced_met by default; a refresh of many groups passes one that remembers)."""
    met = met or balanced_met
    school_years = effect_years(years)
    district = _district(group.lead_school)
    result = Effect(years=[f"{y.start_year}学年" for y in school_years])
    if district is None or not school_years:
        return result
    per_year: list[dict[int, list[tuple[str, int]]]] = []
    for year in school_years:
        n, by_school = met(year.pk, district.pk)
        per_year.append(by_school)
        result.indicators = n or result.indicators
    lead = group.lead_school_id

    def gap(i: int, school_id: int) -> int | None:
        lead_rows = per_year[i].get(lead, [])
        if not lead_rows:
            return None
        stage = lead_rows[0][0]
        rows = per_year[i].get(school_id, [])
        if not rows:
            return None
        same = [met for st, met in rows if st == stage] or [rows[0][1]]
        return lead_rows[0][1] - same[0]

    result.series = _series(group, school_years, result.years, gap)
    return result


# ---- other measures: value-added, fitness, teacher structure -------------------------------------


@dataclass
class Measure:
    """One more measure of the effect: the members' distance to the lead school, year by year, or
    the reason it cannot be shown (暂无数据)."""

    code: str
    label: str
    unit: str
    note: str  # how the gap is computed, or why there is no data
    years: list[str] = field(default_factory=list)
    series: list[EffectSeries] = field(default_factory=list)

    @property
    def available(self) -> bool:
        return any(g is not None for s in self.series for g in s.gaps)


@cached_figure("groups.qualified_share")
def _qualified_share(actor: User, year: SchoolYear, school_ids: tuple[int, ...]) -> dict[int, float]:
    """Per school: the share (%) of the curriculum's teacher need covered by qualified teachers;
    nothing for a school without teacher records that year (no data, not 0%)."""
    from edugov.workforce.selectors import staffing

    out = {}
    for row in staffing(actor=actor, year=year, school_ids=list(school_ids)).schools:
        need = sum(s.need for s in row.subjects)
        if need > 0 and row.teachers > 0:
            out[row.school_id] = round(100 * sum(min(s.qualified, s.need) for s in row.subjects) / need, 1)
    return out


def _fitness_pass(school_ids: tuple[int, ...], year: SchoolYear) -> dict[int, float]:
    """Per school: its physical fitness pass rate (%) in the year (quality's public read; the
    callers read the group, whose members they may see)."""
    from edugov.quality.fitness_selectors import school_fitness_rates

    rates = school_fitness_rates(list(school_ids), year)
    return {pk: float(r["pass_rate"]) for pk, r in rates.items() if r.get("pass_rate") is not None}


@cached_figure("groups.value_added")
def _value_added(
    actor: User, year: SchoolYear, school_ids: tuple[int, ...], lead_id: int
) -> dict[int, float]:
    """Per school: its value-added (points) on the latest pair of assessments the lead school's
    pupils took whose second one was held in the year (the group's stage and subject); nothing when
    the year has no such pair or too few pupils."""
    from edugov.common.errors import DomainError
    from edugov.quality.selectors import assessments_for_school, default_pair, value_added

    lead = School.objects.filter(pk=lead_id).first()
    if lead is None:
        return {}
    assessments = list(assessments_for_school(actor=actor, school=lead).filter(held_on__lte=year.end_date))
    pair = default_pair(assessments)
    if pair is None or pair[1].held_on < year.start_date:
        return {}
    try:
        view = value_added(actor=actor, prior=pair[0], post=pair[1])
    except DomainError:
        return {}
    return {r.unit_id: round(r.effect, 2) for r in view.rows if r.unit_id in school_ids}


def other_measures(group: SchoolGroup, *, actor: User, years: int = EFFECT_YEARS) -> list[Measure]:
    """Value-added and physical fitness (quality) and teacher structure (workforce), each as the
    lead school's figure minus the member's, year by year; a measure without data says 暂无数据."""
    school_years = effect_years(years)
    labels = [f"{y.start_year}学年" for y in school_years]
    ids = tuple(sorted(m.school_id for m in members(group)))
    lead = group.lead_school_id
    out = []
    for code, label, unit, note, compute in (
        (
            "value_added",
            "增值评价",
            "分",
            "差距 = 牵头学校的增值 − 成员校的增值（牵头学校参加、后测在当学年的最近一对同学科测评，分）",
            lambda y: _value_added(actor, y, ids, lead),
        ),
        (
            "teachers",
            "教师结构",
            "个百分点",
            "差距 = 牵头学校合格教师满足课程需要的比例 − 成员校的比例（百分点）",
            lambda y: _qualified_share(actor, y, ids),
        ),
        (
            "fitness",
            "体质健康",
            "个百分点",
            "差距 = 牵头学校的体质健康及格率 − 成员校的及格率（百分点）",
            lambda y: _fitness_pass(ids, y),
        ),
    ):
        per_year = [compute(y) for y in school_years]

        def gap(i: int, school_id: int, per_year: list[dict[int, float]] = per_year) -> float | None:
            lead_v, member_v = per_year[i].get(lead), per_year[i].get(school_id)
            return None if lead_v is None or member_v is None else round(lead_v - member_v, 2)

        out.append(Measure(code, label, unit, note, labels, _series(group, school_years, labels, gap)))
    return out


def _verdict(s: EffectSeries, known: list[Any]) -> str:
    """Narrowing: the gap fell (after joining against before, or the last year against the first).
    A member meeting as many indicators as the lead school, or more, is not behind it."""
    if s.before is not None and s.after is not None:
        first, last = s.before, s.after
    elif len(known) >= 2:
        first, last = known[0], known[-1]
    else:
        return "数据不足"
    if first <= 0 and last <= 0:
        return "不落后于牵头学校"
    if last < first:
        return "差距缩小"
    if last > first:
        return "差距扩大"
    return "差距未缩小"


# ---- stored: computed when the data changes, read by pages and reports --------------------------


def district_of(school: School) -> Area | None:
    """The district whose evaluation a group led by `school` is measured on."""
    return _district(school)


def effect_labels(years: int = EFFECT_YEARS) -> list[str]:
    return [f"{y.start_year}学年" for y in effect_years(years)]


def _series_json(s: EffectSeries) -> dict[str, Any]:
    return {
        "school_id": s.school_id,
        "school_name": s.school_name,
        "joined_year": s.joined_year,
        "gaps": list(s.gaps),
        "before": s.before,
        "after": s.after,
        "verdict": s.verdict,
    }


def _series_load(raw: dict[str, Any], labels: list[str]) -> EffectSeries:
    gaps = list(raw.get("gaps") or [])
    s = EffectSeries(
        int(raw["school_id"]), str(raw["school_name"]), int(raw["joined_year"]), gaps,
        raw.get("before"), raw.get("after"), str(raw.get("verdict") or ""),
    )  # fmt: skip
    s.cells = list(zip(labels, gaps, strict=False))
    return s


def effect_payload(
    group: SchoolGroup, *, reader: User, met: Callable[[int, int], MetRows] | None = None
) -> dict[str, Any]:
    """Compute a group's effect and other measures as plain data to store (the reader: the system,
    which sees the whole district; every reader of the group then sees the same figures)."""
    result = effect(group, met=met)
    measures = other_measures(group, actor=reader)
    return {
        "years": result.years,
        "indicators": result.indicators,
        "series": [_series_json(s) for s in result.series],
        "measures": [
            {"code": m.code, "label": m.label, "unit": m.unit, "note": m.note, "years": m.years,
             "series": [_series_json(s) for s in m.series]}
            for m in measures
        ],
    }  # fmt: skip


@dataclass(frozen=True)
class StoredEffect:
    """A group's effect as last computed, for pages and reports."""

    effect: Effect
    measures: list[Measure]
    computed_at: dt.datetime | None  # None: not computed yet
    stale: bool  # a change was noticed that the figures do not include yet

    @property
    def computed(self) -> bool:
        return self.computed_at is not None


def standards_key() -> str:
    from edugov.standards.loader import library

    return str(library().fingerprint)


def snapshot_outdated(snap: EffectSnapshot, labels: list[str], standards: str) -> bool:
    """Marked, never computed, for other school years (a new year began) or other standards."""
    return (
        snap.stale_since is not None
        or snap.computed_at is None
        or list(snap.years or []) != labels
        or snap.standards != standards
    )


def effect_stored(group: SchoolGroup) -> StoredEffect:
    """The stored effect of a group (one query and the school years); computes nothing."""
    snap = EffectSnapshot.objects.filter(group=group).first()
    labels = effect_labels()
    if snap is None or snap.computed_at is None:
        return StoredEffect(Effect(years=labels), [], None, True)
    data = snap.payload or {}
    years = [str(y) for y in data.get("years") or []]
    result = Effect(years=years, indicators=int(data.get("indicators") or 0))
    result.series = [_series_load(r, years) for r in data.get("series") or []]
    measures = []
    for m in data.get("measures") or []:
        m_years = [str(y) for y in m.get("years") or []]
        series = [_series_load(r, m_years) for r in m.get("series") or []]
        measures.append(
            Measure(str(m["code"]), str(m["label"]), str(m["unit"]), str(m["note"]), m_years, series)
        )
    stale = snapshot_outdated(snap, labels, standards_key())
    return StoredEffect(result, measures, snap.computed_at, stale)


def narrowing_summary(groups: list[SchoolGroup]) -> dict[int, str]:
    """Per group, from the stored figures (one query for all groups): how many members narrowed
    their gap on the 优质均衡 indicators and in value-added, for the cockpit's column."""
    snaps = {s.group_id: s for s in EffectSnapshot.objects.filter(group__in=groups)}
    out = {}
    for g in groups:
        snap = snaps.get(g.pk)
        if snap is None or snap.computed_at is None:
            out[g.pk] = "尚未计算"
            continue
        data = snap.payload or {}
        parts = []
        measures = {m.get("code"): m for m in data.get("measures") or []}
        for label, series in (
            ("指标", data.get("series") or []),
            ("增值", (measures.get("value_added") or {}).get("series") or []),
        ):
            known = [s for s in series if s.get("verdict") not in (None, "", "数据不足")]
            if known:
                narrowed = sum(1 for s in known if s.get("verdict") == "差距缩小")
                parts.append(f"{label}{narrowed}/{len(known)}所")
        out[g.pk] = "，".join(parts) if parts else "数据不足"
    return out
