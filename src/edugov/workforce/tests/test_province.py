"""The province-scale computation (DuckDB SQL) and its pandas peer on a tiny table worked out by
hand, and both against `selectors.staffing` on the conftest's district.

Norms: ratio primary 19; village class ratio primary 1.5; load primary 16; periods 语文 g1 8,
音乐 g1 2; retirement men 60 / women 55, +1 month per 4 from 1965 / 1970, cap 36; today 2026-09.
School 1 (town 10, urban): two grade-1 classes of 40 and 36 -> 76 / 19 = 4 posts; 语文 2 x 8 / 16
  = 1.0, 音乐 2 x 2 / 16 = 0.25.
  r1 (man, 1966-05, 在编, primary 语文): 语文 12 + 音乐 4 -> 0.75 / 0.25, music outside his
  certificate; retires 1966-05 + 60 y + 5 months = 2026-10 (within five years); aged 60.
  r2 (woman, 1995-03, 聘用, junior 音乐): 音乐 16 -> 1.0, covered; aged 31.
School 2 (town 20, rural: a village school): one grade-1 class of 10 -> max(10 / 19, 1 x 1.5) = 1.5
  -> 2 posts; 语文 0.5, 音乐 0.125.
  r3 (woman, 1990-12, 在编, no certificate): 语文 10 + 数学 6 -> 0.625 / 0.375, none covered; aged 35.
  r4 (woman, 1971-02, 在编, primary 语文): 语文 14 -> 1.0; reached retirement age 2026-06 (55 y + 4
  months), already past: retiring within five years but not in the curve from 2026-09; aged 55.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd
import pytest

from edugov.workforce import selectors
from edugov.workforce.norms import Norms, retirement_month
from edugov.workforce.province import Params, compare, duckdb_compute, frames_from_db, pandas_compute

PARAMS = Params(
    ratio={"primary": 19.0},
    village_ratio={"primary": 1.5},
    load={"primary": 16.0},
    periods={"语文": {1: 8.0}, "音乐": {1: 2.0}},
    retirement={"M": (60, 1965, 4, 36), "F": (55, 1970, 4, 36)},
    today=(2026, 9),
)


def _frames() -> dict[str, pd.DataFrame]:
    return {
        "schools": pd.DataFrame(
            [(1, 10, "urban", False, "primary"), (2, 20, "rural", True, "primary")],
            columns=["school_id", "town_id", "locale", "village", "teaching_stage"],
        ),
        "classes": pd.DataFrame(
            [(1, 1, 40), (1, 1, 36), (2, 1, 10)], columns=["school_id", "grade", "pupils"]
        ),
        "teachers": pd.DataFrame(
            [
                (1, 1, "established", "primary", "语文", 1966, 5, "M"),
                (2, 1, "contract", "junior", "音乐", 1995, 3, "F"),
                (3, 2, "established", "none", "", 1990, 12, "F"),
                (4, 2, "established", "primary", "语文", 1971, 2, "F"),
            ],
            columns=[
                "record_id",
                "school_id",
                "employment_type",
                "cert_stage",
                "cert_subject",
                "birth_year",
                "birth_month",
                "sex",
            ],
        ),
        "loads": pd.DataFrame(
            [
                (1, "语文", 12),
                (1, "音乐", 4),
                (2, "音乐", 16),
                (3, "语文", 10),
                (3, "数学", 6),
                (4, "语文", 14),
            ],
            columns=["record_id", "subject", "periods"],
        ),
    }


def _duckdb(frames: dict[str, pd.DataFrame], params: Params) -> dict[str, pd.DataFrame]:
    con = duckdb.connect()
    for name, frame in frames.items():
        con.register(f"src_{name}", frame)
    return duckdb_compute(con, {k: f"src_{k}" for k in frames}, params)


@pytest.mark.parametrize("engine", ["duckdb", "pandas"])
def test_tiny_table_by_hand(engine):
    out = _duckdb(_frames(), PARAMS) if engine == "duckdb" else pandas_compute(_frames(), PARAMS)
    schools = out["schools"].set_index("school_id")
    assert schools.loc[1].tolist() == [76, 2, 4, 1, 2, 1, 0, 1]
    assert schools.loc[2].tolist() == [10, 1, 2, 2, 2, 1, 1, 1]
    subjects = {
        (r.school_id, r.subject): (r.need, r.have, r.qualified, r.retiring)
        for r in out["subjects"].itertuples()
    }
    assert subjects == {
        (1, "语文"): (1.0, 0.75, 0.75, 0.75),
        (1, "音乐"): (0.25, 1.25, 1.0, 0.0),
        (2, "语文"): (0.5, 1.625, 1.0, 1.0),
        (2, "音乐"): (0.125, 0.0, 0.0, 0.0),
    }
    heat = {(r.town_id, r.subject): (r.gap, r.gap_in_five_years) for r in out["heat"].itertuples()}
    assert heat == {
        (10, "语文"): (0.25, 1.0),
        (10, "音乐"): (0.0, 0.0),
        (20, "语文"): (0.0, 0.5),
        (20, "音乐"): (0.125, 0.125),
    }
    ages = {(r.locale, r.band): r.teachers for r in out["ages"].itertuples()}
    assert ages == {
        ("rural", "30-39岁"): 1,
        ("rural", "55岁及以上"): 1,
        ("urban", "30-39岁"): 1,
        ("urban", "55岁及以上"): 1,
    }
    assert [tuple(r) for r in out["retirements"].itertuples(index=False)] == [(2026, "urban", 1)]


def test_engines_agree_and_compare_finds_a_difference():
    ours, peer = _duckdb(_frames(), PARAMS), pandas_compute(_frames(), PARAMS)
    assert compare(ours, peer) == []
    peer["subjects"].loc[0, "qualified"] += 0.01
    assert compare(ours, peer) == ["subjects.qualified: 1 rows differ"]


def test_retirement_rule_matches_norms():
    norms = Norms.load_for()
    # the rule the tiny table uses is the national one
    assert PARAMS.retirement == Params.from_norms(norms, 2026, 9).retirement
    assert retirement_month(1966, 5, "M", norms) == (2026, 10)
    assert retirement_month(1971, 2, "F", norms) == (2026, 6)


@pytest.mark.django_db
def test_same_numbers_as_the_staffing_selector(world):
    md = world.md
    today = dt.date(2026, 3, 1)
    st = selectors.staffing(actor=world.personnel, year=md.year, today=today)
    params = Params.from_norms(st.norms, today.year, today.month)
    frames = frames_from_db(actor=world.personnel, year=md.year)
    ours = _duckdb(frames, params)
    assert compare(ours, pandas_compute(frames, params)) == []
    schools = ours["schools"].set_index("school_id")
    subjects = ours["subjects"].set_index(["school_id", "subject"])
    assert len(schools) == len(st.schools) > 1
    for s in st.schools:
        row = schools.loc[s.school_id]
        assert [row.students, row.classes, row.posts_needed, row.posts_held, row.teachers] == [
            s.students,
            s.classes,
            s.posts_needed,
            s.posts_held,
            s.teachers,
        ]
        assert [row.outside_certificate, row.uncertified, row.retiring] == [
            s.outside_certificate,
            s.uncertified,
            s.retiring,
        ]
        for sub in s.subjects:
            r = subjects.loc[(s.school_id, sub.subject)]
            assert [round(r.need, 2), round(r.qualified, 2), round(r.retiring, 2)] == [
                sub.need,
                sub.qualified,
                sub.retiring,
            ]
