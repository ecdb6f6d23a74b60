"""Staffing of the conftest's school A, worked out by hand.

School A: 6 grade-1 classes of 42 and 2 grade-3 classes of 40 = 332 pupils in 8 classes.
  posts needed: 332 / 19 = 17.47 -> 18; held: 2 established (王, 赵; 李 is on contract) -> 16 vacant.
  music: (6 x 2 + 2 x 2) / 16 = 1.0 needed; 王 teaches 4 of her 16 periods in music (0.25, outside
  her 语文 certificate) -> have 0.25, qualified 0, gap 1.0 (at the finding threshold).
  语文: (6 x 8 + 2 x 6) / 16 = 3.75 needed; 王 12/16 = 0.75 qualified, 赵 1.0 without a certificate
  -> have 1.75, qualified 0.75, gap 3.0.
  PE: (6 x 4 + 2 x 3) / 16 = 1.875 needed; 李 (体育 certificate = 体育与健康) 1.0 qualified.
The teaching point: 14 pupils in 2 classes (grades 1 and 2), a village school: max(14 / 19, 2 x 1.5)
= 3 posts; it needs (2 + 2) / 16 = 0.25 music teachers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from edugov.accounts.models import Role
from edugov.workforce import selectors

pytestmark = pytest.mark.django_db


def _school(st: selectors.Staffing, pk: int) -> selectors.SchoolStaffing:
    found = st.school(pk)
    assert found is not None
    return found


def _subject(s: selectors.SchoolStaffing, name: str) -> selectors.SubjectRow:
    found = s.subject(name)
    assert found is not None
    return found


def test_school_staffing_by_hand(world):
    md = world.md
    st = selectors.staffing(actor=world.personnel, year=md.year, today=dt.date(2026, 3, 1))
    a = _school(st, md.school_a.pk)
    assert (a.students, a.classes, a.teachers) == (332, 8, 3)
    assert (a.posts_needed, a.posts_held, a.vacancies) == (18, 2, 16)
    assert a.other_staff == {"聘用": 1, "银龄": 0, "支教": 0}
    music = _subject(a, "音乐")
    assert (music.need, music.have, music.qualified, music.gap) == (1.0, 0.25, 0.0, 1.0)
    chinese = _subject(a, "语文")
    assert (chinese.need, chinese.have, chinese.qualified, chinese.gap) == (3.75, 1.75, 0.75, 3.0)
    assert chinese.covered_by_others == 1.0
    pe = _subject(a, "体育与健康")
    # 1.875 shown to two places; "体育" on the certificate is 体育与健康
    assert (pe.need, pe.qualified, pe.specialists) == (1.88, 1.0, 0)
    assert _subject(a, "英语").need == pytest.approx(2 * 2 / 16)
    # 王 teaches music outside her certificate, 赵 holds none
    assert (a.outside_certificate, a.uncertified) == (2, 1)
    # five years on (from 2026-03): 李 (born 1966-03, a man: 60 years + 4 months = 2026-07) has left
    # PE; 赵 (born 1968-05, a woman: 55 in 2023) has reached the age too but held no certificate
    assert a.retiring == 2
    assert (_subject(a, "体育与健康").retiring, _subject(a, "体育与健康").gap_in_five_years) == (1.0, 1.88)
    assert _subject(a, "语文").gap_in_five_years == 3.0
    point = _school(st, md.point_a.pk)
    assert point.village and (point.students, point.posts_needed) == (14, 3)


def test_school_administrator_sees_own_school_only(world):
    md = world.md
    st = selectors.staffing(actor=md.users[Role.SCHOOL_ADMIN], year=md.year)
    assert {s.school_id for s in st.schools} == {md.school_a.pk, md.point_a.pk}


def test_overview_heat_and_ages(world):
    md = world.md
    o = selectors.overview(actor=world.personnel, year=md.year, today=dt.date(2026, 3, 1))
    town_a = next(r for r in o.heat_rows if r.town_id == md.town_a.pk)
    cells = dict(town_a.cells)
    # school A's 1.0 and the teaching point's (1 + 1) x 2 / 16 = 0.25; only school A reaches 1.0
    assert cells["音乐"].gap == 1.25 and cells["音乐"].schools_short == 1 and cells["音乐"].level == "warn"
    assert cells["美术"].gap == 1.25  # nobody teaches art: as short as music
    # ages on 2026-03: 1988-05 -> 37 (two teachers), 1968-05 -> 57, 1966-03 -> 60
    ages = {a.label: sum(a.values) for a in o.ages}
    assert ages["30-39岁"] == 2 and ages["55岁及以上"] == 2
    assert o.totals["teachers"] == 4 and o.totals["over_55"] == 2
    # retirements from now on, by the year they fall in: 李 in 2026-07 (城区); 赵's age was reached
    # before today, so she is not counted again
    assert [(r.year, r.total) for r in o.retirements] == [
        (2026, 1),
        (2027, 0),
        (2028, 0),
        (2029, 0),
        (2030, 0),
    ]
    assert o.retirements[0].by_locale["城区"] == 1 and o.totals["retiring"] == 1


def test_overview_queries_do_not_grow_with_schools(world):
    md = world.md
    with CaptureQueriesContext(connection) as few:
        selectors.overview(actor=world.personnel, year=md.year, today=dt.date(2026, 3, 1))
    from edugov.testing import make_class, make_school

    for _ in range(3):
        s = make_school(town=md.town_b)
        make_class(school=s, year=md.year)
    with CaptureQueriesContext(connection) as more:
        selectors.overview(actor=world.personnel, year=md.year, today=dt.date(2026, 3, 1))
    assert len(more) == len(few)
