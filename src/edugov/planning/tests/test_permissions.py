"""The planning policy, tried for every identity of the mini district plus a planning officer: the
role x action matrix comes from the declaration (planning/permissions.py, through
edugov.testing.policy_expects), and the pages, API routes and services answer as it says."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from edugov.accounts.models import Role
from edugov.accounts.policy import can
from edugov.common.errors import PermissionDenied
from edugov.planning import services
from edugov.planning.models import Project
from edugov.planning.permissions import POLICY
from edugov.testing import MINI_DISTRICT_USERS, login, make_user, policy_expects

pytestmark = pytest.mark.django_db

IDENTITIES = [*MINI_DISTRICT_USERS, "planner"]
ACTIONS = sorted(POLICY.rules)
API = "/api/v1/planning"


def _target(world: Any, name: str) -> Any:
    return world.md.town_a if name in ("import", "forecast_save") else world.md.school_a


def test_can_follows_the_declaration(world):
    wrong = [
        (i, a)
        for i in IDENTITIES
        for a in ACTIONS
        if can(world.users[i], f"planning.{a}", _target(world, a))
        != policy_expects(world.users[i], f"planning.{a}", _target(world, a))
    ]
    assert not wrong
    for a in ACTIONS:
        answers = {policy_expects(world.users[i], f"planning.{a}", _target(world, a)) for i in IDENTITIES}
        assert answers == {True, False}, a


def test_pages_and_api_answer_as_the_policy_says(world):
    for identity in IDENTITIES:
        user = world.users[identity]
        allowed = policy_expects(user, "planning.view")
        client = login(Client(raise_request_exception=False), user)
        for name in ("planning:overview", "planning:layout", "planning:projects"):
            assert client.get(reverse(name)).status_code == (200 if allowed else 403), (identity, name)
        api = APIClient()
        api.force_authenticate(user)
        assert api.get(f"{API}/forecast/").status_code == (200 if allowed else 403), identity


def test_project_registration_through_the_api(world):
    body = {
        "name": "乙镇中心小学新建",
        "school": world.md.school_b.pk,
        "kind": "new",
        "stage": "primary",
        "places_added": 270,
        "budget": "3600.00",
        "start_date": "2026-03-01",
        "planned_completion": "2027-08-01",
    }
    for identity in IDENTITIES:
        user = world.users[identity]
        api = APIClient()
        api.force_authenticate(user)
        response = api.post(f"{API}/projects/", body, format="json")
        if policy_expects(user, "planning.edit", world.md.school_b):
            assert response.status_code == 201, (identity, response.content)
            Project.objects.filter(name=body["name"]).delete()
        else:
            assert response.status_code in (400, 403), (identity, response.content)
            assert not Project.objects.filter(name=body["name"]).exists()
    api = APIClient()
    api.force_authenticate(world.planner)
    response = api.post(f"{API}/projects/", {**body, "planned_completion": "2026-01-01"}, format="json")
    assert response.status_code == 400 and "计划竣工日期应晚于开工日期" in response.content.decode()


def test_the_leader_reads_but_writes_nothing(world):
    leader = world.md.users["leader"]
    with pytest.raises(PermissionDenied):
        services.project_create(
            actor=leader, name="x", school=world.md.school_a, kind="new", stage="primary", places_added=1,
            budget=Decimal(0), start_date=dt.date(2026, 1, 1), planned_completion=dt.date(2026, 9, 1),
        )  # fmt: skip


def test_the_api_forecast_and_lists(world):
    api = APIClient()
    api.force_authenticate(world.planner)
    data = api.get(
        f"{API}/forecast/", {"horizon": 2, "school": world.md.school_a.pk, "places": 100, "year": 2026}
    ).json()
    gap = next(g for g in data["gaps"] if g["town"] == "甲街道" and g["stage"] == "primary")
    assert gap["cells"][0]["gap"] == 40 and data["whatif"]["project"]["places"] == 100
    assert api.get(f"{API}/forecast/", {"horizon": "十"}).json()["code"] == "planning.BAD_FIELD"
    assert [p["name"] for p in api.get(f"{API}/projects/").json()["results"]] == ["甲街道第一小学扩建"]
    assert len(api.get(f"{API}/layout/").json()["schools"]) == 1
    run = api.post(f"{API}/runs/", {"horizon": 2}, format="json")
    assert run.status_code == 201 and run.json()["inputs"]["housing"]
    town = APIClient()
    town.force_authenticate(
        make_user(Role.DEPARTMENT_OFFICER, area=world.md.town_a, department="planning_finance")
    )
    assert {t["area"] for t in town.get(f"{API}/towns/").json()["results"]} == {world.md.town_a.pk}
