"""Leader liaison: links, visits, problems → items without duplicates, the leader's page scope."""

from __future__ import annotations

import datetime as dt

import pytest

from edugov.accounts.models import Role
from edugov.common.errors import DomainError, PermissionDenied
from edugov.rectification import liaison
from edugov.rectification.models import ItemSource, LeaderVisit, RectificationItem, VisitProblem
from edugov.testing import make_user

from .conftest import NOW

pytestmark = pytest.mark.django_db
TODAY = NOW.date()


def _problem(school, title="操场塑胶跑道破损", **kw):  # type: ignore[no-untyped-def]
    fields = {
        "school_id": school.pk,
        "title": title,
        "required_action": "暑期前完成维修",
        "department": "planning_finance",
        "deadline": TODAY + dt.timedelta(days=30),
    }
    fields.update(kw)
    return liaison.ProblemInput(**fields)


def test_problem_becomes_item_once_on_resubmit(district):  # type: ignore[no-untyped-def]
    leader = district.users[Role.LEADER]
    args = {
        "user": leader,
        "visited_on": TODAY,
        "school_ids": [district.school_a.pk],
        "observations": "看了食堂和操场",
        "problems": [_problem(district.school_a)],
        "now": NOW,
    }
    visit, raised = liaison.leader_visit_record(**args)
    assert len(raised) == 1
    item = raised[0]
    assert item.source == ItemSource.LEADER_VISIT and item.school_id == district.school_a.pk
    assert item.visit_kind == "leader_visit" and item.visit_id == visit.pk
    assert item.deadline == TODAY + dt.timedelta(days=30)
    visit2, raised2 = liaison.leader_visit_record(**args)
    assert visit2.pk == visit.pk and raised2 == []
    assert RectificationItem.objects.filter(source=ItemSource.LEADER_VISIT).count() == 1
    assert VisitProblem.objects.count() == 1 and LeaderVisit.objects.count() == 1
    # a second problem on the same day adds one item
    _, raised3 = liaison.leader_visit_record(
        **{**args, "problems": [_problem(district.school_a, "厕所漏水")]}
    )
    assert len(raised3) == 1 and RectificationItem.objects.count() == 2


@pytest.mark.parametrize(
    "change",
    [
        {"visited_on": TODAY + dt.timedelta(days=1)},
        {"school_ids": []},
        {"school_ids": [999999]},
        {"problems": "other_school"},
        {"problems": "past_deadline"},
        {"problems": "bad_department"},
        {"problems": "empty_title"},
    ],
)
def test_bad_input_changes_nothing(district, change):  # type: ignore[no-untyped-def]
    args = {
        "user": district.users[Role.LEADER],
        "visited_on": TODAY,
        "school_ids": [district.school_a.pk],
        "problems": [_problem(district.school_a)],
        "now": NOW,
    }
    bad = change.get("problems")
    if bad == "other_school":
        change = {"problems": [_problem(district.school_b)]}
    elif bad == "past_deadline":
        change = {"problems": [_problem(district.school_a, deadline=TODAY - dt.timedelta(days=1))]}
    elif bad == "bad_department":
        change = {"problems": [_problem(district.school_a, department="x")]}
    elif bad == "empty_title":
        change = {"problems": [_problem(district.school_a, title="  ")]}
    with pytest.raises(DomainError):
        liaison.leader_visit_record(**{**args, **change})
    assert LeaderVisit.objects.count() == 0 and RectificationItem.objects.count() == 0


def test_who_may_record(district):  # type: ignore[no-untyped-def]
    leader = district.users[Role.LEADER]
    with pytest.raises(PermissionDenied):
        liaison.leader_visit_record(
            user=district.users[Role.SCHOOL_ADMIN],
            visited_on=TODAY,
            school_ids=[district.school_a.pk],
            now=NOW,
        )
    with pytest.raises(DomainError):  # an administrator must name the leader
        liaison.leader_visit_record(
            user=district.users[Role.DISTRICT_ADMIN],
            visited_on=TODAY,
            school_ids=[district.school_a.pk],
            now=NOW,
        )
    visit, _ = liaison.leader_visit_record(
        user=district.users[Role.DISTRICT_ADMIN],
        leader_id=leader.pk,
        visited_on=TODAY,
        school_ids=[district.school_a.pk],
        now=NOW,
    )
    assert visit.leader_id == leader.pk


def test_leader_page_scope(district, make_item):  # type: ignore[no-untyped-def]
    admin = district.users[Role.DISTRICT_ADMIN]
    leader = district.users[Role.LEADER]
    other = make_user(Role.LEADER, area=district.district)
    liaison.liaison_set(user=admin, leader_id=leader.pk, school_ids=[district.school_a.pk], now=NOW)
    liaison.liaison_set(user=admin, leader_id=other.pk, school_ids=[district.school_b.pk], now=NOW)
    a = make_item(title="甲校问题")
    make_item(title="乙校问题", school=district.school_b)
    assert list(liaison.liaison_schools(user=leader, leader=leader)) == [district.school_a]
    assert [i.pk for i in liaison.leader_open_items(user=leader, leader=leader)] == [a.pk]
    # a leader reads only their own page
    assert list(liaison.leader_list(user=leader)) == [leader]
    assert {u.pk for u in liaison.leader_list(user=admin)} == {leader.pk, other.pk}
    with pytest.raises(PermissionDenied):
        liaison.liaison_set(user=leader, leader_id=leader.pk, school_ids=[], now=NOW)
    with pytest.raises(DomainError):
        liaison.liaison_set(user=admin, leader_id=admin.pk, school_ids=[], now=NOW)


def test_school_admin_sees_only_own_visits(district):  # type: ignore[no-untyped-def]
    leader = district.users[Role.LEADER]
    liaison.leader_visit_record(user=leader, visited_on=TODAY, school_ids=[district.school_b.pk], now=NOW)
    v_a, _ = liaison.leader_visit_record(
        user=leader, visited_on=TODAY - dt.timedelta(days=1), school_ids=[district.school_a.pk], now=NOW
    )
    assert [v.pk for v in liaison.visit_list(user=district.users[Role.SCHOOL_ADMIN])] == [v_a.pk]
    assert liaison.visit_list(user=leader).count() == 2
