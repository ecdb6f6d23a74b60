"""The quality API answers aggregates: bands per school and value-added with intervals; a missing or
foreign assessment is refused in Chinese."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from edugov.accounts.models import Role
from edugov.quality.models import Assessment

pytestmark = pytest.mark.django_db
API = "/api/v1/quality"


def test_bands_and_value_added(paired):
    d = paired
    client = APIClient()
    client.force_authenticate(d.users[Role.DEPARTMENT_OFFICER])
    pre, post = Assessment.objects.get(code="T-PRE"), Assessment.objects.get(code="T-POST")
    bands = client.get(f"{API}/assessments/{post.pk}/bands/").json()
    assert bands["total"]["n"] == 48 and {s["id"] for s in bands["schools"]} == {
        d.school_a.pk,
        d.school_b.pk,
        d.point_a.pk,
    }
    assert set(bands["total"]["bands"]) == {"优秀", "良好", "合格", "待提高"}
    va = client.get(f"{API}/value-added/?prior={pre.pk}&post={post.pk}&sort=effect").json()
    assert va["model"]["n_pupils"] == 48 and va["rows"][0]["id"] == d.school_b.pk
    first = va["rows"][0]
    assert first["low"] < first["effect"] < first["high"] and first["verdict_label"] == "高于预期"


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, "请用参数 prior 指定测评ID"),
        ({"prior": "x", "post": "1"}, "测评不存在"),
        ({"prior": 999999, "post": 1}, "测评不存在"),
    ],
)
def test_bad_parameters_are_refused_in_chinese(paired, params, message):
    client = APIClient()
    client.force_authenticate(paired.users[Role.DISTRICT_ADMIN])
    response = client.get(f"{API}/value-added/", params)
    assert response.status_code == 400 and message in response.content.decode()
