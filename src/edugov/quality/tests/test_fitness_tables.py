"""The per-item conversion tables (data/fitness_tables_2014.toml) read by hand-checked rows: each
cell's boundary, the direction of timed items, BMI bands, bonus points, every grade 1-12 by its
pass (60-point) cell, a 初三 girl and a 高二 boy scored by hand, and a grade whose table is not
encoded refused in Chinese.

Sources of the hand-checked cells (docs/quality-fitness.md, 来源): A is the standard's full text
(ECNU copy) as extracted into the public data file Bitzac/Project-Uno compass/src/refdata.js; B is
two independent reposts of the senior-high (高一～高三) tables, which agree with A on every cell
checked below except the girls' 800 m (noted where it is used)."""

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
        ("run_800m", 7, "F", "295", 60),  # 4'55" (A; the earlier entry had 4'34")
        ("run_800m", 7, "F", "296", 50),
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
        ("run_800m", 7, "F", "205", 2),  # 10 s faster than 3'35"
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


# The 60-point (pass) cell of every item of every newly encoded grade, typed from source A's
# tables 1-3 ... 1-16 (grades 10-12 also read in source B, the same except the girls' 800 m: B has
# 4'38" and 4'32" for 高二 and 高三 where A has 4'38" = 278 s and 4'36" = 276 s). Each cell is checked
# at its edge: the threshold itself scores 60, one unit worse (0.1 s, 0.1 cm, 1 s, 1 ml, 1 count)
# drops to the 50-point row.
PASS_CELLS = {
    # grade: {(item, sex): threshold}
    2: {("vital_capacity", "M"): "800", ("vital_capacity", "F"): "700", ("run_50m", "M"): "12.0",
        ("run_50m", "F"): "12.8", ("sit_and_reach", "M"): "-0.4", ("sit_and_reach", "F"): "2.3",
        ("rope_skipping", "M"): "25", ("rope_skipping", "F"): "27"},
    3: {("vital_capacity", "M"): "900", ("vital_capacity", "F"): "800", ("run_50m", "M"): "11.5",
        ("run_50m", "F"): "12.0", ("sit_and_reach", "M"): "-0.8", ("sit_and_reach", "F"): "2.2",
        ("rope_skipping", "M"): "34", ("rope_skipping", "F"): "39", ("sit_ups", "M"): "16",
        ("sit_ups", "F"): "16"},
    4: {("vital_capacity", "M"): "1100", ("vital_capacity", "F"): "900", ("run_50m", "M"): "11.1",
        ("run_50m", "F"): "11.5", ("sit_and_reach", "M"): "-2.2", ("sit_and_reach", "F"): "2.1",
        ("rope_skipping", "M"): "45", ("rope_skipping", "F"): "49", ("sit_ups", "M"): "17",
        ("sit_ups", "F"): "17"},
    5: {("vital_capacity", "M"): "1300", ("vital_capacity", "F"): "1050", ("run_50m", "M"): "10.8",
        ("run_50m", "F"): "11.1", ("sit_and_reach", "M"): "-2.6", ("sit_and_reach", "F"): "2.0",
        ("rope_skipping", "M"): "56", ("rope_skipping", "F"): "58", ("sit_ups", "M"): "18",
        ("sit_ups", "F"): "18", ("shuttle_50x8", "M"): "138", ("shuttle_50x8", "F"): "143"},
    6: {("vital_capacity", "M"): "1500", ("vital_capacity", "F"): "1200", ("run_50m", "M"): "10.6",
        ("run_50m", "F"): "11.0", ("sit_and_reach", "M"): "-4.0", ("sit_and_reach", "F"): "1.9",
        ("rope_skipping", "M"): "65", ("rope_skipping", "F"): "66", ("sit_ups", "M"): "19",
        ("sit_ups", "F"): "19", ("shuttle_50x8", "M"): "132", ("shuttle_50x8", "F"): "139"},
    8: {("vital_capacity", "M"): "2000", ("vital_capacity", "F"): "1500", ("run_50m", "M"): "9.9",
        ("run_50m", "F"): "10.8", ("sit_and_reach", "M"): "-1.4", ("sit_and_reach", "F"): "2.9",
        ("long_jump", "M"): "170", ("long_jump", "F"): "144", ("pull_ups", "M"): "5",
        ("sit_ups", "F"): "21", ("run_1000m", "M"): "305", ("run_800m", "F"): "290"},
    9: {("vital_capacity", "M"): "2300", ("vital_capacity", "F"): "1650", ("run_50m", "M"): "9.7",
        ("run_50m", "F"): "10.7", ("sit_and_reach", "M"): "-0.2", ("sit_and_reach", "F"): "3.7",
        ("long_jump", "M"): "185", ("long_jump", "F"): "146", ("pull_ups", "M"): "6",
        ("sit_ups", "F"): "22", ("run_1000m", "M"): "295", ("run_800m", "F"): "285"},
    10: {("vital_capacity", "M"): "2600", ("vital_capacity", "F"): "1750", ("run_50m", "M"): "9.5",
         ("run_50m", "F"): "10.6", ("sit_and_reach", "M"): "1.0", ("sit_and_reach", "F"): "4.4",
         ("long_jump", "M"): "195", ("long_jump", "F"): "148", ("pull_ups", "M"): "7",
         ("sit_ups", "F"): "23", ("run_1000m", "M"): "285", ("run_800m", "F"): "280"},
    11: {("vital_capacity", "M"): "2800", ("vital_capacity", "F"): "1850", ("run_50m", "M"): "9.4",
         ("run_50m", "F"): "10.5", ("sit_and_reach", "M"): "2.1", ("sit_and_reach", "F"): "5.0",
         ("long_jump", "M"): "200", ("long_jump", "F"): "149", ("pull_ups", "M"): "8",
         ("sit_ups", "F"): "24", ("run_1000m", "M"): "280", ("run_800m", "F"): "278"},
    12: {("vital_capacity", "M"): "3000", ("vital_capacity", "F"): "1950", ("run_50m", "M"): "9.2",
         ("run_50m", "F"): "10.4", ("sit_and_reach", "M"): "3.2", ("sit_and_reach", "F"): "5.5",
         ("long_jump", "M"): "205", ("long_jump", "F"): "150", ("pull_ups", "M"): "9",
         ("sit_ups", "F"): "25", ("run_1000m", "M"): "275", ("run_800m", "F"): "276"},
}  # fmt: skip
TIMED = {"run_50m", "run_1000m", "run_800m", "shuttle_50x8"}
ONE_PLACE = {"run_50m", "sit_and_reach"}


def test_every_item_of_every_new_grade_has_its_pass_cell():
    std = ft.standard()
    for grade, cells in PASS_CELLS.items():
        for sex in ("M", "F"):
            items = {code for code in std.group_for(grade, sex).weights if code != "bmi"}
            assert {item for item, s in cells if s == sex} == items, (grade, sex)


@pytest.mark.parametrize(
    ("grade", "item", "sex", "threshold"),
    [(g, item, sex, v) for g, cells in PASS_CELLS.items() for (item, sex), v in cells.items()],
)
def test_the_pass_cell_of_each_new_grade_at_its_edge(grade, item, sex, threshold):
    value = D(threshold)
    step = D("0.1") if item in ONE_PLACE else D(1)
    worse = value + step if item in TIMED else value - step
    assert ft.item_points(item, value, grade, sex) == 60
    assert ft.item_points(item, worse, grade, sex) == 50


@pytest.mark.parametrize(
    ("item", "grade", "sex", "value", "points"),
    [
        # top cells (A; grades 10-12 also B)
        ("vital_capacity", 9, "M", "4240", 100),
        ("vital_capacity", 9, "M", "4239", 95),
        ("run_50m", 4, "F", "8.7", 100),
        ("run_50m", 4, "F", "8.8", 95),
        ("rope_skipping", 6, "M", "157", 100),
        ("shuttle_50x8", 5, "M", "96", 100),  # 1'36"
        ("shuttle_50x8", 5, "M", "97", 95),
        ("long_jump", 12, "M", "270", 100),
        ("run_1000m", 10, "M", "210", 100),  # 3'30"
        ("run_800m", 11, "F", "202", 100),  # 3'22" (A; one B repost has 3'18")
        ("sit_ups", 12, "F", "55", 100),
        ("sit_and_reach", 6, "M", "-0.1", 66),  # flexibility falls through primary school
        # pull-ups: blank cells at 78/74/70/66/62 and none at 20/10 in 初一, 10 in 初二
        ("pull_ups", 8, "M", "10", 80),
        ("pull_ups", 8, "M", "9", 76),
        ("pull_ups", 8, "M", "1", 20),
        ("pull_ups", 8, "M", "0", 0),
        ("pull_ups", 9, "M", "1", 10),
        ("pull_ups", 7, "M", "0", 0),
    ],
)
def test_other_cells_of_new_grades(item, grade, sex, value, points):
    assert ft.item_points(item, D(value), grade, sex) == points


@pytest.mark.parametrize(
    ("grade", "sex", "normal", "overweight"),
    [
        (3, "M", ("13.9", "19.4"), ("19.5", "22.1")),  # A table 1-1: obese from 22.2
        (5, "F", ("13.8", "20.5"), ("20.6", "22.9")),  # A table 1-2: obese from 23.0
        (9, "M", ("15.8", "22.8"), ("22.9", "26.0")),
        (11, "M", ("16.8", "23.7"), ("23.8", "26.5")),  # also B
        (12, "F", ("17.1", "23.3"), ("23.4", "25.7")),  # also B
    ],
)
def test_bmi_bands_of_new_grades_at_their_edges(grade, sex, normal, overweight):
    lo, hi = (D(v) for v in normal)
    over = D(overweight[1])
    assert (ft.bmi_points(lo - D("0.1"), grade, sex), ft.bmi_points(lo, grade, sex)) == (80, 100)
    assert (ft.bmi_points(hi, grade, sex), ft.bmi_points(hi + D("0.1"), grade, sex)) == (100, 80)
    assert (ft.bmi_points(over, grade, sex), ft.bmi_points(over + D("0.1"), grade, sex)) == (80, 60)


def test_a_grade_nine_girl_scored_from_raw_measures():
    c = ft.score_measures(
        grade=9,
        sex="F",
        measures={
            "height_cm": D(160),
            "weight_kg": D(52),
            "vital_capacity": D(2800),
            "run_50m": D("9.3"),
            "sit_and_reach": D("15.4"),
            "long_jump": D(170),
            "sit_ups": D(55),
            "run_800m": D(230),
        },
    )
    # 初三 girl, source A: BMI 52 / 1.6^2 = 20.3 (normal 16.0-22.6) -> 100; 2800 ml -> 85 (2800);
    # 9.3 s -> 74 (9.3); 15.4 cm -> 78 (15.4); 170 cm -> 76 (170); 55 sit-ups -> 100 (52) and
    # 3 beyond -> +1; 3'50" -> 80 (3'55", the 85 cell is 3'47").
    # 15 + 12.75 + 14.8 + 7.8 + 7.6 + 10 + 16 = 83.95 -> 84.0; total 83.95 + 1 = 84.95 -> 85.0 良好
    assert c.bmi == D("20.3")
    assert c.item_scores == {
        "bmi": 100,
        "vital_capacity": 85,
        "run_50m": 74,
        "sit_and_reach": 78,
        "long_jump": 76,
        "sit_ups": 100,
        "run_800m": 80,
    }
    assert c.bonus == {"sit_ups": 1}
    assert (c.score.standard, c.score.bonus, c.score.total, c.score.band) == (
        D("84.0"),
        D(1),
        D("85.0"),
        "良好",
    )


def test_a_senior_two_boy_scored_from_raw_measures():
    c = ft.score_measures(
        grade=11,
        sex="M",
        measures={
            "height_cm": D(175),
            "weight_kg": D(80),
            "vital_capacity": D(4000),
            "run_50m": D("7.5"),
            "sit_and_reach": D("10.0"),
            "long_jump": D(230),
            "pull_ups": D(11),
            "run_1000m": D(260),
        },
    )
    # 高二 boy, sources A and B agree on every cell used: BMI 80 / 1.75^2 = 26.1 (overweight
    # 23.8-26.5) -> 80; 4000 ml -> 80 (4000); 7.5 s -> 78 (7.6); 10.0 cm -> 70 (9.1; the 72 cell is
    # 10.5); 230 cm -> 74 (228); 11 pull-ups -> 72 (11; the 74 cell is blank); 4'20" -> 68 (4'20").
    # 12 + 12 + 15.6 + 7 + 7.4 + 7.2 + 13.6 = 74.8, no bonus: 74.8 及格
    assert c.bmi == D("26.1")
    assert c.item_scores == {
        "bmi": 80,
        "vital_capacity": 80,
        "run_50m": 78,
        "sit_and_reach": 70,
        "long_jump": 74,
        "pull_ups": 72,
        "run_1000m": 68,
    }
    assert c.bonus == {}
    assert (c.score.standard, c.score.bonus, c.score.total, c.score.band) == (
        D("74.8"),
        D(0),
        D("74.8"),
        "及格",
    )


def _without_grade(grade: int) -> ft.Tables:
    import tomllib

    data = tomllib.loads(ft.DATA.read_text(encoding="utf-8"))
    data["tables"] = [t for t in data["tables"] if t["grades"] != [grade]]
    data["bmi"] = [b for b in data["bmi"] if b["grades"] != [grade]]
    return ft.parse_tables(data)


def test_a_grade_without_its_table_is_refused_in_chinese():
    partial = _without_grade(3)
    assert not partial.covers(3, "M") and partial.covers(4, "M")
    assert 3 not in partial.grades()
    with pytest.raises(DomainError, match="3年级男生“50米跑”的评分表尚未录入"):
        ft.item_points("run_50m", D("9.0"), 3, "M", partial)
    with pytest.raises(DomainError, match="3年级女生的体重指数（BMI）分档尚未录入"):
        ft.bmi_points(D("16.0"), 3, "F", partial)


def test_a_table_out_of_order_is_refused():
    import tomllib

    data = tomllib.loads(ft.DATA.read_text(encoding="utf-8"))
    rows = data["tables"][0]["rows"]
    rows[3], rows[4] = rows[4], rows[3]
    with pytest.raises(DomainError, match="临界值不单调"):
        ft.parse_tables(data)


def test_every_grade_is_encoded_marked_to_be_verified_and_monotone():
    t = ft.tables()  # parse_tables refuses a table whose thresholds or points are out of order
    assert t.grades() == list(range(1, 13))
    assert t.status == "待核实"
    assert all(x.status == "待核实" for x in (*t.tables, *t.bonus))
    assert all(b.status == "待核实" for b in t.bmi)
    # one table per item, grade and sex: 4 items in grades 1-2, 5 in 3-4, 6 in 5-12, both sexes
    assert len(t.tables) == 2 * (2 * 4 + 2 * 5 + 2 * 6 + 6 * 6) == 132
    assert len({(x.item, x.grades, x.sex) for x in t.tables}) == 132
    assert len(t.bmi) == 24


@pytest.mark.parametrize(("grade", "sex"), [(g, s) for g in range(1, 13) for s in ("M", "F")])
def test_the_vectorised_scoring_agrees_with_the_pupil_by_pupil_one(grade, sex):
    import numpy as np

    rng = np.random.default_rng(grade * 10 + (sex == "F"))
    n = 120
    t = ft.tables()
    group = ft.standard().group_for(grade, sex)
    measures: dict[str, Any] = {
        "height_cm": np.round(rng.normal(115 + 5 * grade, 6, n), 1),
        "weight_kg": np.round(rng.normal(18 + 3.5 * grade, 5, n), 1),
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
