"""The page forms for what was service-only: the personnel department founds a research community
and records its activities on the studio board, and fixes a rural school's remoteness tier on the
appraisal page; each with its success, Chinese refusals (400, nothing written) and the roles that
may not (403)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from edugov.accounts.models import Role
from edugov.common.errors import PermissionDenied
from edugov.registry.models import Teacher
from edugov.testing import login
from edugov.workforce import appraisal
from edugov.workforce.models import CommunityActivity, RemotenessTier, ResearchCommunity

pytestmark = pytest.mark.django_db


def _community(world: Any, **kw: Any) -> dict[str, Any]:
    li = Teacher.objects.get(staff_number="T002")
    return {
        "form": "community",
        "community-name": "小学音乐学科研修共同体",
        "community-kind": "subject",
        "community-subject": "音乐",
        "community-lead": world.md.teacher_a.pk,
        "community-members": [li.pk, world.teacher_b.pk],
        **kw,
    }


def _activity(community: ResearchCommunity, **kw: Any) -> dict[str, Any]:
    return {
        "form": "activity",
        "activity-community": community.pk,
        "activity-held_on": "2025-10-15",
        "activity-title": "同课异构：音乐欣赏课",
        "activity-participants": "18",
        "activity-summary": "两校各上一节，集体评课",
        **kw,
    }


def test_a_community_founded_and_its_activity_recorded_from_the_board(world):
    md = world.md
    client = login(Client(), world.personnel)
    page = client.get("/workforce/studios/").content.decode()
    assert "成立研修共同体" in page and "登记研修活动" not in page  # no community yet: nothing to record
    response = client.post("/workforce/studios/", _community(world))
    assert response.status_code == 302
    community = ResearchCommunity.objects.get()
    assert (community.kind, community.subject, community.lead, community.lead_school) == (
        "subject",
        "音乐",
        md.teacher_a,
        md.school_a,
    )
    assert sorted(community.members.values_list("name", flat=True)) == ["李老师", "钱老师"]
    assert "已成立小学音乐学科研修共同体" in client.get(response["Location"]).content.decode()
    # A head teachers' community has no subject even when one is sent.
    client.post(
        "/workforce/studios/",
        _community(world, **{"community-name": "班主任共同体", "community-kind": "head_teacher"}),
    )
    assert ResearchCommunity.objects.get(name="班主任共同体").subject == ""
    response = client.post("/workforce/studios/", _activity(community))
    assert response.status_code == 302
    activity = CommunityActivity.objects.get()
    assert (activity.community, activity.held_on, activity.participants) == (
        community,
        dt.date(2025, 10, 15),
        18,
    )
    html = client.get(response["Location"]).content.decode()
    assert "同课异构：音乐欣赏课（18人）" in html and "2025年10月15日" in html


def test_refusals_in_chinese_write_nothing(world):
    client = login(Client(), world.personnel)
    cases: list[tuple[dict[str, Any], str]] = [
        ({"community-subject": ""}, "学科研修共同体请选择学科"),
        ({"community-subject": "炼金术"}, "请从列表中选择学科"),
        ({"community-lead": 999999}, "所选教师不在您可维护的学校"),
        ({"community-name": ""}, "请填写共同体名称"),
        ({"community-kind": "club"}, "选择一个有效的选项"),
    ]
    for extra, message in cases:
        refused = client.post("/workforce/studios/", _community(world, **extra))
        assert refused.status_code == 400, extra
        assert message in refused.content.decode(), extra
    assert not ResearchCommunity.objects.exists()
    client.post("/workforce/studios/", _community(world))
    community = ResearchCommunity.objects.get()
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    activity_cases: list[tuple[dict[str, Any], str]] = [
        ({"activity-held_on": tomorrow}, "活动日期：不能晚于今天"),
        ({"activity-held_on": "2025-02-30"}, "请按“2026-03-01”的格式填写活动日期"),
        ({"activity-participants": "5000"}, "参加人数应为0～2000"),
        ({"activity-participants": "-1"}, "参加人数应为0～2000"),
        ({"activity-title": ""}, "请填写活动主题"),
        ({"activity-community": 999999}, "所选共同体不在您可维护的范围"),
    ]
    for extra, message in activity_cases:
        refused = client.post("/workforce/studios/", _activity(community, **extra))
        assert refused.status_code == 400, extra
        assert message in refused.content.decode(), extra
    assert not CommunityActivity.objects.exists()


@pytest.mark.parametrize("role", [Role.LEADER, Role.SCHOOL_ADMIN, Role.TEACHER])
def test_only_the_personnel_department_keeps_communities(world, role):
    client = login(Client(), world.md.users[role])
    assert client.post("/workforce/studios/", _community(world)).status_code == 403
    assert not ResearchCommunity.objects.exists()


def _tier(school_pk: int, tier: Any) -> dict[str, Any]:
    return {"form": "tier", "tier-school": school_pk, "tier-tier": tier}


def test_the_personnel_department_sets_a_rural_schools_tier(world):
    md = world.md
    client = login(Client(), world.personnel)
    page = client.get("/workforce/appraisal/?year=2025").content.decode()
    assert "核定乡村学校艰苦边远档次" in page and md.point_a.name in page
    response = client.post("/workforce/appraisal/?year=2025", _tier(md.point_a.pk, "3"))
    assert response.status_code == 302 and response["Location"].endswith("?year=2025#allowances")
    assert RemotenessTier.objects.get(school=md.point_a).tier == 3
    client.post("/workforce/appraisal/?year=2025", _tier(md.point_a.pk, "4"))
    assert list(RemotenessTier.objects.values_list("school_id", "tier")) == [(md.point_a.pk, 4)]
    for data, message in [
        (_tier(md.school_a.pk, "2"), "所选学校不是您可维护的乡村学校"),  # an urban school has no tier
        (_tier(md.point_a.pk, "7"), "艰苦边远档次应为1～4档"),
        (_tier(md.point_a.pk, ""), "请选择档次"),
    ]:
        refused = client.post("/workforce/appraisal/?year=2025", data)
        assert refused.status_code == 400 and message in refused.content.decode(), data
    assert list(RemotenessTier.objects.values_list("school_id", "tier")) == [(md.point_a.pk, 4)]


@pytest.mark.parametrize("role", [Role.SCHOOL_ADMIN, Role.LEADER, Role.TEACHER])
def test_a_school_does_not_set_its_own_tier(world, role):
    """The school administrator enters appraisal results but not the tier that pays its teachers."""
    md = world.md
    user = md.users[role]
    assert login(Client(), user).post("/workforce/appraisal/", _tier(md.point_a.pk, "4")).status_code == 403
    with pytest.raises(PermissionDenied):
        appraisal.tier_set(actor=user, school=md.point_a, tier=4)
    assert not RemotenessTier.objects.exists()
