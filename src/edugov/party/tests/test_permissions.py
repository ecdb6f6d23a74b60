"""The party policy, tried for every identity of the mini district plus a personnel officer: the
role x action matrix from the declaration (party/permissions.py, via edugov.testing.policy_expects);
the coverage page, a school's page and the API answer as it says. No member data anywhere."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from edugov.accounts.models import Role
from edugov.accounts.policy import can
from edugov.party.models import MeetingCount, PartyStatus
from edugov.party.permissions import POLICY
from edugov.testing import login, make_mini_district, make_user, policy_expects

pytestmark = pytest.mark.django_db
ACTIONS = sorted(POLICY.rules)


@pytest.fixture
def md(db):
    md = make_mini_district()
    md.users["personnel"] = make_user(Role.DEPARTMENT_OFFICER, area=md.district, department="personnel")
    return md


def _target(md, action):
    return md.district if action == "target_edit" else md.school_a


def test_can_follows_the_declaration(md):
    wrong = [
        (identity, action)
        for identity, user in md.users.items()
        for action in ACTIONS
        if can(user, f"party.{action}", _target(md, action))
        != policy_expects(user, f"party.{action}", _target(md, action))
    ]
    assert not wrong
    for action in ACTIONS:
        answers = {policy_expects(u, f"party.{action}", _target(md, action)) for u in md.users.values()}
        assert answers == {True, False}, action


def test_pages_and_api_answer_as_the_policy_says(md):
    for identity, user in md.users.items():
        client = login(Client(raise_request_exception=False), user)
        assert client.get(reverse("party:coverage")).status_code == (
            200 if policy_expects(user, "party.view") else 403
        ), identity
        school = client.get(reverse("party:school", kwargs={"pk": md.school_a.pk})).status_code
        readable = policy_expects(user, "party.view", md.school_a) or policy_expects(
            user, "party.school_view", md.school_a
        )
        assert school in ((200,) if readable else (403, 404)), (identity, school)
        api = APIClient()
        api.force_authenticate(user)
        body = {"school": md.school_a.pk, "term": "2026-2027-1", "party_meetings": -2, "office_meetings": 1}
        response = api.post("/api/v1/party/meetings/", body, format="json")
        expected = (400,) if policy_expects(user, "party.status_edit", md.school_a) else (400, 403)
        assert response.status_code in expected, (identity, response.status_code)
    assert not MeetingCount.objects.exists()
    # the school keeps its status on its page; the bureau reads it on the coverage page
    client = login(Client(), md.users[Role.SCHOOL_ADMIN])
    response = client.post(
        reverse("party:school", kwargs={"pk": md.school_a.pk}),
        {
            "form": "status",
            "org_kind": "branch",
            "rules_adopted": "on",
            "office_rules_adopted": "on",
            "brand": "红烛先锋",
        },
    )
    assert response.status_code == 302 and PartyStatus.objects.get().covered
    page = login(Client(), md.users["personnel"]).get(reverse("party:coverage")).content.decode()
    assert "党组织领导的校长负责制" in page and "尚未设定年度目标" in page
    api = APIClient()
    api.force_authenticate(md.users[Role.LEADER])
    data = api.get("/api/v1/party/coverage/").json()
    assert (data["schools"], data["covered"]) == (2, 1)
    assert len(data["not_covered"]) == 1 and data["tutoring"] is None and data["overdue"] is False
