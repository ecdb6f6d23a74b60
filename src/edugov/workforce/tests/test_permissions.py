"""The workforce policy, tried for every identity of the mini district plus a personnel officer:
the role x action matrix comes from the declaration (workforce/permissions.py, through
edugov.testing.policy_expects), and each action is tried through its page, its API route or its
service, which must answer as the declaration says."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from edugov.accounts.models import Role
from edugov.accounts.policy import can, rule_for
from edugov.common.errors import PermissionDenied
from edugov.testing import MINI_DISTRICT_USERS, login, policy_expects
from edugov.workforce import services
from edugov.workforce.models import CorrectionRequest
from edugov.workforce.permissions import POLICY

from .conftest import BASE

pytestmark = pytest.mark.django_db

IDENTITIES = [*MINI_DISTRICT_USERS, "personnel"]
ACTIONS = sorted(POLICY.rules)
API = "/api/v1/workforce"


def _target(world: Any, action: str) -> Any:
    """The row each action is asked about: school A's record of the mini district's teacher."""
    record = world.records["a"]
    if action == "studio_report":  # a studio led by school A's teacher (the mini district's teacher user)
        from edugov.workforce.models import Studio

        return Studio.objects.get_or_create(
            name="王老师名师工作室",
            defaults={"kind": "famous_teacher", "lead": world.md.teacher_a, "lead_school": world.md.school_a,
                      "started_on": world.md.year.start_date},
        )[0]  # fmt: skip
    if action in ("record_edit", "school_record_edit", "correction_decide", "view", "school_view"):
        return world.md.school_a
    return record


def test_can_follows_the_declaration(world):
    # One world for the whole matrix (identities x actions): building it per cell cost seconds.
    wrong = [
        (identity, action)
        for identity in IDENTITIES
        for action in ACTIONS
        if can(world.users[identity], f"workforce.{action}", _target(world, action))
        != policy_expects(world.users[identity], f"workforce.{action}", _target(world, action))
    ]
    assert not wrong
    # and the matrix is not empty either way: someone may and someone may not do each action
    for action in ACTIONS:
        answers = {
            policy_expects(world.users[i], f"workforce.{action}", _target(world, action)) for i in IDENTITIES
        }
        assert answers == {True, False}, action


def test_the_read_only_leader_writes_nothing(world):
    for action in ACTIONS:
        if rule_for(f"workforce.{action}").scope == "write":
            assert not can(world.md.users[Role.LEADER], f"workforce.{action}", _target(world, action))


def _page(world: Any, identity: str, name: str, **kwargs: Any) -> int:
    client = login(Client(raise_request_exception=False), world.users[identity])
    return int(client.get(reverse(name, kwargs=kwargs)).status_code)


def test_pages_answer_as_the_policy_says(world):
    for identity in IDENTITIES:
        _pages_of(world, identity)


def _pages_of(world: Any, identity: str) -> None:
    user = world.users[identity]
    school = world.md.school_a
    overview = policy_expects(user, "workforce.view")
    assert _page(world, identity, "workforce:overview") == (200 if overview else 403)
    school_page = policy_expects(user, "workforce.view", school) or policy_expects(
        user, "workforce.school_view", school
    )
    assert _page(world, identity, "workforce:school", pk=school.pk) in ((200,) if school_page else (403, 404))
    own = policy_expects(user, "workforce.own_view")
    assert _page(world, identity, "workforce:me") == (200 if own else 403)
    for name, rule in (
        ("studios", "studio_view"),
        ("ethics", "ethics_view"),
        ("appraisal", "appraisal_view"),
    ):
        expected = 200 if policy_expects(user, f"workforce.{rule}") else 403
        assert _page(world, identity, f"workforce:{name}") == expected, (identity, name)


def test_api_correction_request_answers_as_the_policy_says(world):
    record = world.records["a"]
    body = {"teacher_year": record.pk, "field": "title", "requested_value": "一级", "reason": "已评一级"}
    for identity in IDENTITIES:
        user = world.users[identity]
        client = APIClient()
        client.force_authenticate(user)
        response = client.post(f"{API}/corrections/", body, format="json")
        if policy_expects(user, "workforce.correction_request", record):
            assert response.status_code == 201, (identity, response.content)
            assert CorrectionRequest.objects.filter(teacher_year=record, status="pending").count() == 1
            CorrectionRequest.objects.all().delete()
        else:
            assert response.status_code in (400, 403), (identity, response.content)
            assert not CorrectionRequest.objects.exists()


def test_api_decision_answers_as_the_policy_says(world):
    for identity in IDENTITIES:
        user = world.users[identity]
        req = services.correction_request(
            actor=world.md.users[Role.TEACHER],
            record=world.records["a"],
            field="major",
            requested_value=f"音乐学{identity}",
            reason="毕业证书专业名称",
        )
        client = APIClient()
        client.force_authenticate(user)
        response = client.post(
            f"{API}/corrections/{req.pk}/decide/", {"approve": False, "note": "不符"}, format="json"
        )
        req.refresh_from_db()
        if policy_expects(user, "workforce.correction_decide", req):
            assert response.status_code == 200 and req.status == "rejected", identity
        else:
            assert response.status_code in (403, 404) and req.status == "pending", identity
            req.delete()


def test_record_save_answers_as_the_policy_says(world):
    school = world.md.school_a
    for identity in IDENTITIES:
        user = world.users[identity]
        allowed = policy_expects(user, "workforce.record_edit", school) or policy_expects(
            user, "workforce.school_record_edit", school
        )
        try:
            services.teacher_year_save(
                actor=user,
                teacher=world.md.teacher_a,
                school_year=world.md.year,
                data={**BASE, "rural_years": len(identity)},
                loads={"语文": 16},
            )
            saved = True
        except PermissionDenied:
            saved = False
        assert saved == allowed, identity


def test_the_api_lists_are_scoped(world):
    client = APIClient()
    client.force_authenticate(world.md.users[Role.SCHOOL_ADMIN])
    records = client.get(f"{API}/records/").json()["results"]
    assert {r["school"] for r in records} == {world.md.school_a.pk}
    staffing = client.get(f"{API}/staffing/").json()
    assert {s["school_id"] for s in staffing["schools"]} == {world.md.school_a.pk, world.md.point_a.pk}
    assert any("72号" in c for c in staffing["standards"])
    client.force_authenticate(world.md.users[Role.TEACHER])
    own = client.get(f"{API}/records/").json()["results"]
    assert [r["teacher"] for r in own] == [world.md.teacher_a.pk]
