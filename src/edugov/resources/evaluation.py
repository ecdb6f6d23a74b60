"""The 优质均衡 evaluation of a district's resource allocation: per school and stage the seven
indicators against their standards and the school verdict; per stage the student-weighted
coefficient of variation against its threshold; town and district values; data-quality findings.

Computed by the indicator engine on any engine; what a user sees is filtered through scope.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection

from edugov.accounts.scope import scoped
from edugov.indicators.backends import Workspace
from edugov.indicators.engine import Indicator, group_values, unit_values, weighted_cv
from edugov.registry.models import Area, School, SchoolYear, Stage
from edugov.standards.loader import Rule, StandardsLibrary, library

from .indicators import APPORTION_BASES, BALANCED_INDICATORS, WORKSPACE_TABLES, balanced_units

PRECISION = 9  # values are compared with standards after rounding away float noise


@dataclass(frozen=True)
class IndicatorResult:
    code: str
    name: str
    unit: str
    value: float | None
    standard: float
    met: bool | None
    ratio: float | None  # value / standard
    gap: float | None  # shortfall in real units (teachers, m², yuan, rooms); None when met
    gap_unit: str


@dataclass(frozen=True)
class SchoolResult:
    school_id: int
    school_code: str
    school_name: str
    town_name: str
    stage: str
    students: int
    indicators: tuple[IndicatorResult, ...]
    met_count: int
    passed: bool | None  # None: not assessable (see findings)
    verdict: str

    @property
    def stage_label(self) -> str:
        return Stage(self.stage).label


@dataclass(frozen=True)
class StageCV:
    stage: str
    code: str
    name: str
    cv: float | None
    threshold: float
    met: bool | None
    mean: float | None
    schools: int


@dataclass(frozen=True)
class AreaValue:
    area_name: str
    stage: str
    students: int
    values: dict[str, float | None]


@dataclass(frozen=True)
class Finding:
    school_id: int
    school_name: str
    stage: str
    reason: str


@dataclass
class BalancedEvaluation:
    school_year: SchoolYear
    area: Area
    engine: str
    apportion_basis: str
    schools: list[SchoolResult] = field(default_factory=list)
    cvs: list[StageCV] = field(default_factory=list)
    towns: list[AreaValue] = field(default_factory=list)
    district: list[AreaValue] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)

    @property
    def apportion_label(self) -> str:
        return APPORTION_BASES[self.apportion_basis]

    def passed_count(self, stage: str) -> tuple[int, int]:
        rows = [s for s in self.schools if s.stage == stage and s.passed is not None]
        return sum(1 for s in rows if s.passed), len(rows)


def default_engine() -> str:
    return "postgres" if connection.vendor == "postgresql" else "sqlite"


def _round(v: Any) -> float | None:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    return round(float(v), PRECISION)


def _indicator_result(ind: Indicator, row: dict[str, Any], standard: float) -> IndicatorResult:
    value = _round(row[ind.code])
    if value is None:
        return IndicatorResult(ind.code, ind.name, ind.unit, None, standard, None, None, None, ind.gap_unit)
    met = value >= standard
    gap = None
    if not met:
        required = standard * float(row[ind.denominator]) / ind.scale
        gap = required - float(row[ind.numerator])
        gap = float(math.ceil(round(gap, 6))) if ind.gap_integer else round(gap, 2)
    ratio = value / standard if standard else None
    return IndicatorResult(ind.code, ind.name, ind.unit, value, standard, met, ratio, gap, ind.gap_unit)


def school_verdict(
    results: tuple[IndicatorResult, ...], *, min_met: int, remaining_ratio: float
) -> tuple[bool | None, str]:
    """At least `min_met` of 7 met, and every unmet one at least `remaining_ratio` of its standard."""
    if any(r.value is None for r in results):
        return None, "数据不全，无法评价"
    unmet = [r for r in results if not r.met]
    met_count = len(results) - len(unmet)
    if met_count < min_met:
        return False, f"达标{met_count}项，少于{min_met}项"
    low = [r for r in unmet if (r.ratio or 0) < remaining_ratio]
    if low:
        names = "、".join(r.name for r in low)
        return False, f"未达标项低于标准的{remaining_ratio:.0%}：{names}"
    return True, "达标" if not unmet else f"达标{met_count}项，未达标项不低于标准的{remaining_ratio:.0%}"


def evaluate_balanced(
    *,
    school_year: SchoolYear,
    area: Area,
    engine: str | None = None,
    user: Any = None,
    standards: StandardsLibrary | None = None,
) -> BalancedEvaluation:
    """Evaluate `area` (a district) for `school_year`. With `user`, the school rows returned are
    those the user may see; CVs and area values are district-level figures."""
    lib = standards or library()
    engine = engine or default_engine()
    year = school_year.start_year
    path = area.path
    min_points = int(lib.value("balanced.teaching_point_min_students", area_path=path, year=year).value)
    ws = Workspace(engine, WORKSPACE_TABLES)
    units = balanced_units(ws, school_year_id=school_year.pk, area_path=path, min_point_students=min_points)
    inds = BALANCED_INDICATORS
    unit_rows = ws.execute(unit_values(units, inds)).to_dict("records")
    cv_rows = ws.execute(weighted_cv(units, inds, ["stage"])).to_dict("records")
    town_rows = ws.execute(
        group_values(units.filter(units.students > 0), inds, ["town_id", "stage"])
    ).to_dict("records")
    district_rows = ws.execute(group_values(units.filter(units.students > 0), inds, ["stage"])).to_dict(
        "records"
    )

    evaluation = BalancedEvaluation(
        school_year=school_year,
        area=area,
        engine=engine,
        apportion_basis=getattr(settings, "EDUGOV_APPORTION_BASIS", "students"),
    )
    visible = set(scoped(School, user).values_list("pk", flat=True)) if user is not None else None
    ids = {int(r["school_id"]) for r in unit_rows}
    schools = {s.pk: s for s in School.objects.filter(pk__in=ids).select_related("area")}
    min_met = int(lib.value("balanced.school_pass_min_met", area_path=path, year=year).value)
    remaining = lib.value("balanced.school_pass_remaining_ratio", area_path=path, year=year).value

    for row in sorted(unit_rows, key=lambda r: (schools[int(r["school_id"])].code, r["stage"])):
        school = schools[int(row["school_id"])]
        if visible is not None and school.pk not in visible:
            continue
        stage = row["stage"]
        results = tuple(
            _indicator_result(
                ind,
                row,
                lib.value(ind.code, stage=stage, locale=school.locale, area_path=path, year=year).value,
            )
            for ind in inds
        )
        passed, verdict = school_verdict(results, min_met=min_met, remaining_ratio=remaining)
        evaluation.schools.append(
            SchoolResult(
                school_id=school.pk,
                school_code=school.code,
                school_name=school.name,
                town_name=school.area.name,
                stage=stage,
                students=int(row["students"]),
                indicators=results,
                met_count=sum(1 for r in results if r.met),
                passed=passed,
                verdict=verdict,
            )
        )
        label = Stage(stage).label
        if int(row["students"]) == 0:
            evaluation.findings.append(
                Finding(school.pk, school.name, label, "本学段学生数为0，不能计算生均指标")
            )
        if not int(row["has_facilities"]):
            evaluation.findings.append(
                Finding(school.pk, school.name, label, "未填报本学年办学条件，场地、设备、教室按0计")
            )
        if int(row["teachers"]) == 0:
            evaluation.findings.append(Finding(school.pk, school.name, label, "未填报本学年教师信息"))
        elif int(row["teachers_without_qualification"]):
            evaluation.findings.append(
                Finding(
                    school.pk,
                    school.name,
                    label,
                    f"{int(row['teachers_without_qualification'])}名教师未填写最高学历，按未达到计",
                )
            )

    for row in sorted(cv_rows, key=lambda r: (r["stage"], r["indicator"])):
        stage = row["stage"]
        threshold = lib.value("balanced.cv_max", stage=stage, area_path=path, year=year)
        cv = _round(row["cv"])
        name = next(i.name for i in inds if i.code == row["indicator"])
        evaluation.cvs.append(
            StageCV(
                stage,
                row["indicator"],
                name,
                cv,
                threshold.value,
                None if cv is None else threshold.met_by(cv),
                _round(row["mean"]),
                int(row["schools"]),
            )
        )

    towns = dict(Area.objects.filter(pk__in={int(r["town_id"]) for r in town_rows}).values_list("pk", "name"))
    for rows, target, name_of in (
        (town_rows, evaluation.towns, lambda r: towns.get(int(r["town_id"]), "")),
        (district_rows, evaluation.district, lambda r: area.name),
    ):
        for row in sorted(rows, key=lambda r: (name_of(r), r["stage"])):
            target.append(
                AreaValue(
                    name_of(row),
                    row["stage"],
                    int(row["balanced.R1__den"]),
                    {ind.code: _round(row[ind.code]) for ind in inds},
                )
            )

    evaluation.rules = [lib.rule(i.code, area_path=path, year=year) for i in inds] + [
        lib.rule(c, area_path=path, year=year)
        for c in (
            "balanced.school_pass_min_met",
            "balanced.school_pass_remaining_ratio",
            "balanced.cv_max",
            "balanced.teaching_point_min_students",
        )
    ]
    return evaluation
