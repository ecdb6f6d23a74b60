"""The 普及普惠 evaluation of a district's preschool education (县域学前教育普及普惠督导评估): the six
indicators per district and town against the standards, each kindergarten's flags (public,
inclusive, class sizes, teachers), kindergartens over the size limit, and data-quality findings.

Computed by the indicator engine on any engine; the kindergarten rows a user sees pass through
scope, district and town figures are always the whole district's."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

from edugov.accounts.scope import scoped
from edugov.indicators.backends import Workspace
from edugov.indicators.cache import cached_rows
from edugov.indicators.engine import Indicator, group_values
from edugov.registry.models import Area, Ownership, School, SchoolType, SchoolYear
from edugov.standards.loader import Rule, StandardsLibrary, library

from .evaluation import default_engine
from .indicators import (
    ALL_PRESCHOOL_INDICATORS,
    CLASS_LEVELS,
    PRESCHOOL_ENROLMENT,
    PRESCHOOL_INDICATORS,
    PRESCHOOL_TABLES,
    SchoolRow,
    preschool_towns,
    preschool_units,
    records,
    schools_under,
)
from .unit_results import _round

SIZE_RULE = "preschool.kindergarten_size"
CLASS_SIZE_RULE = "preschool.class_size"
# The indicators of each kindergarten (the others are the district's and towns' only).
PER_KINDERGARTEN = tuple(
    i for i in PRESCHOOL_INDICATORS if i.code in ("preschool.P4", "preschool.P5", "preschool.P6")
)


def format_value(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    return f"{value * 100:.1f}%" if unit == "%" else f"{value:.1f}"


class PreschoolResult(NamedTuple):
    """One indicator of one area: value = numerator / denominator, against the standard (a named
    tuple: a province makes ten thousand of them, three times faster than frozen dataclasses)."""

    code: str
    name: str
    unit: str
    value: float | None
    numerator: float
    denominator: float
    standard: float
    comparison: str
    met: bool | None  # None: not assessable (see note and findings)
    citation: str
    note: str = ""

    @property
    def display(self) -> str:
        return format_value(self.value, self.unit)

    @property
    def standard_display(self) -> str:
        sign = {">=": "≥", "<=": "≤"}.get(self.comparison, self.comparison)
        return f"{sign} {format_value(self.standard, self.unit)}"


@dataclass(frozen=True)
class TownResult:
    town_id: int
    name: str
    kindergartens: int
    children: int
    population: int | None  # None: not supplied
    results: tuple[PreschoolResult, ...]


class KindergartenResult(NamedTuple):
    """One kindergarten's figures (a named tuple: a province has thousands)."""

    school_id: int
    school_code: str
    school_name: str
    town_name: str
    is_public: bool
    is_inclusive: bool
    children: int
    classes: int
    classes_by_level: dict[str, int]
    classes_over: int
    max_class_size: int
    class_problems: tuple[str, ...]
    teachers: int
    fulltime_teachers: int
    certified_teachers: int
    over_size: bool
    results: tuple[PreschoolResult, ...]  # P4, P5, P6 of this kindergarten

    @property
    def ownership_label(self) -> str:
        return "公办" if self.is_public else "民办"

    @property
    def inclusive_label(self) -> str:
        if self.is_public:
            return "公办（计为普惠）"
        return "普惠性民办" if self.is_inclusive else "非普惠性民办"


@dataclass(frozen=True)
class PreschoolFinding:
    subject: str  # a town or kindergarten name
    school_code: str
    reason: str


@dataclass
class PreschoolEvaluation:
    school_year: SchoolYear
    area: Area
    engine: str
    district: list[PreschoolResult] = field(default_factory=list)
    towns: list[TownResult] = field(default_factory=list)
    kindergartens: list[KindergartenResult] = field(default_factory=list)
    findings: list[PreschoolFinding] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    size_limit: float = 360
    size_citation: str = ""
    class_limits: dict[str, float] = field(default_factory=dict)
    class_size_citation: str = ""
    oversize: list[KindergartenResult] = field(default_factory=list)  # over the size limit
    totals: dict[str, int] = field(default_factory=dict)

    def result(self, code: str) -> PreschoolResult:
        return next(r for r in self.district if r.code == code)

    @property
    def met_count(self) -> tuple[int, int]:
        return sum(1 for r in self.district if r.met), len(self.district)


class _Standards:
    """The standards of one area and year, each indicator's looked up once per evaluation (with its
    citation), not once per kindergarten."""

    def __init__(self, lib: StandardsLibrary, path: str, year: int) -> None:
        self.lib, self.path, self.year = lib, path, year
        self._held: dict[str, tuple[Any, str]] = {}

    def __call__(self, code: str) -> tuple[Any, str]:
        held = self._held.get(code)
        if held is None:
            std = self.lib.value(code, area_path=self.path, year=self.year)
            held = self._held[code] = (std, std.rule.citation())
        return held


def _result(
    ind: Indicator, num: Any, den: Any, value: Any, standards: _Standards, note: str = ""
) -> PreschoolResult:
    std, citation = standards(ind.code)
    v = _round(value)
    num_f, den_f = _round(num) or 0.0, _round(den) or 0.0
    met = None if v is None or note else std.met_by(v)
    return PreschoolResult(
        ind.code, ind.name, ind.unit, v, num_f, den_f, std.value, std.rule.comparison, met, citation, note
    )


def _ratio(ind: Indicator, num: float, den: float) -> float | None:
    return num * ind.scale / den if den > 0 else None


Records = list[dict[str, Any]]


@cached_rows("preschool_rows")
def preschool_rows(
    *, engine: str, school_year_id: int, area_path: str, limits: tuple[tuple[str, float], ...]
) -> tuple[Records, Records, Records, Records]:
    """The engine's rows for one district and year: kindergartens, towns, town and district
    values (cached until the next committed write; every user's page reads the same rows)."""
    ws = Workspace(engine, PRESCHOOL_TABLES)
    # Each question by name and arguments: over the warehouse its SQL is built once.
    units, towns, by_town, district = (
        records(ws, build, school_year_id=school_year_id, area_path=area_path, limits=limits)
        for build in (_kindergartens, _towns, _town_values, _district_values)
    )
    return units, towns, by_town, district


def _units(
    ws: Workspace, *, school_year_id: int, area_path: str, limits: tuple[tuple[str, float], ...]
) -> Any:
    return preschool_units(ws, school_year_ids=[school_year_id], area_path=area_path, limits=dict(limits))


def _kindergartens(ws: Workspace, **question: Any) -> Any:
    # The kindergarten table the other questions build on: over the warehouse on DuckDB computed
    # once per evaluation (`Workspace.shared`), elsewhere the expression itself.
    return ws.shared(_units, **question)


def _towns(ws: Workspace, **question: Any) -> Any:
    units = ws.shared(_units, **question)
    return preschool_towns(
        units, ws, school_year_ids=[question["school_year_id"]], area_path=question["area_path"]
    )


def _town_values(ws: Workspace, **question: Any) -> Any:
    return group_values(ws.shared(_units, **question), PRESCHOOL_INDICATORS, ["town_id"])


def _district_values(ws: Workspace, **question: Any) -> Any:
    return group_values(ws.shared(_units, **question), PRESCHOOL_INDICATORS, [])


@cached_rows("preschool_trend_rows")
def preschool_trend_rows(
    *, engine: str, school_year_ids: tuple[int, ...], area_path: str, limits: tuple[tuple[str, float], ...]
) -> tuple[Records, Records]:
    """Per school year, the district values and the gross enrolment of towns with population."""
    ws = Workspace(engine, PRESCHOOL_TABLES)
    ids = list(school_year_ids)
    units = preschool_units(ws, school_year_ids=ids, area_path=area_path, limits=dict(limits))
    towns = preschool_towns(units, ws, school_year_ids=ids, area_path=area_path)
    towns = towns.filter((towns.has_population == 1) & (towns.population > 0))
    return (
        ws.execute(group_values(units, PRESCHOOL_INDICATORS, ["school_year_id"])).to_dict("records"),
        ws.execute(group_values(towns, (PRESCHOOL_ENROLMENT,), ["school_year_id"])).to_dict("records"),
    )


def evaluate_preschool(
    *,
    school_year: SchoolYear,
    area: Area,
    engine: str | None = None,
    user: Any = None,
    standards: StandardsLibrary | None = None,
) -> PreschoolEvaluation:
    """Evaluate `area` (a district) for `school_year`. With `user`, the kindergarten rows are
    those the user may see; district and town figures are the whole district's."""
    lib = standards or library()
    engine = engine or default_engine()
    year, path = school_year.start_year, area.path
    class_rule = lib.rule(CLASS_SIZE_RULE, area_path=path, year=year)
    limits = {lv: class_rule.value_for(stage=lv) or 0.0 for lv in CLASS_LEVELS}
    size = lib.value(SIZE_RULE, area_path=path, year=year)
    stds = _Standards(lib, path, year)

    unit_rows, town_rows, group_rows, district_rows = preschool_rows(
        engine=engine, school_year_id=school_year.pk, area_path=path, limits=tuple(limits.items())
    )

    ev = PreschoolEvaluation(
        school_year=school_year,
        area=area,
        engine=engine,
        size_limit=size.value,
        size_citation=size.rule.citation(),
        class_limits=limits,
        class_size_citation=class_rule.citation(),
    )
    ev.rules = [lib.rule(i.code, area_path=path, year=year) for i in ALL_PRESCHOOL_INDICATORS]
    ev.rules += [class_rule, size.rule]

    town_area = {
        pk: (code, name)
        for pk, code, name in Area.objects.filter(pk__in={int(r["town_id"]) for r in town_rows}).values_list(
            "pk", "code", "name"
        )
    }
    town_names = {pk: name for pk, (_, name) in town_area.items()}
    by_town_group = {int(r["town_id"]): r for r in group_rows}

    # Gross enrolment: towns without population data are left out of both sides, and the
    # district verdict is withheld until every town has supplied it.
    p1 = PRESCHOOL_ENROLMENT
    covered_children = covered_pop = 0
    missing: list[str] = []
    for r in sorted(town_rows, key=lambda r: town_area.get(int(r["town_id"]), ("", ""))):
        tid = int(r["town_id"])
        name = town_names.get(tid, "")
        children, pop, has_pop = int(r["children"]), int(r["population"]), bool(int(r["has_population"]))
        if not has_pop:
            missing.append(name)
            ev.findings.append(
                PreschoolFinding(
                    name, "", f"未填报本学年3-5岁常住人口（该乡镇在园幼儿{children}人），毛入园率不含该乡镇"
                )
            )
        elif pop == 0:
            ev.findings.append(PreschoolFinding(name, "", "3-5岁常住人口为0，不能计算毛入园率"))
        else:
            covered_children += children
            covered_pop += pop
        p1_note = "" if has_pop and pop > 0 else "缺少适龄人口数据"
        g = by_town_group.get(tid)
        results = [
            _result(
                p1,
                children,
                pop,
                _ratio(p1, children, pop) if has_pop else None,
                stds,
                p1_note,
            )
        ]
        for ind in PRESCHOOL_INDICATORS:
            num = float(g[f"{ind.code}__num"]) if g else 0.0
            den = float(g[f"{ind.code}__den"]) if g else 0.0
            results.append(_result(ind, num, den, g[ind.code] if g else None, stds))
        ev.towns.append(
            TownResult(tid, name, int(r["kindergartens"]), children, pop if has_pop else None, tuple(results))
        )

    if user is not None:
        # Town officers see the district's figures but only their own towns' rows and names.
        own = set(scoped(Area, user).values_list("pk", flat=True))
        hidden = {town_names.get(t.town_id, "") for t in ev.towns if t.town_id not in own}
        ev.towns = [t for t in ev.towns if t.town_id in own]
        ev.findings = [f for f in ev.findings if f.subject not in hidden]
        others = sum(1 for name in missing if name in hidden)
        missing = [name for name in missing if name not in hidden] + (
            [f"其他{others}个乡镇"] if others else []
        )

    d = district_rows[0] if district_rows else {}
    p1_note = f"以下乡镇（街道）缺少适龄人口数据，暂不评价：{'、'.join(missing)}" if missing else ""
    ev.district.append(
        _result(
            p1,
            covered_children,
            covered_pop,
            _ratio(p1, covered_children, covered_pop),
            stds,
            p1_note,
        )
    )
    for ind in PRESCHOOL_INDICATORS:
        num = float(d.get(f"{ind.code}__num") or 0.0)
        den = float(d.get(f"{ind.code}__den") or 0.0)
        ev.district.append(_result(ind, num, den, d.get(ind.code), stds))

    visible = set(scoped(School, user).values_list("pk", flat=True)) if user is not None else None
    schools = schools_under(path, (int(r["school_id"]) for r in unit_rows), [SchoolType.KINDERGARTEN])
    totals = {"kindergartens": 0, "public": 0, "inclusive_private": 0, "children": 0, "classes": 0}
    ordered = sorted(unit_rows, key=lambda r: schools[int(r["school_id"])].code)
    # P4-P6 a column at a time: each indicator over every kindergarten in one pass.
    columns = zip(*(_column(ind, ordered, stds) for ind in PER_KINDERGARTEN), strict=True)
    for r, k_results in zip(ordered, columns, strict=True):
        school = schools[int(r["school_id"])]
        totals["kindergartens"] += 1
        totals["public"] += int(r["is_public"])
        totals["inclusive_private"] += int(r["is_inclusive"]) - int(r["is_public"])
        totals["children"] += int(r["children"])
        totals["classes"] += int(r["classes"])
        k = _kindergarten(r, school, k_results, limits, size.value)
        if k.over_size:
            ev.oversize.append(k)
        if visible is not None and school.pk not in visible:
            continue
        ev.kindergartens.append(k)
        ev.findings += _kindergarten_findings(r, school)
    ev.totals = totals
    return ev


def _column(ind: Indicator, rows: Records, standards: _Standards) -> list[PreschoolResult]:
    """A kindergarten indicator of every row, in one pass (a province has ten thousand)."""
    num, den = ind.numerator, ind.denominator
    return [_result(ind, r[num], r[den], _ratio(ind, float(r[num]), float(r[den])), standards) for r in rows]


def _kindergarten(
    r: dict[str, Any],
    school: SchoolRow,
    results: tuple[PreschoolResult, ...],
    limits: dict[str, float],
    size_limit: float,
) -> KindergartenResult:
    by_level = {lv: int(r[f"classes_{lv}"]) for lv in CLASS_LEVELS}
    problems = tuple(
        f"{label}{int(r[f'over_{lv}'])}个班超过{limits[lv]:.0f}人"
        for lv, label in CLASS_LEVELS.items()
        if int(r[f"over_{lv}"])
    )
    children = int(r["children"])
    return KindergartenResult(
        school_id=school.pk,
        school_code=school.code,
        school_name=school.name,
        town_name=school.town_name,
        is_public=school.ownership == Ownership.PUBLIC,
        is_inclusive=bool(int(r["is_inclusive"])),
        children=children,
        classes=int(r["classes"]),
        classes_by_level=by_level,
        classes_over=int(r["classes_over"]),
        max_class_size=int(r["max_class_size"]),
        class_problems=problems,
        teachers=int(r["teachers"]),
        fulltime_teachers=int(r["fulltime_teachers"]),
        certified_teachers=int(r["certified_teachers"]),
        over_size=children > size_limit,
        results=results,
    )


def _kindergarten_findings(r: dict[str, Any], school: SchoolRow) -> list[PreschoolFinding]:
    out = []

    def add(reason: str) -> None:
        out.append(PreschoolFinding(school.name, school.code, reason))

    if int(r["children"]) == 0:
        add("本学年在园幼儿数为0（未填报班级或班级人数为0），不计入各项比率")
    if int(r["teachers"]) == 0:
        add("未填报本学年幼儿园教师信息，不能计算师幼比和持证率")
    elif int(r["fulltime_teachers"]) == 0:
        add("没有专任教师，不能计算师幼比和持证率")
    if school.ownership != Ownership.PUBLIC and not int(r["has_record"]):
        add("民办幼儿园未填报本学年普惠性认定情况，按非普惠性幼儿园计")
    return out


def preschool_trend(
    *,
    area: Area,
    years: list[SchoolYear],
    engine: str | None = None,
    standards: StandardsLibrary | None = None,
) -> dict[tuple[int, str], float | None]:
    """(start year, indicator code) -> district value, all school years in one computation. The
    gross enrolment rate counts towns with population data only (as the evaluation does)."""
    if not years:
        return {}
    lib = standards or library()
    latest = max(y.start_year for y in years)
    rule = lib.rule(CLASS_SIZE_RULE, area_path=area.path, year=latest)
    limits = {lv: rule.value_for(stage=lv) or 0.0 for lv in CLASS_LEVELS}
    unit_rows, town_rows = preschool_trend_rows(
        engine=engine or default_engine(),
        school_year_ids=tuple(y.pk for y in years),
        area_path=area.path,
        limits=tuple(limits.items()),
    )
    start = {y.pk: y.start_year for y in years}
    out: dict[tuple[int, str], float | None] = {}
    for rows, inds in ((unit_rows, PRESCHOOL_INDICATORS), (town_rows, (PRESCHOOL_ENROLMENT,))):
        for r in rows:
            for ind in inds:
                out[(start[int(r["school_year_id"])], ind.code)] = _round(r[ind.code])
    return out
