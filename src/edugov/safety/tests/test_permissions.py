"""The safety policy, tried for every identity of the mini district plus a safety officer: the
role x action matrix comes from the declaration (safety/permissions.py, through
edugov.testing.policy_expects); the pages and the API answer as it says; the public pages (a
class's acknowledgement link, the drowning-risk report form) refuse bad input in Chinese with
nothing written and never a 500."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from edugov.accounts.models import Role
from edugov.accounts.policy import can, rule_for
from edugov.safety import services
from edugov.safety.models import ClassReminder, WaterReport
from edugov.safety.permissions import POLICY
from edugov.testing import MINI_DISTRICT_USERS, login, policy_expects

from .conftest import TODAY

pytestmark = pytest.mark.django_db

IDENTITIES = [*MINI_DISTRICT_USERS, "safety_officer"]
ACTIONS = sorted(POLICY.rules)


def _target(world: Any, action: str) -> Any:
    if action in ("reminder_confirm",):
        return ClassReminder.objects.get(day__date=TODAY, school_class=world.md.class_a1)
    if action in ("report_handle", "report_pay"):
        return WaterReport.objects.get()
    return world.md.school_a if action.startswith("school_") or action == "inspect" else world.md.district


def test_can_follows_the_declaration_and_pages_answer_so(world):
    services.water_report_submit(area=world.md.town_a, place="村东鱼塘", description="没有警示牌")
    wrong = [
        (identity, a)
        for identity in IDENTITIES
        for a in ACTIONS
        if can(world.users[identity], f"safety.{a}", _target(world, a))
        != policy_expects(world.users[identity], f"safety.{a}", _target(world, a))
    ]
    assert not wrong
    for a in ACTIONS:  # someone may and someone may not do each action
        answers = {policy_expects(world.users[i], f"safety.{a}", _target(world, a)) for i in IDENTITIES}
        assert answers == {True, False}, a
        if rule_for(f"safety.{a}").scope == "write":
            assert not can(world.md.users[Role.LEADER], f"safety.{a}", _target(world, a))
    for identity in IDENTITIES:
        user = world.users[identity]
        client = login(Client(raise_request_exception=False), user)
        expected = 200 if policy_expects(user, "safety.view") else 403
        assert client.get(reverse("safety:overview")).status_code == expected, identity
        assert client.get(reverse("safety:grid")).status_code == expected, identity
        school = 200 if policy_expects(user, "safety.school_view") else 403
        assert client.get(reverse("safety:my_school")).status_code == school, identity
        api = login(APIClient(), user)
        assert api.get("/api/v1/safety/hazards/").status_code == 200


def test_the_office_sees_the_overview_and_confirms_a_report_through_the_api(world):
    report = services.water_report_submit(area=world.md.town_a, place="村东鱼塘", description="没有警示牌")
    client = login(Client(), world.officer)
    page = client.get(reverse("safety:overview")).content.decode()
    assert "村东鱼塘" in page and "待处理溺水隐患举报" in page
    api = login(APIClient(), world.md.users[Role.SCHOOL_ADMIN])
    assert (
        api.post(f"/api/v1/safety/reports/{report.pk}/handle/", {"confirm": True}, format="json").status_code
        == 403
    )
    api = login(APIClient(), world.officer)
    answer = api.post(
        f"/api/v1/safety/reports/{report.pk}/handle/", {"confirm": True, "reward": "200"}, format="json"
    )
    assert answer.status_code == 200 and answer.json()["status_label"] == "已核实"
    again = api.post(f"/api/v1/safety/reports/{report.pk}/handle/", {"confirm": False}, format="json")
    assert again.status_code == 400 and "已处理" in again.content.decode()


def test_public_pages_refuse_bad_input_in_chinese(world):
    client = Client(raise_request_exception=False)
    url = reverse("safety:public_report")
    assert client.get(url).status_code == 200
    no_place = client.post(url, {"area": world.md.town_a.pk, "place": "", "description": "有人游泳"})
    assert no_place.status_code == 400 and "请填写地点" in no_place.content.decode()
    big = SimpleUploadedFile("p.jpg", b"x" * (5 * 1024 * 1024 + 1), content_type="image/jpeg")
    too_big = client.post(
        url, {"area": world.md.town_a.pk, "place": "鱼塘", "description": "无警示", "photo": big}
    )
    assert too_big.status_code == 400 and "照片不能超过 5 MB" in too_big.content.decode()
    assert not WaterReport.objects.exists()
    ok = client.post(
        url, {"area": world.md.town_a.pk, "place": "鱼塘", "description": "无警示", "contact": "13700001111"}
    )
    assert ok.status_code == 200 and "已提交" in ok.content.decode()
    assert WaterReport.objects.get().contact == "13700001111"
    forged = client.get(reverse("safety:acknowledge", kwargs={"token": "forged"}))
    assert forged.status_code == 404 and "链接无效" in forged.content.decode()
    reminder = ClassReminder.objects.get(day__date=TODAY, school_class=world.md.class_a1)
    link = reverse("safety:acknowledge", kwargs={"token": reminder.token})
    assert "尚未发送" in client.post(link, {"pupil_key": "k1"}).content.decode()
    services.reminders_send(day=reminder.day)
    assert "已确认" in client.post(link, {"pupil_key": "k1"}).content.decode()
    replay = client.post(link, {"pupil_key": "k1"})
    assert replay.status_code == 400 and "无需重复确认" in replay.content.decode()
    reminder.refresh_from_db()
    assert reminder.acks == 1
