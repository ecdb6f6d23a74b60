"""The bulk forecast and gaps (DuckDB and pandas) on a tiny district worked by hand, and against
forecast.py on the same data.

Town 1: school 1 (grades 1-2): 2024 50/40, 2025 60/45, one class a grade; births 2018 100, 2019
120, 2020 150 (2021 not recorded: the mean of the last three, 123.33); 2025 net migration 100 of
10,000 (m = 0.01). Entry ratio (50 + 60) / (100 + 120) = 0.5; ratio of grade 2
(45 / 1.01) / 50, so ratio x (1 + m) = 0.9. 2026: 0.5 x 150 = 75 and 60 x 0.9 = 54; 2027: 0.5 x
123.33 = 61.67 and 75 x 0.9 = 67.5. 200 households completing 2027 add 20 primary and 10 junior
places of demand (10 and 5 per 100). Two classrooms (90 places) and a project of 45 from 2027:
gap 90 - 129 = -39, then 135 - 149.17 = -14.17; short from 2026.
Town 2: school 3 (grades 1-6, 40 a grade, births 80 a year, no migration) stays at 40 a grade;
junior school 2 (grades 7-8: 2024 30/30, 2025 36/33) takes 36 / 40 = 0.9 of the district's grade
6 (40) and carries 33 / 30 = 1.1 into grade 8: 36 and 39.6 each year."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from edugov.planning.bulk import GAP_KEYS, SCHOOL_KEYS, Params, compare, duck, first_short, frames
from edugov.planning.forecast import SchoolHistory, TownInputs, forecast

P = Params(horizon=2, yield_per_100={"primary": 10.0, "junior": 5.0})
ENROLMENT = {
    (1, 1): {2024: {1: 50, 2: 40}, 2025: {1: 60, 2: 45}},
    (2, 2): {2024: {7: 30, 8: 30}, 2025: {7: 36, 8: 33}},
    (3, 2): {y: dict.fromkeys(range(1, 7), 40) for y in (2024, 2025)},
}


def tables() -> dict[str, pd.DataFrame]:
    enrolment = [
        (1, town, school, y, g, n, 1)
        for (school, town), years in ENROLMENT.items()
        for y, grades in years.items()
        for g, n in grades.items()
    ]
    towns = [(1, 1, 2018, 100, 0, 0), (1, 1, 2019, 120, 0, 0), (1, 1, 2020, 150, 0, 0)]
    towns += [(1, 1, 2025, 0, 10_000, 100)]
    towns += [(1, 2, y, 80, 0, 0) for y in range(2016, 2026)]
    return {
        "enrolment": pd.DataFrame(
            enrolment, columns=["district", "town", "school", "year", "grade", "pupils", "classes"]
        ),
        "towns": pd.DataFrame(
            towns, columns=["district", "town", "year", "births", "population", "net_migration"]
        ),
        "housing": pd.DataFrame(
            [(1, 1, 2027, 200)], columns=["district", "town", "completion_year", "households"]
        ),
        "capacity": pd.DataFrame(
            [(1, "primary", 2), (3, "primary", 6)], columns=["school", "stage", "classrooms"]
        ),
        "projects": pd.DataFrame(
            [(1, "primary", 45, 2027)], columns=["school", "stage", "places", "join_year"]
        ),
    }


def run_duck(t: dict[str, pd.DataFrame]) -> tuple[pd.DataFrame, pd.DataFrame]:
    con = duckdb.connect()
    for name, frame in t.items():
        con.register(name, frame)
    return duck.run(con, {name: name for name in t}, P)


@pytest.fixture(params=["duckdb", "pandas"])
def result(request) -> tuple[pd.DataFrame, pd.DataFrame]:
    t = tables()
    return run_duck(t) if request.param == "duckdb" else frames.run(t, P)


def pupils(schools: pd.DataFrame, school: int, year: int, grade: int) -> float:
    row = schools[(schools["school"] == school) & (schools["year"] == year) & (schools["grade"] == grade)]
    assert len(row) == 1
    return float(row["pupils"].iloc[0])


def test_projection_by_hand(result):
    schools, _ = result
    assert pupils(schools, 1, 2026, 1) == pytest.approx(75)
    assert pupils(schools, 1, 2026, 2) == pytest.approx(54)
    assert pupils(schools, 1, 2027, 1) == pytest.approx(370 / 6)
    assert pupils(schools, 1, 2027, 2) == pytest.approx(67.5)
    for year in (2026, 2027):
        assert pupils(schools, 2, year, 7) == pytest.approx(36)
        assert pupils(schools, 2, year, 8) == pytest.approx(39.6)
        assert pupils(schools, 3, year, 6) == pytest.approx(40)
    assert len(schools) == 2 * (2 + 2 + 6)


def test_gaps_by_hand(result):
    _, gaps = result
    g = gaps.set_index(GAP_KEYS)
    primary26, primary27 = g.loc[(1, 1, "primary", 2026)], g.loc[(1, 1, "primary", 2027)]
    assert primary26["demand"] == pytest.approx(129)
    assert primary26["places"] == 90 and primary26["gap"] == pytest.approx(-39)
    assert primary27["demand"] == pytest.approx(370 / 6 + 67.5 + 20)
    assert primary27["housing"] == pytest.approx(20) and primary27["places"] == 135
    assert (primary26["over_capacity_schools"], primary27["over_capacity_schools"]) == (1, 0)
    assert (primary26["oversized_classes"], primary27["oversized_classes"]) == (1, 2)
    # town 1 has no junior school: the estate's junior demand, no classrooms, so never "short"
    assert g.loc[(1, 1, "junior", 2027)]["demand"] == pytest.approx(10)
    assert g.loc[(1, 2, "junior", 2026)]["demand"] == pytest.approx(75.6)
    assert g.loc[(1, 2, "primary", 2026)]["gap"] == pytest.approx(30)
    assert first_short(gaps) == {(1, 1, "primary"): 2026}
    assert len(gaps) == 2 * 4


def test_duckdb_pandas_and_forecast_agree():
    t = tables()
    s_duck, g_duck = run_duck(t)
    s_pandas, g_pandas = frames.run(t, P)
    assert compare(s_duck, s_pandas, SCHOOL_KEYS) == (20, [])
    assert compare(g_duck, g_pandas, GAP_KEYS) == (8, [])
    histories = [SchoolHistory(s, town, years) for (s, town), years in ENROLMENT.items()]
    towns = {
        1: TownInputs(
            births={2018: 100, 2019: 120, 2020: 150, 2025: 0}, migration={2025: 0.01}, housing=[(2027, 200)]
        ),
        2: TownInputs(births=dict.fromkeys(range(2016, 2026), 80)),
    }
    fc = forecast(histories, towns, base_year=2025, horizon=2, yield_per_100=P.yield_per_100)
    ref = pd.DataFrame(
        [
            (1, h.town_id, h.school_id, y, g, v)
            for h in histories
            for y, row in fc.schools[h.school_id].items()
            for g, v in row.items()
        ],
        columns=["district", "town", "school", "year", "grade", "pupils"],
    )
    assert compare(s_duck, ref, SCHOOL_KEYS) == (20, [])
    demand = g_duck[[*GAP_KEYS, "demand"]]
    ref_towns = pd.DataFrame(
        [(1, town, stage, y, v) for (town, stage), ys in fc.towns.items() for y, v in ys.items()],
        columns=[*GAP_KEYS, "demand"],
    )
    assert compare(demand, ref_towns, GAP_KEYS) == (8, [])


def test_a_wrong_figure_is_caught():
    t = tables()
    s_duck, _ = run_duck(t)
    changed = s_duck.copy()
    changed.loc[0, "pupils"] += 0.01
    n, problems = compare(s_duck, changed, SCHOOL_KEYS)
    assert n == 20 and len(problems) == 1
