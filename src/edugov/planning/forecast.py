"""The enrolment forecast (学龄人口预测) as pure functions: the grade-progression (cohort) method.

For a school with enrolment E[y][g] (school year y, grade g) in its town with births B[c] (calendar
year c) and net migration rate m[y] (net migrants / population):

- progression ratio of grade g: r_g = sum_y (E[y][g] / (1 + m[y])) / sum_y E[y-1][g-1], over the
  recorded pairs of years (the ratio net of the migration recorded then; 1 when nothing is recorded);
- entry ratio of the school's first grade: e = sum_y E[y][g0] / sum_y F[y], the feeder F being the
  town's births six years earlier for grade 1, and the district's grade 6 of the year before for a
  junior school's grade 7;
- projection: P[y][g0] = e * F[y]; P[y][g] = P[y-1][g-1] * r_g * (1 + m'), m' the explicit migration
  term (the town's latest recorded rate unless a what-if sets it); births not yet recorded are
  taken as the mean of the last three recorded years;
- a town's demand by stage adds the new housing completing after the base year: households x the
  places-per-100-households norm / 100, from its completion year on.

The back-test runs the same method from each earlier base year on the data known then and compares
the towns' totals with what was later recorded: the mean absolute percentage error by stage and town.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

ENTRY_AGE = 6
STAGE_GRADES: dict[str, tuple[int, ...]] = {"primary": (1, 2, 3, 4, 5, 6), "junior": (7, 8, 9)}
METHOD = (
    "年级推移法（队列法）：入学年级=出生人口×入学比例（初中七年级=全区上年六年级×升入比例），"
    "其余年级=上年低一年级×升级比例×（1+净迁移率），新建住宅按每百户学位指标计入"
)


def stage_of(grade: int) -> str | None:
    for stage, grades in STAGE_GRADES.items():
        if grade in grades:
            return stage
    return None


@dataclass(frozen=True)
class SchoolHistory:
    school_id: int
    town_id: int
    enrolment: Mapping[int, Mapping[int, int]]  # school year -> grade (1-9) -> pupils


@dataclass(frozen=True)
class TownInputs:
    births: Mapping[int, int] = field(default_factory=dict)  # calendar year -> births
    migration: Mapping[int, float] = field(default_factory=dict)  # year -> net migrants / population
    housing: Sequence[tuple[int, int]] = ()  # (completion year, households)


@dataclass(frozen=True)
class SchoolExplain:
    entry_grade: int
    entry_ratio: float
    ratios: dict[int, float]
    migration: float


@dataclass
class Forecast:
    base_year: int
    years: list[int]
    schools: dict[int, dict[int, dict[int, float]]]  # school -> year -> grade -> pupils
    towns: dict[tuple[int, str], dict[int, float]]  # (town, stage) -> year -> pupils (with housing)
    housing: dict[tuple[int, str], dict[int, float]]  # (town, stage) -> year -> housing yield
    explain: dict[int, SchoolExplain]
    births_used: dict[int, dict[int, float]]  # town -> calendar year -> births (recorded or assumed)


def _births(town: TownInputs, year: int) -> float:
    if year in town.births:
        return float(town.births[year])
    recorded = [town.births[y] for y in sorted(town.births) if y <= year][-3:]
    return sum(recorded) / len(recorded) if recorded else 0.0


def latest_migration(town: TownInputs, base_year: int) -> float:
    known = [y for y in town.migration if y <= base_year]
    return float(town.migration[max(known)]) if known else 0.0


def progression_ratios(
    enrolment: Mapping[int, Mapping[int, int]], migration: Mapping[int, float], grades: Sequence[int]
) -> dict[int, float]:
    ratios: dict[int, float] = {}
    for g in grades[1:]:
        num = den = 0.0
        for y in enrolment:
            before = enrolment.get(y - 1)
            if before is None or g - 1 not in before:
                continue
            num += enrolment[y].get(g, 0) / (1.0 + migration.get(y, 0.0))
            den += before[g - 1]
        ratios[g] = num / den if den > 0 else 1.0
    return ratios


def _town_grade_totals(histories: Sequence[SchoolHistory], grade: int) -> dict[int, float]:
    totals: dict[int, float] = defaultdict(float)
    for h in histories:
        for y, grades in h.enrolment.items():
            totals[y] += grades.get(grade, 0)
    return dict(totals)


def forecast(
    histories: Sequence[SchoolHistory],
    towns: Mapping[int, TownInputs],
    *,
    base_year: int,
    horizon: int,
    yield_per_100: Mapping[str, float],
    migration_override: Mapping[int, float] | None = None,
) -> Forecast:
    """Project every school from its enrolment up to `base_year` (later years are ignored), then sum
    the towns by stage and add the housing completing after the base year."""
    years = list(range(base_year + 1, base_year + horizon + 1))
    known = [
        SchoolHistory(h.school_id, h.town_id, {y: g for y, g in h.enrolment.items() if y <= base_year})
        for h in histories
    ]
    known = [h for h in known if base_year in h.enrolment]
    grade6_actual = _town_grade_totals(known, 6)
    grade6_future: dict[int, float] = defaultdict(float)
    schools: dict[int, dict[int, dict[int, float]]] = {}
    explain: dict[int, SchoolExplain] = {}
    births_used: dict[int, dict[int, float]] = defaultdict(dict)
    # Schools that start at grade 1 first: a junior school's intake is the district's grade 6.
    order = sorted(known, key=lambda h: (min(h.enrolment[base_year] or {7: 0}) >= 7, h.school_id))
    for h in order:
        town = towns.get(h.town_id, TownInputs())
        grades = sorted({g for gs in h.enrolment.values() for g in gs if stage_of(g)})
        if not grades:
            continue
        g0 = grades[0]
        migration = {y: m for y, m in town.migration.items() if y <= base_year}
        ratios = progression_ratios(h.enrolment, migration, grades)
        num = den = 0.0
        for y, gs in h.enrolment.items():
            # only recorded feeders: births assumed for a year would make the ratio circular
            f = float(town.births.get(y - ENTRY_AGE, 0)) if g0 < 7 else grade6_actual.get(y - 1, 0.0)
            if f > 0:
                num += gs.get(g0, 0)
                den += f
        entry = num / den if den > 0 else 0.0
        m = (migration_override or {}).get(h.town_id, latest_migration(town, base_year))
        explain[h.school_id] = SchoolExplain(g0, entry, ratios, m)
        previous: dict[int, float] = {g: float(h.enrolment[base_year].get(g, 0)) for g in grades}
        projected: dict[int, dict[int, float]] = {}
        for y in years:
            if g0 < 7:
                feed = _births(town, y - ENTRY_AGE)
                births_used[h.town_id][y - ENTRY_AGE] = feed
            else:
                feed = grade6_actual.get(y - 1, 0.0) if y - 1 <= base_year else grade6_future[y - 1]
            row = {g0: entry * feed}
            for g in grades[1:]:
                row[g] = previous.get(g - 1, 0.0) * ratios[g] * (1.0 + m)
            projected[y] = row
            previous = row
            if 6 in row:
                grade6_future[y] += row[6]
        schools[h.school_id] = projected
    town_totals: dict[tuple[int, str], dict[int, float]] = defaultdict(lambda: dict.fromkeys(years, 0.0))
    for h in known:
        for y, row in schools.get(h.school_id, {}).items():
            for g, n in row.items():
                stage = stage_of(g)
                if stage:
                    town_totals[(h.town_id, stage)][y] += n
    housing: dict[tuple[int, str], dict[int, float]] = {}
    for town_id, town in towns.items():
        for stage in STAGE_GRADES:
            per = yield_per_100.get(stage, 0.0) / 100.0
            added = {y: sum(hh * per for done, hh in town.housing if base_year < done <= y) for y in years}
            if any(added.values()):
                housing[(town_id, stage)] = added
                totals = town_totals[(town_id, stage)]
                for y in years:
                    totals[y] += added[y]
    return Forecast(base_year, years, schools, dict(town_totals), housing, explain, dict(births_used))


def actual_town_totals(histories: Sequence[SchoolHistory]) -> dict[tuple[int, str], dict[int, int]]:
    totals: dict[tuple[int, str], dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for h in histories:
        for y, grades in h.enrolment.items():
            for g, n in grades.items():
                stage = stage_of(g)
                if stage:
                    totals[(h.town_id, stage)][y] += n
    return {k: dict(v) for k, v in totals.items()}


@dataclass(frozen=True)
class BacktestCell:
    stage: str
    town_id: int | None  # None: the stage over every town
    n: int  # (base year, target year) comparisons
    mape: float  # percent


def backtest(
    histories: Sequence[SchoolHistory],
    towns: Mapping[int, TownInputs],
    *,
    yield_per_100: Mapping[str, float],
) -> list[BacktestCell]:
    """Forecast from every recorded year that has a year before it (the ratios need one) and a year
    after it, on the data known then, and compare the towns' stage totals with the recorded ones."""
    actual = actual_town_totals(histories)
    years = sorted({y for h in histories for y in h.enrolment})
    errors: dict[tuple[str, int], list[float]] = defaultdict(list)
    for base in years[1:-1]:
        past_towns = {
            t: TownInputs(
                births=town.births,
                migration={y: m for y, m in town.migration.items() if y <= base},
                housing=town.housing,
            )
            for t, town in towns.items()
        }
        fc = forecast(
            histories, past_towns, base_year=base, horizon=years[-1] - base, yield_per_100=yield_per_100
        )
        for (town_id, stage), projected in fc.towns.items():
            for y, value in projected.items():
                recorded = actual.get((town_id, stage), {}).get(y, 0)
                if recorded > 0:
                    errors[(stage, town_id)].append(abs(value - recorded) / recorded * 100.0)
    cells = [
        BacktestCell(stage, town, len(e), sum(e) / len(e)) for (stage, town), e in sorted(errors.items())
    ]
    for stage in STAGE_GRADES:
        pooled = [x for (s, _t), e in errors.items() if s == stage for x in e]
        if pooled:
            cells.append(BacktestCell(stage, None, len(pooled), sum(pooled) / len(pooled)))
    return cells
