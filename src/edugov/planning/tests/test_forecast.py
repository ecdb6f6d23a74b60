"""The cohort method worked out by hand on a tiny case, and a back-test whose answer is known."""

from __future__ import annotations

import pytest

from edugov.planning.forecast import SchoolHistory, TownInputs, backtest, forecast, progression_ratios

NORM = {"primary": 12.0, "junior": 6.0}


def test_progression_ratio_is_pooled_and_net_of_recorded_migration():
    # grade 1 -> 2: 2024 (100 -> 99 at +10% migration: 90 net), 2025 (110 -> 110 at 0%): (90 + 110) / 210
    enrolment = {2023: {1: 100, 2: 80}, 2024: {1: 110, 2: 99}, 2025: {1: 120, 2: 110}}
    ratios = progression_ratios(enrolment, {2024: 0.10}, [1, 2])
    assert ratios[2] == pytest.approx(200 / 210)


def test_a_tiny_primary_school_by_hand():
    # Two recorded years. Births 2018: 200, 2019: 210 -> grade 1 in 2024: 100, 2025: 105 -> entry 0.5.
    school = SchoolHistory(1, 10, {2024: {1: 100, 2: 90}, 2025: {1: 105, 2: 95}})
    # grade 2 ratio: 95 / 100 = 0.95 (no migration recorded); migration term 2025: +2% (20 / 1000)
    town = TownInputs(births={2018: 200, 2019: 210, 2020: 220}, migration={2025: 0.02}, housing=[(2027, 500)])
    fc = forecast([school], {10: town}, base_year=2025, horizon=3, yield_per_100=NORM)
    e = fc.explain[1]
    r2 = 95 / 100 / 1.02  # 2025's 95 over 2024's 100, net of the 2% migration recorded that year
    assert e.entry_ratio == pytest.approx(205 / 410) and e.ratios[2] == pytest.approx(r2)
    assert e.migration == pytest.approx(0.02)
    p = fc.schools[1]
    # 2026: grade 1 = 0.5 x births 2020 (220) = 110; grade 2 = 105 x r2 x 1.02 = 105 x 0.95
    assert p[2026][1] == pytest.approx(110.0)
    assert p[2026][2] == pytest.approx(105 * r2 * 1.02)
    # 2027: births 2021 not recorded -> mean of 2018-2020 (210); grade 2 from 2026's grade 1
    assert p[2027][1] == pytest.approx(0.5 * 210)
    assert p[2027][2] == pytest.approx(110 * r2 * 1.02)
    # town primary demand 2027 adds the estate completing that year: 500 households x 12 / 100 = 60
    assert fc.towns[(10, "primary")][2026] == pytest.approx(110 + 105 * 0.95)
    assert fc.towns[(10, "primary")][2027] == pytest.approx(105 + 110 * 0.95 + 60)
    assert fc.towns[(10, "junior")][2027] == pytest.approx(30.0)  # housing alone: 500 x 6 / 100
    assert fc.births_used[10][2021] == pytest.approx(210.0)


def test_a_junior_school_takes_the_districts_grade_six():
    primary = SchoolHistory(1, 10, {2024: {5: 50, 6: 40}, 2025: {5: 60, 6: 50}})
    junior = SchoolHistory(2, 11, {2024: {7: 36}, 2025: {7: 40}})
    fc = forecast([primary, junior], {}, base_year=2025, horizon=2, yield_per_100=NORM)
    # entry ratio: 40 / 40 (2025's grade 7 over 2024's grade 6) = 1.0; 2026 grade 7 = 2025's grade 6 = 50
    assert fc.explain[2].entry_ratio == pytest.approx(1.0)
    assert fc.schools[2][2026][7] == pytest.approx(50.0)
    # 2027 grade 7 = projected 2026 grade 6 = 60 x (50 / 50 = 1.0) = 60
    assert fc.schools[2][2027][7] == pytest.approx(60.0)


def test_a_backtest_with_a_known_answer():
    # Births constant, entry ratio 0.5, everyone moves up: the method is exact until 2026, when the
    # town records 10% more pupils in grade 2 than the cohort gives (88 instead of 80).
    enrolment = {
        2023: {1: 80, 2: 80},
        2024: {1: 80, 2: 80},
        2025: {1: 80, 2: 80},
        2026: {1: 80, 2: 88},
    }
    town = TownInputs(births={y: 160 for y in range(2015, 2022)})
    cells = backtest([SchoolHistory(1, 10, enrolment)], {10: town}, yield_per_100=NORM)
    # bases 2024 and 2025 (2023 has no year before it). From 2024: 2025 exact (0%), 2026: 160 vs 168
    # (8 / 168). From 2025: 2026 again 8 / 168. Mean of (0, 8/168, 8/168).
    expected = (0 + 2 * 8 / 168 * 100) / 3
    town_cell = next(c for c in cells if c.town_id == 10)
    assert town_cell.stage == "primary" and town_cell.n == 3
    assert town_cell.mape == pytest.approx(expected)
    stage_cell = next(c for c in cells if c.town_id is None)
    assert stage_cell.mape == pytest.approx(expected)
