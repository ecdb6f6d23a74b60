"""The zone-change what-if on the mini district (see conftest and test_selectors): 甲街道's primary
demand is 240 in 2026 against 180 places (gap -60) and 300 against 270 from 2027 (gap -30).
Moving 60 of its primary pupils to 乙镇's zone from 2026 closes the gap: 0 in 2026, +30 after, and
乙镇's demand rises by exactly 60 each year. Refused in Chinese: the same town, more pupils than
the town has, a stage the town has no forecast for, a town with no school of the stage."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from edugov.common.errors import DomainError
from edugov.planning import selectors
from edugov.registry import services as registry_services
from edugov.registry.models import AreaLevel

from .test_pages import client_  # noqa: F401

pytestmark = pytest.mark.django_db


def _cells(o: Any, town: str, stage: str = "primary") -> dict[int, dict[str, Any]]:
    row = next(r for r in o.rows if r.town == town and r.stage == stage)
    return {c["year"]: c for c in row.cells}


def _shift(world: Any, **kw: Any) -> Any:
    base = {"from_town": world.md.town_a.pk, "to_town": world.md.town_b.pk, "stage": "primary"}
    return selectors.planning_overview(actor=world.planner, horizon=3, zone_shift=base | kw)


def test_moving_pupils_to_another_zone_closes_the_gap(world):
    before = selectors.planning_overview(actor=world.planner, horizon=3)
    after = _shift(world, pupils=60, year=2026)
    a = _cells(after, "甲街道")
    assert [a[y]["gap"] for y in (2026, 2027, 2028)] == [0, 30, 30]
    assert next(r for r in after.rows if r.town == "甲街道").first_short is None
    b0, b1 = _cells(before, "乙镇"), _cells(after, "乙镇")
    assert [b1[y]["demand"] - b0[y]["demand"] for y in (2026, 2027, 2028)] == [60, 60, 60]
    assert after.whatif is not None and after.whatif["zone"]["to"] == "乙镇"
    later = _cells(_shift(world, pupils=60, year=2027), "甲街道")
    assert [later[y]["gap"] for y in (2026, 2027, 2028)] == [-60, 30, 30]


def test_a_bad_zone_change_is_refused_in_chinese(world):
    town_c = registry_services.area_create(
        code="310101003", name="丙乡", level=AreaLevel.TOWN, parent=world.md.district
    )
    cases = [
        ({"to_town": world.md.town_a.pk, "pupils": 10, "year": 2026}, "不能相同"),
        ({"pupils": 241, "year": 2026}, "不能多于划出乡镇预测在校生（240人）"),
        ({"stage": "junior", "pupils": 10, "year": 2026}, "没有初中学校"),  # only the estate's demand
        ({"to_town": town_c.pk, "pupils": 10, "year": 2026}, "没有小学学校"),
        ({"from_town": town_c.pk, "pupils": 10, "year": 2026}, "没有小学在校生预测"),
    ]
    for kw, words in cases:
        with pytest.raises(DomainError) as caught:
            _shift(world, **kw)
        assert words in caught.value.message, caught.value.message


def test_the_page_shows_the_zone_change_and_refuses_bad_input(world, client_):  # noqa: F811
    url = reverse("planning:overview")
    ok = client_.get(
        url,
        {"shift_from": world.md.town_a.pk, "shift_to": world.md.town_b.pk, "shift_stage": "primary",
         "shift_pupils": 60, "shift_year": 2026},
    )  # fmt: skip
    assert ok.status_code == 200
    assert "自2026学年将甲街道小学60名学生划入乙镇施教区" in ok.content.decode()
    bad = client_.get(url, {"shift_from": world.md.town_a.pk, "shift_to": "x", "shift_pupils": 60})
    assert bad.status_code == 200
    assert "划入乡镇" in bad.content.decode() and "划入乙镇施教区" not in bad.content.decode()
