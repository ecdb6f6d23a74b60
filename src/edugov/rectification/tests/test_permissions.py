"""The rectification policy, checked from its declaration: every rule against every user of the
test district (role, module, department), every action that has a service entry point called by
every user (the service allows exactly whom the policy allows, on the same row), and the holes the
outside probe found (the read-only leader writes nothing but their own visit records; no write
names a row outside its writer's write scope; no API write route goes undeclared)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from edugov.accounts.models import Role
from edugov.accounts.policy import READ_ONLY_ROLES, can, role_may, rule_for
from edugov.common.errors import DomainError, PermissionDenied
from edugov.rectification import api, api_work, geo, liaison, rankings, services, strategy
from edugov.rectification.forms import ItemCreateForm
from edugov.rectification.models import (
    ItemSource,
    LeaderVisit,
    Notification,
    NotificationKind,
    RectificationItem,
    Severity,
    UnitKind,
)
from edugov.rectification.permissions import POLICY
from edugov.supervision import api as supervision_api
from edugov.supervision import services as supervision
from edugov.supervision.permissions import POLICY as SUPERVISION_POLICY
from edugov.testing import login, make_user, policy_role_expects

from .conftest import pdf

pytestmark = pytest.mark.django_db

# The users of the test district: make_mini_district().users and the officers conftest adds.
USERS = [*Role.values, "town_officer", "supervision", "tutoring_officer", "school_b"]
# A read-only role's own records: the only writes it may hold (each with a check).
OWN_RECORDS = {"leader_visit_record", "notification_read"}


def test_the_matrix_covers_every_user_of_the_test_district(district):  # type: ignore[no-untyped-def]
    assert set(USERS) == set(district.users)


# Supervision came out of rectification and is still held with it: both policies are checked here.
RULES = {f"{p.module}.{n}": r for p in (POLICY, SUPERVISION_POLICY) for n, r in p.rules.items()}


def _act(name: str) -> str:
    """The policy action of a rule name (the two policies share no name)."""
    (act,) = [a for a in RULES if a.partition(".")[2] == name]
    return act


@pytest.mark.parametrize("act", list(RULES))
def test_role_matrix_follows_the_declaration(district, act):  # type: ignore[no-untyped-def]
    rule = RULES[act]
    name = act.partition(".")[2]
    assert rule_for(act) is rule
    for key in USERS:
        user = district.users[key]
        expected = policy_role_expects(user, act)
        assert role_may(user, act) is expected, (name, key)
        if rule.scope == "write" and user.role in READ_ONLY_ROLES:
            assert name in OWN_RECORDS or not expected, (name, key)


# Service entry points: for each action, `setup(district)` builds the rows (as the district
# administrator) and returns (the row the policy is asked about, the call as a given user).

Call = Callable[[Any], Any]


def _today() -> dt.date:
    return timezone.localdate()


def _item(d: Any, steps: tuple[str, ...] = ()) -> RectificationItem:
    admin, school = d.users[Role.DISTRICT_ADMIN], d.users[Role.SCHOOL_ADMIN]
    item = services.item_create(
        actor=admin,
        source=ItemSource.MANUAL,
        unit_kind=UnitKind.SCHOOL,
        unit_id=d.school_a.pk,
        title="校门口安全隐患",
        required_action="一个月内完成整改",
        department="basic_education",
        deadline=_today() + dt.timedelta(days=30),
        severity=Severity.MEDIUM,
    )
    for step in steps:
        if step == "assign":
            item = services.item_assign(item=item, actor=admin, deadline=_today() + dt.timedelta(days=20))
        elif step == "start":
            item = services.item_start(item=item, actor=admin)
        elif step == "submit":
            item = services.item_submit_evidence(item=item, actor=school, comment="已整改", files=[pdf()])
        elif step == "verify":
            item = services.item_verify(item=item, actor=admin, comment="通过")
    return item


def _goal(d: Any) -> Any:
    return strategy.goal_create(
        user=d.users[Role.DISTRICT_ADMIN], area=d.town_a, year=_today().year, title="目标"
    )


def _task(d: Any) -> Any:
    return strategy.task_create(
        user=d.users[Role.DISTRICT_ADMIN],
        goal=_goal(d),
        title="消除大班额",
        department="basic_education",
        start_date=_today(),
        deadline=_today() + dt.timedelta(days=60),
        school=d.school_a,
    )


def _milestone(d: Any) -> Any:
    return strategy.milestone_create(
        user=d.users[Role.DISTRICT_ADMIN],
        task=_task(d),
        title="摸底",
        start_date=_today(),
        deadline=_today() + dt.timedelta(days=10),
    )


def _plan_fields(d: Any, title: str = "专项督导") -> dict[str, Any]:
    return {
        "title": title,
        "kind": "special",
        "checklist_code": "responsible_inspector",
        "start_date": _today(),
        "end_date": _today() + dt.timedelta(days=10),
        "school_ids": [d.school_a.pk],
        "inspector_ids": [d.users[Role.INSPECTOR].pk],
    }


def _plan(d: Any) -> Any:
    return supervision.plan_create(actor=d.users[Role.DISTRICT_ADMIN], **_plan_fields(d))


def _ranking(d: Any, *, approved: bool = False) -> Any:
    admin = d.users[Role.DISTRICT_ADMIN]
    start, end = rankings.period_bounds("month", _today().year, _today().month)
    r = rankings.ranking_create(
        user=admin, area=d.district, period_kind="month", period_start=start, period_end=end
    )
    return rankings.ranking_approve(ranking=r, user=admin) if approved else r


def _town_leader(d: Any) -> Any:
    return make_user(Role.LEADER, area=d.town_a)


def _setup_item_step(step: str, before: tuple[str, ...], **kw: Any) -> Callable[[Any], tuple[Any, Call]]:
    def setup(d: Any) -> tuple[Any, Call]:
        item = _item(d, before)
        fn = getattr(services, step)
        return item, lambda u: fn(item=item, actor=u, **kw)

    return setup


def _month() -> tuple[dt.date, dt.date]:
    return rankings.period_bounds("month", _today().year, _today().month)


SERVICES: dict[str, Callable[[Any], tuple[Any, Call]]] = {
    "item_create": lambda d: (
        None,
        lambda u: services.item_create(
            actor=u,
            source=ItemSource.MANUAL,
            unit_kind=UnitKind.SCHOOL,
            unit_id=d.school_a.pk,
            title="新问题",
            required_action="整改",
            department="basic_education",
            deadline=_today() + dt.timedelta(days=30),
        ),
    ),
    "item_assign": _setup_item_step("item_assign", (), deadline=_today() + dt.timedelta(days=20)),
    "item_start": _setup_item_step("item_start", ("assign",)),
    "item_submit": _setup_item_step(
        "item_submit_evidence", ("assign", "start"), comment="已整改", files=[pdf()]
    ),
    "item_verify": _setup_item_step("item_verify", ("assign", "start", "submit"), comment="通过"),
    "item_return": _setup_item_step("item_return", ("assign", "start", "submit"), comment="材料不全"),
    "item_reopen": _setup_item_step("item_reopen", ("assign", "start", "submit", "verify"), comment="反弹"),
    "item_comment": _setup_item_step("item_comment", (), comment="备注"),
    "notification_read": lambda d: (None, lambda u: services.notification_mark_read(actor=u)),
    "ranking_create": lambda d: (
        None,
        lambda u: rankings.ranking_create(
            user=u, area=d.district, period_kind="month", period_start=_month()[0], period_end=_month()[1]
        ),
    ),
    "ranking_approve": lambda d: (r := _ranking(d), lambda u: rankings.ranking_approve(ranking=r, user=u)),
    "ranking_publish": lambda d: (
        r := _ranking(d, approved=True),
        lambda u: rankings.ranking_publish(ranking=r, user=u),
    ),
    "boundary_upload": lambda d: (
        d.district,
        lambda u: geo.boundary_save(district=d.district, geojson={"features": []}, user=u, original_name="x"),
    ),
    "goal_create": lambda d: (
        None,
        lambda u: strategy.goal_create(user=u, area=d.town_a, year=_today().year, title="目标"),
    ),
    "task_create": lambda d: (
        g := _goal(d),
        lambda u: strategy.task_create(
            user=u,
            goal=g,
            title="任务",
            department="basic_education",
            start_date=_today(),
            deadline=_today() + dt.timedelta(days=30),
        ),
    ),
    "task_edit": lambda d: (
        t := _task(d),
        lambda u: strategy.task_update(
            user=u,
            task=t,
            title="调整后的任务",
            department=t.department,
            start_date=t.start_date,
            deadline=t.deadline,
            school=t.school,
        ),
    ),
    "milestone_create": lambda d: (
        t := _task(d),
        lambda u: strategy.milestone_create(
            user=u, task=t, title="节点", start_date=_today(), deadline=_today() + dt.timedelta(days=5)
        ),
    ),
    "milestone_edit": lambda d: (
        m := _milestone(d),
        lambda u: strategy.milestone_update(
            user=u, milestone=m, title="调整后的节点", start_date=m.start_date, deadline=m.deadline, weight=1
        ),
    ),
    "milestone_report": lambda d: (
        m := _milestone(d),
        lambda u: strategy.milestone_report(user=u, milestone=m, progress=50),
    ),
    "liaison_set": lambda d: (
        None,
        lambda u: liaison.liaison_set(user=u, leader_id=d.users[Role.LEADER].pk, school_ids=[d.school_a.pk]),
    ),
    # For a leader of town A: the district's leader may not record it (not their own visit).
    "leader_visit_record": lambda d: (
        LeaderVisit(leader=(lead := _town_leader(d))),
        lambda u: liaison.leader_visit_record(
            user=u, leader_id=lead.pk, visited_on=_today(), school_ids=[d.school_a.pk]
        ),
    ),
    "plan_create": lambda d: (None, lambda u: supervision.plan_create(actor=u, **_plan_fields(d))),
    "plan_edit": lambda d: (
        p := _plan(d),
        lambda u: supervision.plan_update(actor=u, plan=p, **_plan_fields(d, "调整后的督导")),
    ),
    "visit_save": lambda d: (
        p := _plan(d),
        lambda u: supervision.visit_save(
            actor=u, plan=p, school_id=d.school_a.pk, visited_on=_today(), entries={}
        ),
    ),
}


class _Undo(Exception):
    pass


def _outcome(d: Any, setup: Callable[[Any], tuple[Any, Call]], act: str, user: Any) -> tuple[bool, bool]:
    """(what the policy says, whether the service let the user do it), on fresh rows, undone after."""
    result: tuple[bool, bool] = (False, False)
    try:
        with transaction.atomic():
            obj, call = setup(d)
            allowed = can(user, act, obj)
            try:
                call(user)
            except PermissionDenied:
                result = (allowed, False)
            else:
                result = (allowed, True)
            raise _Undo
    except _Undo:
        pass
    return result


def test_every_service_entry_point_is_in_the_policy():
    assert {_act(name) for name in SERVICES} <= set(RULES)


@pytest.mark.parametrize("name", list(SERVICES))
def test_service_allows_exactly_whom_the_policy_allows(district, name):  # type: ignore[no-untyped-def]
    act = _act(name)
    rule = RULES[act]
    allowed_users = []
    for key in USERS:
        user = district.users[key]
        policy_says, service_did = _outcome(district, SERVICES[name], act, user)
        assert service_did is policy_says, (name, key, policy_says)
        if user.role not in rule.roles:
            assert not service_did, (name, key)
        if service_did:
            allowed_users.append(key)
    assert allowed_users, f"{name}: nobody of the test district may do it"
    if rule.scope == "write":
        assert Role.LEADER not in allowed_users or name in OWN_RECORDS


# The holes -----------------------------------------------------------------------------------


def test_leader_records_own_visit_but_not_anothers(district):  # type: ignore[no-untyped-def]
    leader = district.users[Role.LEADER]
    visit, _ = liaison.leader_visit_record(
        user=leader, visited_on=_today(), school_ids=[district.school_b.pk], observations="食堂整洁"
    )
    assert visit.leader == leader
    other = _town_leader(district)
    with pytest.raises(PermissionDenied):
        liaison.leader_visit_record(
            user=leader, leader_id=other.pk, visited_on=_today(), school_ids=[district.school_a.pk]
        )
    assert not LeaderVisit.objects.filter(leader=other).exists()


def test_leader_writes_nothing_through_the_api(client, district):  # type: ignore[no-untyped-def]
    item = _item(district)
    m = _milestone(district)
    plan = _plan(district)
    leader = district.users[Role.LEADER]
    login(client, leader)
    api_root = "/api/v1/rectification"
    posts = [
        (f"{api_root}/items/", {"source": "manual"}),
        (f"{api_root}/items/{item.pk}/transition/", {"action": "comment", "comment": "领导批示"}),
        (f"{api_root}/milestones/{m.pk}/progress/", {"progress": 80}),
        ("/api/v1/supervision/visits/", {"plan": plan.pk}),
    ]
    for url, body in posts:
        r = client.post(url, body, content_type="application/json")
        assert r.status_code == 403, (url, r.content)
        assert r.json()["detail"] == "您的账号为只读账号"
    assert item.events.count() == 1
    m.refresh_from_db()
    assert m.progress == 0
    # Their own visit record goes through.
    r = client.post(
        f"{api_root}/leader-visits/",
        {"visited_on": _today().isoformat(), "school_ids": [district.school_a.pk]},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    assert r.json()["leader"] == leader.pk


def test_leader_may_mark_own_notifications_read_only(district):  # type: ignore[no-untyped-def]
    item = _item(district)
    leader, admin = district.users[Role.LEADER], district.users[Role.DISTRICT_ADMIN]
    now = timezone.now()
    for user in (leader, admin):
        Notification.objects.create(
            user=user, item=item, kind=NotificationKind.ASSIGNED, message="x", created_at=now
        )
    assert services.notification_mark_read(actor=leader) == 1
    assert Notification.objects.get(user=admin).read_at is None


def test_item_create_names_only_units_in_the_write_scope(district):  # type: ignore[no-untyped-def]
    town_officer = district.users["town_officer"]
    with pytest.raises(DomainError):
        services.item_create(
            actor=town_officer,
            source=ItemSource.MANUAL,
            unit_kind=UnitKind.SCHOOL,
            unit_id=district.school_b.pk,
            title="乙镇问题",
            required_action="整改",
            department="basic_education",
            deadline=_today() + dt.timedelta(days=30),
        )
    form = ItemCreateForm(user=town_officer)
    schools = form.fields["school"].queryset  # type: ignore[attr-defined]
    towns = form.fields["town"].queryset  # type: ignore[attr-defined]
    assert district.school_b not in schools and district.town_b not in towns
    assert district.school_a in schools and district.town_a in towns


def test_ranking_over_an_area_outside_the_write_scope_is_refused(district):  # type: ignore[no-untyped-def]
    town_supervisor = make_user(
        Role.DEPARTMENT_OFFICER, area=district.town_a, department="supervision_office"
    )
    start, end = _month()
    with pytest.raises(PermissionDenied):
        rankings.ranking_create(
            user=town_supervisor,
            area=district.district,
            period_kind="month",
            period_start=start,
            period_end=end,
        )


def test_boundary_generated_by_a_person_asks_the_policy(district):  # type: ignore[no-untyped-def]
    for key in (Role.LEADER, Role.DEPARTMENT_OFFICER):
        with pytest.raises(PermissionDenied):
            geo.boundary_save(
                district=district.district, geojson={"features": []}, user=district.users[key], generated=True
            )


def test_recording_for_a_leader_names_schools_in_the_recorders_write_scope(district):  # type: ignore[no-untyped-def]
    admin = make_user(Role.DISTRICT_ADMIN, area=district.town_a)
    lead = _town_leader(district)
    with pytest.raises(DomainError):
        liaison.leader_visit_record(
            user=admin, leader_id=lead.pk, visited_on=_today(), school_ids=[district.school_b.pk]
        )


API_VIEWSETS = [api.ItemViewSet, api_work.TaskViewSet, api_work.MilestoneViewSet, api_work.LeaderVisitViewSet,
                supervision_api.PlanViewSet, supervision_api.VisitViewSet]  # fmt: skip


@pytest.mark.parametrize("viewset", API_VIEWSETS, ids=lambda v: v.__name__)
def test_every_api_write_route_declares_its_policy_action(viewset):  # type: ignore[no-untyped-def]
    writes = {"create"} & set(dir(viewset)) | {
        name
        for name in dir(viewset)
        if (m := getattr(viewset, name, None)) is not None
        and getattr(m, "mapping", None)
        and set(m.mapping) - {"get", "head", "options"}
    }
    assert writes <= set(viewset.policy_actions), viewset.__name__
    for act in viewset.policy_actions.values():
        rule_for(act)


def _write_routes(d: Any) -> list[tuple[str, str]]:
    """(url, policy action) of every API write route, built from the view sets' declarations."""
    item = _item(d)
    m = _milestone(d)
    urls = {
        (api.ItemViewSet, "create"): "/api/v1/rectification/items/",
        (api.ItemViewSet, "transition"): f"/api/v1/rectification/items/{item.pk}/transition/",
        (api_work.MilestoneViewSet, "progress"): f"/api/v1/rectification/milestones/{m.pk}/progress/",
        (api_work.LeaderVisitViewSet, "create"): "/api/v1/rectification/leader-visits/",
        (supervision_api.VisitViewSet, "create"): "/api/v1/supervision/visits/",
    }
    declared = {(v, name): act for v in API_VIEWSETS for name, act in v.policy_actions.items()}
    assert set(declared) == set(urls)
    return [(urls[key], act) for key, act in declared.items()]


def test_api_refuses_whom_the_policy_refuses(client, district):  # type: ignore[no-untyped-def]
    routes = _write_routes(district)
    for key in USERS:
        user = district.users[key]
        login(client, user)
        for url, act in routes:
            r = client.post(url, {}, content_type="application/json")
            if role_may(user, act):
                assert r.status_code != 403, (key, url, r.content)
            else:
                assert r.status_code == 403, (key, url, r.content)
                assert r.json()["detail"] in (
                    "您的账号为只读账号",
                    f"您的账号无权执行“{rule_for(act).label}”",
                )
        client.logout()


def test_navigation_asks_the_policy():
    from edugov.modules import module_spec

    spec = module_spec("rectification")
    assert spec is not None and spec.nav
    for item in spec.nav:
        assert item.action is not None, item.label
        rule_for(item.action)
