"""The 优质均衡 evaluation of a district's resource allocation: per school and stage the seven
indicators against their standards and the school verdict; per stage the student-weighted
coefficient of variation against its threshold; town and district values; data-quality findings.

Computed by the indicator engine on any engine; what a user sees is filtered through scope.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import ibis
import numpy as np
import pandas as pd
from django.conf import settings
from django.db import connection

from edugov.accounts.scope import scoped
from edugov.indicators.backends import Workspace
from edugov.indicators.cache import cached_rows
from edugov.indicators.engine import group_values, unit_values, weighted_cv
from edugov.registry.models import Area, School, SchoolYear, Stage
from edugov.standards.loader import Rule, StandardsLibrary, library

from .guarantee import GuaranteeItem, fact_limits, guarantee_items
from .indicators import (
    APPORTION_BASES,
    BALANCED_INDICATORS,
    COUNTED_TYPES,
    WORKSPACE_TABLES,
    columns,
    records,
    schools_under,
)
from .school_stages import BALANCED_QUESTIONS, FactLimits, balanced_units, school_facts
from .unit_results import IndicatorResult, _indicator_column, _listed, _round, _rounded, _verdicts


class SchoolResult(NamedTuple):
    """One school's primary or junior part (a named tuple: a province has thousands)."""

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
    area_id: int


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
    guarantee: list[GuaranteeItem] = field(default_factory=list)
    adjustments: tuple[Adjustment, ...] = ()

    @property
    def apportion_label(self) -> str:
        return APPORTION_BASES[self.apportion_basis]

    def passed_count(self, stage: str) -> tuple[int, int]:
        rows = [s for s in self.schools if s.stage == stage and s.passed is not None]
        return sum(1 for s in rows if s.passed), len(rows)


# What a what-if may add to a school's stage, and the unit-table column it changes.
ADJUSTABLE = {
    "above_qual_teachers": "高于规定学历教师（人）",
    "backbone_teachers": "骨干教师（人）",
    "pe_art_teachers": "体育艺术专任教师（人）",
    "teaching_aux_area": "教学及辅助用房（㎡）",
    "sports_area": "体育运动场馆（㎡）",
    "equipment_value": "教学仪器设备（元）",
    "multimedia_classrooms": "网络多媒体教室（间）",
}


@dataclass(frozen=True)
class Adjustment:
    """A planned addition to one school's primary or junior part, for a what-if evaluation."""

    school_id: int
    stage: str
    column: str
    amount: float

    def __post_init__(self) -> None:
        if self.column not in ADJUSTABLE:
            raise ValueError(f"不能模拟调整的项目：{self.column}")

    @property
    def label(self) -> str:
        return ADJUSTABLE[self.column]


def default_engine() -> str:
    return "postgres" if connection.vendor == "postgresql" else "sqlite"


def _apply(frame: pd.DataFrame, adjustments: Sequence[Adjustment]) -> pd.DataFrame:
    frame = frame.copy()
    for adj in adjustments:
        mask = (frame["school_id"] == adj.school_id) & (frame["stage"] == adj.stage)
        frame[adj.column] = frame[adj.column].astype("float64")
        frame.loc[mask, adj.column] = frame.loc[mask, adj.column] + adj.amount
    return frame


@dataclass(frozen=True)
class BalancedRows:
    """The engine's output for one district and year, before standards and scope apply."""

    units: dict[str, np.ndarray]  # a column at a time (`indicators.columns`): a province's thousands
    cvs: list[dict[str, Any]]
    towns: list[dict[str, Any]]
    district: list[dict[str, Any]]
    facts: dict[str, np.ndarray]  # the guarantee items' (`school_stages.school_facts`), likewise


def balanced_arguments(lib: StandardsLibrary, *, area_path: str, year: int) -> dict[str, Any]:
    """The standards the engine's rows depend on, for the area and year: the teaching points'
    minimum pupils and the guarantee facts' limits (`balanced_rows`' `min_points` and `limits`)."""
    min_points = lib.value("balanced.teaching_point_min_students", area_path=area_path, year=year).value
    return {"min_points": int(min_points), "limits": fact_limits(lib, area_path=area_path, year=year)}


def _balanced_rows(
    *,
    engine: str,
    school_year_id: int,
    area_path: str,
    min_points: int,
    limits: FactLimits,
    adjustments: tuple[Adjustment, ...] = (),
) -> BalancedRows:
    ws = Workspace(engine, WORKSPACE_TABLES)
    inds = BALANCED_INDICATORS
    # Each question by name and arguments: over the warehouse its SQL is built once, and the
    # school·stage table under them all is computed once per evaluation.
    question = {
        "school_year_id": school_year_id,
        "area_path": area_path,
        "min_points": min_points,
        "basis": _apportion_basis(),
        "limits": limits,
    }
    if not adjustments:
        units_of, cvs_of, towns_of, district_of, facts_of = BALANCED_QUESTIONS
        return BalancedRows(
            units=columns(ws, units_of, **question),
            cvs=records(ws, cvs_of, **question),
            towns=records(ws, towns_of, **question),
            district=records(ws, district_of, **question),
            facts=columns(ws, facts_of, **question),
        )
    units = balanced_units(
        ws, school_year_id=school_year_id, area_path=area_path, min_point_students=min_points, limits=limits
    )
    duck = ibis.duckdb.connect()
    units = duck.create_table("units", _apply(ws.execute(units), adjustments))
    counted = units.filter(units.students > 0)
    values = duck.execute(unit_values(units, inds))
    return BalancedRows(
        units={str(c): values[c].to_numpy() for c in values.columns},
        cvs=duck.execute(weighted_cv(units, inds, ["stage"])).to_dict("records"),
        towns=duck.execute(group_values(counted, inds, ["town_id", "stage"])).to_dict("records"),
        district=duck.execute(group_values(counted, inds, ["stage"])).to_dict("records"),
        facts=columns(ws, school_facts, school_year_id=school_year_id, area_path=area_path, limits=limits),
    )


def _apportion_basis() -> str:
    return str(getattr(settings, "EDUGOV_APPORTION_BASIS", "students"))


# Every argument is plain (the adjustments are frozen dataclasses), so one district's rows serve
# every user and every page (list, school card, gaps, exports) until the next committed write.
balanced_rows = cached_rows("balanced_rows", depends=_apportion_basis)(_balanced_rows)


def evaluate_balanced(
    *,
    school_year: SchoolYear,
    area: Area,
    engine: str | None = None,
    user: Any = None,
    standards: StandardsLibrary | None = None,
    adjustments: Sequence[Adjustment] = (),
) -> BalancedEvaluation:
    """Evaluate `area` (a district) for `school_year`. With `user`, the school rows returned are
    those the user may see; CVs and area values are district-level figures.

    With `adjustments` (a what-if), the unit table is computed on the engine, the planned
    additions applied, and the same indicator definitions evaluated again on DuckDB."""
    lib = standards or library()
    engine = engine or default_engine()
    year = school_year.start_year
    path = area.path
    visible = set(scoped(School, user).values_list("pk", flat=True)) if user is not None else None
    inds = BALANCED_INDICATORS
    arguments = balanced_arguments(lib, area_path=path, year=year)
    computed = balanced_rows(
        engine=engine,
        school_year_id=school_year.pk,
        area_path=path,
        adjustments=tuple(adjustments),
        **arguments,
    )
    units, cv_rows = computed.units, computed.cvs
    town_rows, district_rows = computed.towns, computed.district
    unit_ids: list[int] = np.asarray(units["school_id"], dtype="int64").tolist()
    # Read once for the guarantee items and the units.
    schools = schools_under(
        path,
        [*unit_ids, *np.asarray(computed.facts["school_id"], dtype="int64").tolist()],
        school_types=COUNTED_TYPES,
    )
    guarantee = guarantee_items(
        computed.facts,
        limits=arguments["limits"],
        area_path=path,
        year=year,
        lib=lib,
        visible=visible,
        names={pk: s.name for pk, s in schools.items()},
    )

    evaluation = BalancedEvaluation(
        school_year=school_year,
        area=area,
        engine=engine,
        apportion_basis=getattr(settings, "EDUGOV_APPORTION_BASIS", "students"),
        guarantee=guarantee,
        adjustments=tuple(adjustments),
    )
    min_met = int(lib.value("balanced.school_pass_min_met", area_path=path, year=year).value)
    remaining = lib.value("balanced.school_pass_remaining_ratio", area_path=path, year=year).value

    thresholds: dict[tuple[str, str], tuple[float, ...]] = {}  # (stage, locale): the seven standards

    def standards_of(stage: str, locale: str) -> tuple[float, ...]:
        met_by = thresholds.get((stage, locale))
        if met_by is None:
            met_by = thresholds[(stage, locale)] = tuple(
                lib.value(ind.code, stage=stage, locale=locale, area_path=path, year=year).value
                for ind in inds
            )
        return met_by

    # The units the user may see, by school code and stage, as positions in the engine's columns.
    unit_stages: list[str] = [str(v) for v in units["stage"].tolist()]
    order = sorted(
        (i for i, sid in enumerate(unit_ids) if visible is None or sid in visible),
        key=lambda i: (schools[unit_ids[i]].code, unit_stages[i]),
    )
    shown = np.array(order, dtype=np.intp)
    shown_schools = [schools[unit_ids[i]] for i in order]
    stages = [unit_stages[i] for i in order]
    met_by = [standards_of(stage, s.locale) for stage, s in zip(stages, shown_schools, strict=True)]
    # A column at a time: each column read and rounded once for the seven indicators, each
    # indicator and the verdicts in one pass.
    needed = {c for ind in inds for c in (ind.code, ind.numerator, ind.denominator)}
    raw = {c: np.asarray(units[c], dtype="float64")[shown] for c in needed}  # None -> NaN
    rounded = {c: _rounded(column) for c, column in raw.items()}
    by_indicator = [
        _indicator_column(ind, [s[i] for s in met_by], rounded, raw) for i, ind in enumerate(inds)
    ]
    met_counts, verdicts = _verdicts(
        np.column_stack([rounded[ind.code] for ind in inds]),
        np.array(met_by, dtype="float64").reshape(len(order), len(inds)),
        [ind.name for ind in inds],
        min_met=min_met,
        remaining_ratio=remaining,
    )

    def counts(column: str) -> list[int]:
        return np.asarray(units[column], dtype="float64")[shown].astype("int64").tolist()  # type: ignore[no-any-return]

    labels = {stage: Stage(stage).label for stage in Stage.values}
    for school, stage, students, facilities, teachers, unqualified, results, met_count, verdict in zip(
        shown_schools, stages, counts("students"), counts("has_facilities"), counts("teachers"),
        counts("teachers_without_qualification"), zip(*by_indicator, strict=True), met_counts, verdicts,
        strict=True,
    ):  # fmt: skip
        passed, text = verdict
        evaluation.schools.append(
            SchoolResult(
                school.pk,
                school.code,
                school.name,
                school.town_name,
                stage,
                students,
                results,
                met_count,
                passed,
                text,
            )
        )
        label = labels[stage]
        if students == 0:
            evaluation.findings.append(
                Finding(school.pk, school.name, label, "本学段学生数为0，不能计算生均指标")
            )
        if not facilities:
            evaluation.findings.append(
                Finding(school.pk, school.name, label, "未填报本学年办学条件，场地、设备、教室按0计")
            )
        if teachers == 0:
            evaluation.findings.append(Finding(school.pk, school.name, label, "未填报本学年教师信息"))
        elif unqualified:
            evaluation.findings.append(
                Finding(school.pk, school.name, label, f"{unqualified}名教师未填写最高学历，按未达到计")
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

    town_ids = {int(r["town_id"]) for r in town_rows}
    if user is not None:
        # A town officer sees the district's figures but only their own town's row.
        town_ids &= set(scoped(Area, user).values_list("pk", flat=True))
        town_rows = [r for r in town_rows if int(r["town_id"]) in town_ids]
    # Read by the path, not by a list of a province's thousand towns; a town the export placed
    # elsewhere since, by id.
    name_of = dict(Area.objects.filter(path__startswith=path).values_list("pk", "name"))
    if elsewhere := town_ids - name_of.keys():
        name_of |= dict(Area.objects.filter(pk__in=elsewhere).values_list("pk", "name"))
    name_of[area.pk] = area.name
    for rows, target, id_of in (
        (town_rows, evaluation.towns, lambda r: int(r["town_id"])),
        (district_rows, evaluation.district, lambda r: area.pk),
    ):
        # By name, then stage; same-named towns (of a province's districts) in a fixed order.
        rows = sorted(rows, key=lambda r: (name_of.get(id_of(r), ""), id_of(r), r["stage"]))
        values = {ind.code: _listed(_rounded([r[ind.code] for r in rows])) for ind in inds}
        for i, row in enumerate(rows):
            target.append(
                AreaValue(
                    name_of.get(id_of(row), ""),
                    row["stage"],
                    int(row["balanced.R1__den"]),
                    {ind.code: values[ind.code][i] for ind in inds},
                    area_id=id_of(row),
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
