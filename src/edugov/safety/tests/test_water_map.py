"""The map of dangerous waters: each water on its own coordinates or, without them, at its school's
(marked approximate), coloured by patrol status; one with neither stays in the list only. The page
carries the map's data and the list that reads the same for a screen reader."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from edugov.safety import selectors
from edugov.safety.models import DangerousWater, Patrol
from edugov.testing import login

pytestmark = pytest.mark.django_db


def _waters(world):
    md = world.md
    md.school_a.longitude, md.school_a.latitude = Decimal("116.400000"), Decimal("39.900000")
    md.school_a.save(update_fields=["longitude", "latitude"])
    today = timezone.localdate()
    pond = DangerousWater.objects.create(
        area=md.town_a, school=md.school_a, name="甲村鱼塘", kind="pond", location="校东200米",
        warning_signs=True, longitude=Decimal("116.402500"), latitude=Decimal("39.901000"),
    )  # fmt: skip
    Patrol.objects.create(
        water=pond, patrolled_on=today - dt.timedelta(days=2), patroller="张", observed="无异常"
    )
    ditch = DangerousWater.objects.create(
        area=md.town_a,
        school=md.school_a,
        name="甲村沟渠",
        kind="ditch",
        location="校北",
        warning_signs=False,
    )
    Patrol.objects.create(
        water=ditch, patrolled_on=today - dt.timedelta(days=1), patroller="李", observed="无异常"
    )
    DangerousWater.objects.create(
        area=md.town_b, school=md.school_b, name="乙镇西河", kind="river", location="镇西", warning_signs=True
    )  # school B has no coordinates, and no patrol
    return pond, ditch


def test_each_water_on_the_map_with_its_patrol_status(world):
    _waters(world)
    rows = selectors.waters(actor=world.officer, on=timezone.localdate())
    data = selectors.water_map(waters=rows)
    by_name = {w["name"]: w for w in data["waters"]}
    assert set(by_name) == {"甲村鱼塘", "甲村沟渠"} and (data["placed"], data["unplaced"]) == (2, 1)
    pond, ditch = by_name["甲村鱼塘"], by_name["甲村沟渠"]
    assert (pond["value"], pond["status"], pond["approx"]) == ([116.4025, 39.901], "ok", False)
    # no coordinates of its own: at school A's, marked; patrolled yesterday but without signs
    assert (ditch["value"], ditch["status"], ditch["approx"]) == ([116.4, 39.9], "no_signs", True)
    assert data["schools"] == [{"name": world.md.school_a.name, "value": [116.4, 39.9]}]
    # the river (never patrolled) is overdue in the list, though not on the map
    assert {r["name"]: r["overdue"] for r in rows}["乙镇西河"] is True
    assert pond["url"] == reverse(
        "safety:water_detail", args=[DangerousWater.objects.get(name="甲村鱼塘").pk]
    )


def test_the_waters_page_shows_the_map_and_the_list(world):
    client = login(Client(), world.officer)
    empty = client.get(reverse("safety:waters")).content.decode()
    assert "尚未登记危险水域" in empty and "safety-water-map" not in empty
    _waters(world)
    page = client.get(reverse("safety:waters")).content.decode()
    assert 'role="img"' in page and "2处水域" in page and "另有1处水域未登记坐标" in page
    assert "safety/water_map.js" in page and "onclick" not in page
    found = re.search(
        r'<script id="safety-water-map-data" type="application/json">(.*?)</script>', page, re.S
    )
    assert found is not None
    assert {w["name"]: w["status"] for w in json.loads(found.group(1))["waters"]} == {
        "甲村鱼塘": "ok",
        "甲村沟渠": "no_signs",
    }
    for name in ("甲村鱼塘", "甲村沟渠", "乙镇西河"):  # the list names every water
        assert name in page.split("水域列表")[1]
