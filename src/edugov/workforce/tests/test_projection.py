"""The five-year projection with planning's enrolment forecast, worked by hand.

甲街道第二小学 (town A): 2024 grade 1 of 80 pupils (2 classes); 2025 grade 1 of 90 (2 classes of 45),
grade 2 of 80 (2 of 40). Town A's births: 2018 160, 2019 180, 2020-2024 200; no migration.
Planning's cohort forecast: entry ratio (80 + 90) / (160 + 180) = 0.5; grade 1 -> 2 ratio 80 / 80 = 1.
In 2030: grade 1 = 0.5 x births 2024 (200) = 100, grade 2 = grade 1 of 2029 = 0.5 x 200 = 100.
Classes in 2030 (standard 45): grade 1 2 + ceil(100/45) - ceil(90/45) = 2 + 3 - 2 = 3; grade 2
2 + 3 - ceil(80/45) = 2 + 3 - 2 = 3. Needs: 语文 (8 + 8 periods, load 16) today (2x8 + 2x8)/16 = 2.0,
in five years (3x8 + 3x8)/16 = 3.0; 音乐 (2 + 2) 0.5 -> 0.75. No teachers: the five-year gaps are
3.0 and 0.75. 乙镇中心小学 (town B, no births recorded) has no forecast: today's classes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from edugov.planning.models import TownYear
from edugov.testing import login, make_class, make_school, make_school_year
from edugov.workforce import selectors
from edugov.workforce.norms import stage_of_grade
from edugov.workforce.projection import future_classes

pytestmark = pytest.mark.django_db

SIZE = {"primary": 45.0, "junior": 50.0}


def test_future_classes_by_hand():
    # the worked school: 2 + 3 - 2 in each grade
    assert future_classes({1: (90, 2), 2: (80, 2)}, {1: 100.0, 2: 100.0}, SIZE, stage_of_grade) == {
        1: 3,
        2: 3,
    }
    # a school running small classes keeps them while the pupils need no more classes at 45
    assert future_classes({1: (60, 3)}, {1: 62.4}, SIZE, stage_of_grade) == {1: 3}
    # a village class of 10 stays one class at 10.4 or 4 pupils; a grade with no pupils left closes
    assert future_classes({1: (10, 1), 2: (6, 1)}, {1: 10.4, 2: 0.4}, SIZE, stage_of_grade) == {1: 1}
    # a new grade opens at the standard size; grades the forecast leaves out (senior) stay
    assert future_classes({10: (100, 2)}, {7: 101.0}, SIZE, stage_of_grade) == {10: 2, 7: 3}
    # falling enrolment: 6 classes of 45 (270) to 130 pupils: 6 + ceil(130/45) - 6 = 3
    assert future_classes({1: (270, 6)}, {1: 130.0}, SIZE, stage_of_grade) == {1: 3}


@pytest.fixture
def forecast_world(world):
    md = world.md
    before = make_school_year(2024, current=False)
    school = make_school(town=md.town_a, name="甲街道第二小学")
    make_class(school=school, year=before, grade=1, number=1, boys=20, girls=20)
    make_class(school=school, year=before, grade=1, number=2, boys=20, girls=20)
    for n in (1, 2):
        make_class(school=school, year=md.year, grade=1, number=n, boys=22, girls=23)
        make_class(school=school, year=md.year, grade=2, number=n, boys=20, girls=20)
    for year, births in {2018: 160, 2019: 180, 2020: 200, 2021: 200, 2022: 200, 2023: 200, 2024: 200}.items():
        TownYear.objects.create(area=md.town_a, year=year, population=60000, births=births)
    world.school_c = school
    return world


def test_five_year_needs_from_the_forecast(forecast_world):
    w = forecast_world
    st = selectors.staffing(actor=w.personnel, year=w.md.year, today=dt.date(2026, 3, 1))
    c = st.school(w.school_c.pk)
    assert c is not None and c.projection_basis == "forecast"
    chinese, music = c.subject("语文"), c.subject("音乐")
    assert chinese is not None and music is not None
    assert (chinese.need, chinese.need_in_five_years, chinese.gap, chinese.gap_in_five_years) == (
        2.0,
        3.0,
        2.0,
        3.0,
    )
    assert (music.need, music.need_in_five_years, music.gap_in_five_years) == (0.5, 0.75, 0.75)
    assert st.projection.target_year == 2030
    b = st.school(w.md.school_b.pk)
    assert b is not None and b.projection_basis == "today"
    assert all(r.need_in_five_years is None for r in b.subjects)
    assert st.projection.note == (
        "五年后缺口按学位规划模块的入学预测（2030学年班数）计算：3所学校；"
        "另有1所学校无入学预测，按现有班数计算；均扣除届时达到退休年龄的持证教师。"
    )
    page = login(Client(), w.personnel).get(f"/workforce/schools/{w.school_c.pk}/?year=2025").content.decode()
    assert "五年后缺口按学位规划模块的入学预测推算2030学年班数计算" in page
    page = (
        login(Client(), w.personnel).get(f"/workforce/schools/{w.md.school_b.pk}/?year=2025").content.decode()
    )
    assert "五年后缺口按现有班数计算（本校尚无入学预测）" in page


def test_without_a_forecast_the_projection_is_todays(world):
    st = selectors.staffing(actor=world.personnel, year=world.md.year, today=dt.date(2026, 3, 1))
    assert {s.projection_basis for s in st.schools} == {"today"}
    assert st.projection.note.startswith("五年后缺口按现有班数计算（学位规划模块尚无入学预测）")
    html = login(Client(), world.personnel).get("/workforce/?year=2025").content.decode()
    assert "五年后缺口按现有班数计算" in html
