"""Age pyramids by sex, counted by hand: in 2025-11 王 (F, 1988-05) is 37, 李 (M, 1966-03) 59,
赵 (F, 1968-05) 57 at school A (urban); 钱 (F, 1988-05) 37 at school B (town)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from edugov.testing import login
from edugov.workforce.pyramid import Pyramid, age_pyramids

pytestmark = pytest.mark.django_db
TODAY = dt.date(2025, 11, 1)


def _bands(p: Pyramid) -> dict[str, tuple[int, int]]:
    return {b.label: (b.male, b.female) for b in p.bands if b.total}


def test_pyramids_by_locale_town_and_school(world):
    md = world.md
    by_locale = age_pyramids(actor=world.personnel, year=md.year, today=TODAY)
    assert [(p.group, p.total) for p in by_locale] == [("城区", 3), ("镇区", 1)]
    assert _bands(by_locale[0]) == {"30-39岁": (0, 1), "55岁及以上": (1, 1)}
    assert _bands(by_locale[1]) == {"30-39岁": (0, 1)}
    assert by_locale[0].widest == 1 and by_locale[0].share(1) == 100
    by_town = age_pyramids(actor=world.personnel, year=md.year, today=TODAY, by="town")
    assert [(p.group, p.total) for p in by_town] == [("乙镇", 1), ("甲街道", 3)]
    one = age_pyramids(
        actor=world.personnel, year=md.year, today=TODAY, by="school", school_ids=[md.school_b.pk]
    )
    assert [(p.group, _bands(p)) for p in one] == [("乙镇中心小学", {"30-39岁": (0, 1)})]
    # A town-A officer of the personnel department counts town A only.
    from edugov.accounts.models import Role
    from edugov.testing import make_user

    town = make_user(Role.DEPARTMENT_OFFICER, area=md.town_a, department="personnel")
    assert [p.group for p in age_pyramids(actor=town, year=md.year, today=TODAY, by="town")] == ["甲街道"]


def test_the_cockpit_shows_the_pyramid(world):
    html = login(Client(), world.personnel).get("/workforce/?year=2025&pyramid=town").content.decode()
    assert "年龄结构（分性别）" in html and "甲街道（3人）" in html
