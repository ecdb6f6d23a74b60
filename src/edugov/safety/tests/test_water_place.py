"""A water's location and coordinates entered or corrected on its page by the safety office: inside
the district's box (its located schools widened by the data's margin, 0.1 degree) or, with no school
located, inside China's; both coordinates or neither; refusals in Chinese with nothing written;
every change audited with before and after; nobody else may post the form."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from edugov.audit.models import AuditEvent
from edugov.safety.models import DangerousWater
from edugov.testing import login, policy_expects

from .test_permissions import IDENTITIES

pytestmark = pytest.mark.django_db


@pytest.fixture
def ditch(world):
    md = world.md
    md.school_a.longitude, md.school_a.latitude = Decimal("116.400000"), Decimal("39.900000")
    md.school_a.save(update_fields=["longitude", "latitude"])
    return DangerousWater.objects.create(
        area=md.town_a, school=md.school_a, name="甲村沟渠", kind="ditch", location="校北"
    )


def _post(client: Client, water: DangerousWater, **form: str):
    return client.post(
        reverse("safety:water_place", args=[water.pk]),
        {"location": "校北100米", "longitude": "", "latitude": "", **form},
        follow=True,
    )


def _place(water: DangerousWater) -> tuple[str, Decimal | None, Decimal | None]:
    water.refresh_from_db()
    return water.location, water.longitude, water.latitude


def test_the_office_sets_and_corrects_a_waters_place_with_an_audit(world, ditch):
    client = login(Client(), world.officer)
    page = client.get(reverse("safety:water_detail", args=[ditch.pk])).content.decode()
    assert "保存位置和坐标" in page and "未填写（地图上按附近学校的位置近似显示）" in page
    done = _post(client, ditch, longitude=" 116.4123456 ", latitude="39.95")
    assert "已保存位置和坐标" in done.content.decode()
    assert _place(ditch) == ("校北100米", Decimal("116.412346"), Decimal("39.950000"))
    event = AuditEvent.objects.filter(model="safety.DangerousWater", object_id=str(ditch.pk)).get()
    assert event.action == "update" and event.actor == world.officer
    assert event.changes == {
        "location": ["校北", "校北100米"],
        "longitude": [None, "116.412346"],
        "latitude": [None, "39.950000"],
    }
    assert "东经 116.412346，北纬 39.950000" in done.content.decode()
    # the map now places it on its own coordinates, not at its school's
    waters = client.get(reverse("safety:waters")).content.decode()
    assert "116.412346" in waters
    # cleared again: the map falls back to the school; saving the same values writes no event
    _post(client, ditch)
    _post(client, ditch)
    assert _place(ditch) == ("校北100米", None, None)
    assert AuditEvent.objects.filter(model="safety.DangerousWater", object_id=str(ditch.pk)).count() == 2


@pytest.mark.parametrize(
    ("form", "message"),
    [
        # school A at (116.4, 39.9) is the district's only located school: 116.30–116.50, 39.80–40.00
        (
            {"longitude": "116.61", "latitude": "39.9"},
            "坐标不在本区范围内（经度 116.30～116.50，纬度 39.80～40.00）",
        ),
        ({"longitude": "39.9", "latitude": "116.4"}, "坐标不在本区范围内"),  # swapped
        ({"longitude": "11.64", "latitude": "39.9"}, "坐标不在本区范围内"),  # a digit short
        ({"longitude": "116.4", "latitude": ""}, "经度和纬度须同时填写，或同时留空"),
        ({"longitude": "", "latitude": "39.9"}, "经度和纬度须同时填写，或同时留空"),
        ({"longitude": "东经116度", "latitude": "39.9"}, "经度：请填写数字，如 116.397128"),
        ({"longitude": "116.4", "latitude": "NaN"}, "纬度：请填写数字，如 39.916527"),
        ({"longitude": "1e999", "latitude": "39.9"}, "坐标不在本区范围内"),
        ({"longitude": "Infinity", "latitude": "39.9"}, "经度：请填写数字"),
        ({"location": "  "}, "请填写位置"),
        ({"location": "北" * 201}, "位置：不能超过 200 字"),
    ],
)
def test_bad_places_are_refused_in_chinese_and_write_nothing(world, ditch, form, message):
    answer = _post(login(Client(), world.officer), ditch, **form)
    assert answer.status_code == 200 and message in answer.content.decode()
    assert _place(ditch) == ("校北", None, None)
    assert not AuditEvent.objects.filter(model="safety.DangerousWater").exists()


def test_without_a_located_school_the_check_is_chinas(world, ditch):
    world.md.school_a.longitude = world.md.school_a.latitude = None
    world.md.school_a.save(update_fields=["longitude", "latitude"])
    client = login(Client(), world.officer)
    refused = _post(client, ditch, longitude="10.5", latitude="10.5").content.decode()
    assert "坐标不在中国境内（经度 73.00～136.00，纬度 3.00～54.00）" in refused
    assert _place(ditch) == ("校北", None, None)
    _post(client, ditch, longitude="120.5", latitude="30.25")  # far from the district, but in China
    assert _place(ditch) == ("校北100米", Decimal("120.500000"), Decimal("30.250000"))


@pytest.mark.parametrize("identity", IDENTITIES)
def test_only_the_safety_office_posts_the_form(world, ditch, identity):
    user = world.users[identity]
    allowed = policy_expects(user, "safety.water_edit", ditch)
    client = Client(raise_request_exception=False)
    login(client, user)
    answer = client.post(
        reverse("safety:water_place", args=[ditch.pk]),
        {"location": "改过的位置", "longitude": "116.41", "latitude": "39.91"},
    )
    assert answer.status_code == (302 if allowed else 403), (identity, answer.status_code)
    assert _place(ditch)[0] == ("改过的位置" if allowed else "校北")
    if not allowed and policy_expects(user, "safety.view"):  # readers see the coordinates, not the form
        page = client.get(reverse("safety:water_detail", args=[ditch.pk]))
        assert page.status_code in (200, 404)  # 404: a reader of another town
        assert "保存位置和坐标" not in page.content.decode()
