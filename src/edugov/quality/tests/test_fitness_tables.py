"""The per-item conversion tables (data/fitness_tables_2014.toml) read by hand-checked rows: each
cell's boundary, the direction of timed items, BMI bands, bonus points, and a grade whose table is
not encoded refused in Chinese."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest

from edugov.common.errors import DomainError
from edugov.quality import fitness_tables as ft
from edugov.quality.fitness import BAND_LABELS


@pytest.mark.parametrize(
    ("item", "grade", "sex", "value", "points"),
    [
        ("run_50m", 1, "M", "10.2", 100),  # the 100-point cell
        ("run_50m", 1, "M", "10.25", 95),  # slower than 10.2: the next cell
        ("run_50m", 1, "M", "12.6", 60),
        ("run_50m", 1, "M", "13.6", 10),
        ("run_50m", 1, "M", "13.7", 0),  # slower than the last cell
        ("vital_capacity", 1, "M", "1700", 100),
        ("vital_capacity", 1, "M", "1699", 95),
        ("vital_capacity", 1, "F", "600", 60),
        ("sit_and_reach", 1, "F", "18.6", 100),
        ("sit_and_reach", 1, "M", "-0.8", 50),
        ("rope_skipping", 1, "F", "117", 100),
        ("rope_skipping", 1, "M", "17", 60),
        ("run_1000m", 7, "M", "235", 100),  # 3'55"
        ("run_1000m", 7, "M", "320", 60),  # 5'20"
        ("run_800m", 7, "F", "274", 60),  # 4'34"
        ("pull_ups", 7, "M", "8", 76),  # the pull-up table has no 78
        ("pull_ups", 7, "M", "3", 50),
        ("sit_ups", 7, "F", "20", 60),
        ("long_jump", 7, "M", "155", 60),
        ("long_jump", 7, "F", "196", 100),
    ],
)
def test_item_points_by_hand_checked_rows(item, grade, sex, value, points):
    assert ft.item_points(item, D(value), grade, sex) == points


@pytest.mark.parametrize(
    ("height", "weight", "grade", "sex", "bmi", "points"),
    [
        ("120", "22", 1, "M", "15.3", 100),  # 22 / 1.2² = 15.28
        ("120", "19", 1, "M", "13.2", 80),  # low weight
        ("120", "28", 1, "M", "19.4", 80),  # overweight (18.2-20.3)
        ("118", "28", 1, "F", "20.1", 60),  # obese (girls >= 19.3)
        ("160", "64", 7, "M", "25.0", 60),
    ],
)
def test_bmi_bands(height, weight, grade, sex, bmi, points):
    value = ft.bmi_of(D(height), D(weight))
    assert value == D(bmi)
    assert ft.bmi_points(value, grade, sex) == points


@pytest.mark.parametrize(
    ("item", "grade", "sex", "value", "bonus"),
    [
        ("rope_skipping", 1, "M", "109", 0),  # exactly 100 points: no bonus
        ("rope_skipping", 1, "M", "111", 1),  # 2 beyond
        ("rope_skipping", 1, "M", "200", 20),  # capped at the table's top
        ("pull_ups", 7, "M", "15", 2),
        ("run_1000m", 7, "M", "231", 1),  # 4 s faster than 3'55"
        ("run_1000m", 7, "M", "200", 10),  # 35 s faster
        ("run_800m", 7, "F", "188", 2),  # 10 s faster than 3'18"
        ("sit_ups", 7, "F", "63", 10),  # 13 beyond 50
        ("long_jump", 7, "M", "260", 0),  # long jump carries no bonus
    ],
)
def test_bonus_points(item, grade, sex, value, bonus):
    assert ft.bonus_points(item, D(value), grade, sex) == bonus


def test_a_grade_seven_boy_scored_from_raw_measures():
    c = ft.score_measures(
        grade=7,
        sex="M",
        measures={
            "height_cm": D(160),
            "weight_kg": D(50),
            "vital_capacity": D(3000),
            "run_50m": D("8.4"),
            "sit_and_reach": D("10.4"),
            "long_jump": D(195),
            "pull_ups": D(15),
            "run_1000m": D(230),
        },
    )
    # BMI 19.5 -> 100; 3000 -> 80; 8.4 -> 78; 10.4 -> 80; 195 -> 80;
    # 15 pull-ups -> 100 (+2); 3'50" -> 100 (+1)
    # 15 + 12 + 15.6 + 8 + 8 + 10 + 20 = 88.6; total 88.6 + 3 = 91.6 优秀
    assert c.bmi == D("19.5")
    assert c.item_scores == {
        "bmi": 100,
        "vital_capacity": 80,
        "run_50m": 78,
        "sit_and_reach": 80,
        "long_jump": 80,
        "pull_ups": 100,
        "run_1000m": 100,
    }
    assert c.bonus == {"pull_ups": 2, "run_1000m": 1}
    assert (c.score.standard, c.score.bonus, c.score.total, c.score.band) == (
        D("88.6"),
        D(3),
        D("91.6"),
        "优秀",
    )


def test_a_grade_without_its_table_is_refused_in_chinese():
    assert not ft.tables().covers(3, "M")
    with pytest.raises(DomainError, match="3年级男生“50米跑”的评分表尚未录入"):
        ft.item_points("run_50m", D("9.0"), 3, "M")


def test_every_table_is_marked_to_be_verified_and_monotone():
    t = ft.tables()
    assert t.status == "待核实"
    assert all(x.status == "待核实" for x in (*t.tables, *t.bonus))
    assert all(b.status == "待核实" for b in t.bmi)
    assert {(x.item, x.grades, x.sex) for x in t.tables} >= {("run_50m", (1,), "M"), ("run_800m", (7,), "F")}


@pytest.mark.parametrize(("grade", "sex"), [(1, "M"), (1, "F"), (7, "M"), (7, "F")])
def test_the_vectorised_scoring_agrees_with_the_pupil_by_pupil_one(grade, sex):
    import numpy as np

    rng = np.random.default_rng(grade * 10 + (sex == "F"))
    n = 300
    t = ft.tables()
    group = ft.standard().group_for(grade, sex)
    measures: dict[str, Any] = {
        "height_cm": np.round(rng.normal(120 if grade == 1 else 158, 6, n), 1),
        "weight_kg": np.round(rng.normal(23 if grade == 1 else 48, 5, n), 1),
    }
    for code in group.weights:
        if code == "bmi":
            continue
        table = t.table(code, grade, sex)
        assert table is not None
        low, high = sorted((float(table.rows[0][1]), float(table.rows[-1][1])))
        span = high - low
        raw = rng.uniform(low - 0.3 * span, high + 0.3 * span, n)
        measures[code] = np.round(raw, 0 if abs(span) >= 20 else 1)
    arrays = ft.score_arrays(grade=grade, sex=sex, measures=measures)
    for i in range(n):
        one = ft.score_measures(grade=grade, sex=sex, measures={k: D(str(v[i])) for k, v in measures.items()})
        assert arrays["bmi"][i] == int(one.bmi * 10)
        assert {c: int(arrays[f"points_{c}"][i]) for c in group.weights} == one.item_scores
        assert D(int(arrays["total"][i])) / 10 == one.score.total, i
        assert BAND_LABELS[int(arrays["band"][i])] == one.score.band
