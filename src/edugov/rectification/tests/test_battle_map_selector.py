"""The battle map is built by a selector (`selectors.battle_map`, a BattleMap TypedDict); the page
and its JSON endpoint only add the item link pattern and render."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from edugov.accounts.models import Role
from edugov.rectification import selectors
from edugov.rectification.models import RectificationItem
from edugov.rectification.selectors import BattleMap, BoardColumn, ColumnItem, MapUnit

pytestmark = pytest.mark.django_db


def test_selector_payload_has_the_declared_shape_and_the_view_only_adds_the_link(client, district, make_item):  # type: ignore[no-untyped-def]
    school = district.school_a
    school.longitude, school.latitude = Decimal("121.400000"), Decimal("31.200000")
    school.save(update_fields=["longitude", "latitude"])
    far = timezone.localdate() + dt.timedelta(days=60)
    make_item(title="甲校问题一", severity="high", deadline=far, now=None)
    late = make_item(title="甲校问题二", severity="low", deadline=far, now=None)
    past = timezone.localdate() - dt.timedelta(days=1)
    RectificationItem.objects.filter(pk=late.pk).update(deadline=past)  # overdue since yesterday
    officer = district.users[Role.DEPARTMENT_OFFICER]

    data = selectors.battle_map(actor=officer, filters={})
    assert set(data) == set(BattleMap.__annotations__)
    assert (data["total"], data["overdue"]) == (2, 1)
    (unit,) = data["units"]
    assert set(unit) == set(MapUnit.__annotations__)
    assert (unit["name"], unit["value"], unit["worst"]) == (school.name, [121.4, 31.2, 2], "high")
    assert unit["statuses"] == {"待交办": 2}
    opened = data["columns"][0]
    assert set(opened) == set(BoardColumn.__annotations__) and opened["count"] == 2
    assert all(set(i) == set(ColumnItem.__annotations__) for i in opened["items"])
    assert [(i["title"], i["overdue"]) for i in opened["items"]] == [
        ("甲校问题二", True),
        ("甲校问题一", False),
    ]
    assert unit["overdue"] == 1
    assert selectors.battle_map_district(actor=officer) == district.district

    client.force_login(officer, backend="django.contrib.auth.backends.ModelBackend")
    answer = client.get(reverse("rectification:battle_map_data")).json()
    link = reverse("rectification:item_detail", args=[0]).replace("/0/", "/{id}/")
    assert answer == {**data, "item_url": link}
