"""Drills, safety lessons, patrols and incidents through the API, for every identity of the mini
district plus the safety officer: who may record what (the policy's declaration decides, through
policy_expects), own school only for a school, references outside the write scope refused, bad
input refused in Chinese with nothing written, and incidents kept from everyone but the safety
office (their circumstances included); others read the counts."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from edugov.accounts.models import Role
from edugov.safety.models import DangerousWater, Drill, Incident, Patrol, SafetyLesson
from edugov.testing import login, policy_expects

from .conftest import TODAY
from .test_permissions import IDENTITIES

pytestmark = pytest.mark.django_db
API = "/api/v1/safety"  # records dated TODAY fall in the mini district's term 1


def _future() -> str:
    return (timezone.localdate() + dt.timedelta(days=1)).isoformat()


def _api(user: Any) -> APIClient:
    return login(APIClient(), user)


def _drill(school_pk: int, **extra: Any) -> dict[str, Any]:
    return {
        "school": school_pk,
        "kind": "evacuation",
        "held_on": TODAY.isoformat(),
        "participants": 320,
        "evaluation": "三分钟疏散完毕",
        **extra,
    }


@pytest.mark.parametrize("identity", IDENTITIES)
def test_who_records_a_drill_of_school_a(world, identity):
    user = world.users[identity]
    school = world.md.school_a
    allowed = policy_expects(user, "safety.school_drill", school) or policy_expects(
        user, "safety.drill", school
    )
    answer = _api(user).post(f"{API}/drill-records/", _drill(school.pk), format="json")
    assert answer.status_code == (201 if allowed else 403), (identity, answer.content)
    assert Drill.objects.filter(school=school).count() == (1 if allowed else 0)
    if allowed:
        body = answer.json()
        assert (body["kind_label"], body["school_name"], body["participants"]) == (
            "应急疏散",
            school.name,
            320,
        )


def test_a_school_records_its_own_drills_only_and_bad_input_writes_nothing(world):
    admin = _api(world.md.users[Role.SCHOOL_ADMIN])
    other = admin.post(f"{API}/drill-records/", _drill(world.md.school_b.pk), format="json")
    assert other.status_code == 400 and "不在您的数据范围内" in other.json()["school"][0]
    future = admin.post(
        f"{API}/drill-records/",
        _drill(world.md.school_a.pk, held_on=_future()),
        format="json",
    )
    assert future.status_code == 400 and "日期不能晚于今天" in future.content.decode()
    for bad in ({"participants": 0}, {"kind": "party"}, {"evaluation": ""}, {"held_on": "明天"}):
        assert (
            admin.post(
                f"{API}/drill-records/", _drill(world.md.school_a.pk, **bad), format="json"
            ).status_code
            == 400
        )
    assert not Drill.objects.exists()
    # the safety office records any school of the district; everyone reads within their scope
    office = _api(world.officer)
    assert (
        office.post(f"{API}/drill-records/", _drill(world.md.school_b.pk), format="json").status_code == 201
    )
    assert admin.post(f"{API}/drill-records/", _drill(world.md.school_a.pk), format="json").status_code == 201
    assert admin.get(f"{API}/drill-records/").json()["count"] == 1
    assert office.get(f"{API}/drill-records/").json()["count"] == 2


def _lesson(school_pk: int, **extra: Any) -> dict[str, Any]:
    return {
        "school": school_pk,
        "kind": "last",
        "topic": "防溺水",
        "held_on": TODAY.isoformat(),
        "classes": 6,
        **extra,
    }


@pytest.mark.parametrize("identity", IDENTITIES)
def test_who_records_a_lesson_of_school_a(world, identity):
    user = world.users[identity]
    school = world.md.school_a
    allowed = policy_expects(user, "safety.school_lesson", school) or policy_expects(
        user, "safety.lesson", school
    )
    answer = _api(user).post(f"{API}/lesson-records/", _lesson(school.pk), format="json")
    assert answer.status_code == (201 if allowed else 403), (identity, answer.content)
    assert SafetyLesson.objects.filter(school=school).count() == (1 if allowed else 0)
    if allowed:
        body = answer.json()
        assert (body["kind_label"], body["topic"], body["school_name"], body["classes"]) == (
            "放假前最后一课",
            "防溺水",
            school.name,
            6,
        )


def test_a_school_records_its_own_lessons_only_and_bad_input_writes_nothing(world):
    admin = _api(world.md.users[Role.SCHOOL_ADMIN])
    other = admin.post(f"{API}/lesson-records/", _lesson(world.md.school_b.pk), format="json")
    assert other.status_code == 400 and "不在您的数据范围内" in other.json()["school"][0]
    for bad, field, message in (
        ({"held_on": _future()}, "", "日期不能晚于今天"),
        ({"topic": "天文"}, "topic", "主题应为防溺水、交通安全"),
        ({"classes": 0}, "classes", ""),
        ({"kind": "party"}, "kind", ""),
        ({"held_on": "2020-01-01"}, "", "该日期不在任何学期内"),
        ({"held_on": "明天"}, "held_on", ""),
    ):
        answer = admin.post(f"{API}/lesson-records/", _lesson(world.md.school_a.pk, **bad), format="json")
        assert answer.status_code == 400, (bad, answer.content)
        assert message in answer.content.decode(), (bad, answer.content)
        assert not field or field in answer.json(), (bad, answer.content)
        assert any("\u4e00" <= ch <= "\u9fff" for ch in str(answer.json())), answer.content  # Chinese
    assert not SafetyLesson.objects.exists()
    # a lesson of the default kind; the safety office records any school of the district
    plain = admin.post(
        f"{API}/lesson-records/",
        {k: v for k, v in _lesson(world.md.school_a.pk, topic="交通安全").items() if k != "kind"},
        format="json",
    )
    assert plain.status_code == 201 and plain.json()["kind_label"] == "安全教育课"
    office = _api(world.officer)
    made = office.post(f"{API}/lesson-records/", _lesson(world.md.school_b.pk, kind="first"), format="json")
    assert made.status_code == 201 and made.json()["kind_label"] == "开学第一课"
    assert [r["topic"] for r in admin.get(f"{API}/lesson-records/").json()["results"]] == ["交通安全"]
    assert office.get(f"{API}/lesson-records/").json()["count"] == 2
    assert admin.get(f"{API}/lesson-records/{made.json()['id']}/").status_code == 404
    # the school's page counts the lessons recorded through the API
    page = login(Client(), world.md.users[Role.SCHOOL_ADMIN]).get(reverse("safety:my_school"))
    assert "交通安全" in page.content.decode()


def _waters(world):
    a = DangerousWater.objects.create(
        area=world.md.town_a, school=world.md.school_a, name="甲村鱼塘", kind="pond", location="校东200米"
    )
    b = DangerousWater.objects.create(
        area=world.md.town_b, school=world.md.school_b, name="乙镇西河", kind="river", location="校南300米"
    )
    return a, b


def _patrol(water_pk: int, **extra: Any) -> dict[str, Any]:
    return {
        "water": water_pk,
        "patrolled_on": TODAY.isoformat(),
        "patroller": "张师傅",
        "observed": "警示牌完好",
        **extra,
    }


@pytest.mark.parametrize("identity", IDENTITIES)
def test_who_records_a_patrol_of_school_a_water(world, identity):
    user = world.users[identity]
    pond, _ = _waters(world)
    allowed = policy_expects(user, "safety.school_patrol", pond) or policy_expects(
        user, "safety.patrol", pond
    )
    answer = _api(user).post(f"{API}/patrols/", _patrol(pond.pk, issue_found=True), format="json")
    assert answer.status_code in ((201,) if allowed else (400, 403)), (identity, answer.content)
    assert Patrol.objects.count() == (1 if allowed else 0)


def test_patrols_by_water_in_scope_and_the_water_list_shows_the_patrol(world):
    pond, river = _waters(world)
    admin = _api(world.md.users[Role.SCHOOL_ADMIN])
    refused = admin.post(f"{API}/patrols/", _patrol(river.pk), format="json")
    assert refused.status_code == 400 and "不在您的数据范围内" in refused.json()["water"][0]
    assert admin.post(f"{API}/patrols/", _patrol(pond.pk, patroller=""), format="json").status_code == 400
    assert not Patrol.objects.exists()
    assert admin.post(f"{API}/patrols/", _patrol(pond.pk), format="json").status_code == 201
    office = _api(world.officer)
    assert (
        office.post(
            f"{API}/patrols/",
            _patrol(river.pk, issue_found=True, patrolled_on=timezone.localdate().isoformat()),
            format="json",
        ).status_code
        == 201
    )
    assert [p["water_name"] for p in office.get(f"{API}/patrols/?water={river.pk}").json()["results"]] == [
        "乙镇西河"
    ]
    assert office.get(f"{API}/patrols/?water=abc").json()["count"] == 0
    assert admin.get(f"{API}/patrols/").json()["count"] == 1  # its own school's water only
    waters = {w["name"]: w for w in office.get(f"{API}/waters/").json()["results"]}
    assert (waters["乙镇西河"]["patrols"], waters["乙镇西河"]["issues"], waters["乙镇西河"]["overdue"]) == (
        1,
        1,
        False,
    )


def _incident(**extra: Any) -> dict[str, Any]:
    return {
        "kind": "drowning",
        "occurred_on": TODAY.isoformat(),
        "outcome": "rescued",
        "pupils": 2,
        "circumstances": "傍晚在河边戏水，被路人救起",
        **extra,
    }


@pytest.mark.parametrize("identity", IDENTITIES)
def test_incidents_are_the_safety_office_s_alone(world, identity):
    user = world.users[identity]
    office = policy_expects(user, "safety.incident_edit", world.md.school_a)
    api = _api(user)
    answer = api.post(f"{API}/incidents/", _incident(school=world.md.school_a.pk), format="json")
    assert answer.status_code == (201 if office else 403), (identity, answer.content)
    town_b = Incident.objects.create(
        area=world.md.town_b,
        kind="traffic",
        occurred_on=TODAY,
        outcome="injured",
        circumstances="放学路上被电动车撞伤",
    )
    listing = api.get(f"{API}/incidents/")
    assert listing.status_code == (200 if office else 403)
    detail = api.get(f"{API}/incidents/{town_b.pk}/")
    assert detail.status_code == (200 if office else 403)
    assert "电动车" not in listing.content.decode() + detail.content.decode() or office
    counts = api.get(f"{API}/incident-counts/")
    assert counts.status_code == (200 if policy_expects(user, "safety.view") else 403)
    assert "电动车" not in counts.content.decode() and "戏水" not in counts.content.decode()


def test_the_office_records_an_incident_and_others_see_counts_only(world):
    office = _api(world.officer)
    made = office.post(f"{API}/incidents/", _incident(school=world.md.school_a.pk), format="json")
    assert made.status_code == 201
    body = made.json()
    assert (body["area"], body["kind_label"], body["outcome_label"]) == (
        world.md.town_a.pk,
        "溺水",
        "获救无大碍",
    )
    assert Incident.objects.get().circumstances == "傍晚在河边戏水，被路人救起"  # decrypted on read
    for bad, message in (
        ({"school": None}, "请填写发生镇街"),
        ({"area": world.md.town_a.pk, "occurred_on": _future()}, "日期不能晚于今天"),
        ({"area": world.md.town_a.pk, "pupils": 0}, "1"),
        ({"area": world.md.school_a.area.parent_id}, "不在您的数据范围内"),  # the district is not a town
    ):
        answer = office.post(f"{API}/incidents/", _incident(**bad), format="json")
        assert answer.status_code == 400 and message in answer.content.decode(), (bad, answer.content)
    assert Incident.objects.count() == 1
    office.post(
        f"{API}/incidents/",
        _incident(area=world.md.town_b.pk, kind="traffic", outcome="injured", pupils=1),
        format="json",
    )
    leader = _api(world.md.users[Role.LEADER])
    counts = {
        (r["kind"], r["outcome"]): (r["n"], r["pupils"])
        for r in leader.get(f"{API}/incident-counts/?year={TODAY.year}").json()
    }
    assert counts == {("溺水", "获救无大碍"): (1, 2), ("交通事故", "受伤"): (1, 1)}
    assert leader.get(f"{API}/incident-counts/?year=1800").status_code == 400
    assert leader.get(f"{API}/incident-counts/?year=2025").json() == []
