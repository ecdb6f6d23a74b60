"""The groups policy, tried for every identity of the mini district (school A's administrator is
the group head) plus a member school's administrator: the role x action matrix comes from the
declaration (groups/permissions.py, through edugov.testing.policy_expects); the pages and the API
answer as it says."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from edugov.accounts.policy import can
from edugov.groups.models import Activity, SchoolGroup
from edugov.groups.permissions import POLICY
from edugov.testing import login, policy_expects

pytestmark = pytest.mark.django_db
ACTIONS = sorted(POLICY.rules)


def _target(world: Any, action: str) -> Any:
    return world.school_c if action == "activity_edit" else world.group


def test_can_follows_the_declaration(world):
    wrong = [
        (identity, action)
        for identity, user in world.users.items()
        for action in ACTIONS
        if can(user, f"groups.{action}", _target(world, action))
        != policy_expects(user, f"groups.{action}", _target(world, action))
    ]
    assert not wrong
    for action in ACTIONS:
        answers = {
            policy_expects(u, f"groups.{action}", _target(world, action)) for u in world.users.values()
        }
        assert answers == {True, False}, action


def test_pages_and_api_answer_as_the_policy_says(world):
    for identity, user in world.users.items():
        client = login(Client(raise_request_exception=False), user)
        cockpit = client.get(reverse("groups:cockpit")).status_code
        assert cockpit == (200 if policy_expects(user, "groups.view") else 403), identity
        page = client.get(reverse("groups:group", kwargs={"pk": world.group.pk}))
        readable = policy_expects(user, "groups.view", world.group) or (
            policy_expects(user, "groups.school_view") and identity in ("school_admin", "member_admin")
        )
        assert page.status_code == (200 if readable else 403), (identity, page.status_code)
        if readable:
            assert "八个统一" in page.content.decode() and "乙镇丙村小学" in page.content.decode()
    # the member records an activity on the group page; the head sees it counted
    client = login(Client(), world.member_admin)
    response = client.post(
        reverse("groups:activity_new", kwargs={"pk": world.group.pk}),
        {"school": world.school_c.pk, "unification": "students", "kind": "student", "title": "集团运动会",
         "held_on": "2025-10-20", "participants": "120"},
    )  # fmt: skip
    assert response.status_code == 302
    bad = client.post(
        reverse("groups:activity_new", kwargs={"pk": world.group.pk}),
        {"school": world.school_c.pk, "unification": "students", "kind": "student", "title": "x",
         "held_on": "2025-10-20", "participants": "-3"},
    )  # fmt: skip
    assert bad.status_code == 400 and "参与人次：不能小于0" in bad.content.decode()
    assert Activity.objects.count() == 1
    page = login(Client(), world.head).get(
        reverse("groups:group", kwargs={"pk": world.group.pk}) + "?term=2025-2026-1"
    )
    assert "集团运动会" in page.content.decode()


def test_api_group_create_refuses_a_second_close_group_in_chinese(world):
    for identity, user in world.users.items():
        client = APIClient()
        client.force_authenticate(user)
        body = {
            "name": f"{identity}集团",
            "kind": "close",
            "lead_school": world.md.school_b.pk,
            "start_date": "2026-03-01",
        }
        response = client.post("/api/v1/groups/groups/", body, format="json")
        if policy_expects(user, "groups.group_edit"):
            assert response.status_code in (400,), (identity, response.content)
        else:
            assert response.status_code in (400, 403), (identity, response.content)
    client = APIClient()
    client.force_authenticate(world.officer)
    response = client.post(
        "/api/v1/groups/groups/",
        {
            "name": "乙镇联盟",
            "kind": "alliance",
            "lead_school": world.md.school_b.pk,
            "start_date": "2026-03-01",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    refused = client.post(
        "/api/v1/groups/groups/",
        {
            "name": "乙镇紧密集团",
            "kind": "close",
            "lead_school": world.md.school_b.pk,
            "start_date": "2026-03-01",
        },
        format="json",
    )
    assert refused.status_code == 400 and "紧密型" in refused.content.decode()
    assert SchoolGroup.objects.count() == 2
    detail = client.get(f"/api/v1/groups/groups/{world.group.pk}/?term=2025-2026-1").json()
    assert detail["members"][0]["school_name"] == "甲街道第一小学"
    assert len(detail["unifications"]) == 8
