"""The audit rows of planning, liaison and supervision carry the area of the row they describe, so
the audit trail shows them to the administrators of that area and to no one else."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from edugov.accounts.models import Role
from edugov.audit.models import AuditEvent
from edugov.rectification import liaison, strategy
from edugov.supervision import services as supervision
from edugov.testing import login, make_user

from .conftest import goal_and_task

pytestmark = pytest.mark.django_db

CHECKS = {c: {"score": 10} for c in ("RI01", "RI02", "RI03", "RI04", "RI05", "RI06", "RI07")}


def _milestone(district: Any, *, school: Any) -> Any:
    admin = district.users[Role.DISTRICT_ADMIN]
    today = timezone.localdate()
    _, task = goal_and_task(district, started=today, code="", school=school)
    return strategy.milestone_create(
        user=admin,
        task=task,
        title="完成校舍改造方案",
        start_date=today,
        deadline=today + dt.timedelta(days=20),
    )


def test_every_write_is_audited_under_its_area(district):  # type: ignore[no-untyped-def]
    admin, leader = district.users[Role.DISTRICT_ADMIN], district.users[Role.LEADER]
    today = timezone.localdate()
    m = _milestone(district, school=district.school_a)
    strategy.milestone_update(
        user=admin, milestone=m, title=m.title, start_date=m.start_date, deadline=m.deadline, weight=2
    )
    strategy.milestone_report(user=admin, milestone=m, progress=30)
    area_task = strategy.task_create(
        user=admin, goal=m.task.goal, title="建设智慧校园", department="basic_education",
        start_date=today, deadline=today + dt.timedelta(days=50),
    )  # fmt: skip
    strategy.milestone_create(
        user=admin, task=area_task, title="选定试点", start_date=today, deadline=today + dt.timedelta(days=9)
    )
    schools, inspectors = [district.school_a.pk, district.school_b.pk], [district.users[Role.INSPECTOR].pk]
    plan = supervision.plan_create(
        actor=admin, title="秋季挂牌督导", kind="routine", checklist_code="responsible_inspector",
        start_date=today, end_date=today + dt.timedelta(days=5), school_ids=schools, inspector_ids=inspectors,
    )  # fmt: skip
    plan = supervision.plan_update(
        actor=admin, plan=plan, title="秋季挂牌督导（调整）", kind="routine",
        checklist_code="responsible_inspector", start_date=today, end_date=today + dt.timedelta(days=9),
        school_ids=schools, inspector_ids=inspectors,
    )  # fmt: skip
    supervision.visit_save(
        actor=district.users[Role.INSPECTOR], plan=plan, school_id=district.school_a.pk, visited_on=today,
        entries=CHECKS,
    )  # fmt: skip
    liaison.liaison_set(user=admin, leader_id=leader.pk, school_ids=[district.school_b.pk])
    liaison.leader_visit_record(
        user=leader, visited_on=today, school_ids=[district.school_b.pk],
        problems=[liaison.ProblemInput(district.school_b.pk, "围墙破损", "修复", "safety", today)],
    )  # fmt: skip

    events = AuditEvent.objects.filter(
        Q(model__startswith="rectification.") | Q(model__startswith="supervision.")
    ).exclude(
        model="rectification.RectificationItem"  # audited by the item services, tested there
    )
    paths = {(e.model, e.action, e.object_repr): e.area_path for e in events}
    district_path, town_a, town_b = district.district.path, district.town_a.path, district.town_b.path
    assert paths == {
        ("rectification.TaskGoal", "create", "十个一"): district_path,
        ("rectification.KeyTask", "create", "消除大班额"): town_a,  # led by school A
        ("rectification.KeyTask", "create", "建设智慧校园"): district_path,  # led by the goal's area
        ("rectification.Milestone", "create", "完成校舍改造方案"): town_a,  # its task's area
        ("rectification.Milestone", "update", "完成校舍改造方案"): town_a,
        ("rectification.Milestone", "create", "选定试点"): district_path,
        ("supervision.SupervisionPlan", "create", "秋季挂牌督导"): district_path,
        ("supervision.SupervisionPlan", "update", "秋季挂牌督导（调整）"): district_path,
        ("supervision.SupervisionVisit", "create", f"秋季挂牌督导（调整） {district.school_a}"): town_a,
        ("rectification.LeaderVisit", "create", f"{leader} {today}"): district_path,  # the leader's
        ("rectification.VisitProblem", "create", "围墙破损"): town_b,
    }
    # the milestone's update and its progress report are both there, under the task's town
    assert set(events.filter(model="rectification.Milestone", object_id=str(m.pk)).values_list(
        "action", "area_path"
    )) == {("create", town_a), ("update", town_a)}  # fmt: skip
    assert events.filter(model="rectification.Milestone", object_id=str(m.pk), action="update").count() == 2


# who opens the audit trail, and whether they see the milestone's rows (None: the page is refused)
VIEWERS: dict[str, tuple[Any, int, bool]] = {
    "district_admin": (lambda d: d.users[Role.DISTRICT_ADMIN], 200, True),
    "town_a_admin": (lambda d: make_user(Role.DISTRICT_ADMIN, area=d.town_a), 200, True),
    "town_b_admin": (lambda d: make_user(Role.DISTRICT_ADMIN, area=d.town_b), 200, False),
    "town_b_school_admin": (lambda d: d.users["school_b"], 403, False),
}


@pytest.mark.parametrize("viewer", sorted(VIEWERS))
def test_milestone_audit_rows_in_the_audit_trail(client, district, viewer):  # type: ignore[no-untyped-def]
    admin = district.users[Role.DISTRICT_ADMIN]
    m = _milestone(district, school=district.school_a)  # town A
    # the planner edits it through the page, as in the browser
    login(client, admin)
    r = client.post(
        reverse("rectification:milestone_edit", args=[m.pk]),
        {"title": m.title, "weight": "3", "start_date": m.start_date, "deadline": m.deadline},
    )
    assert r.status_code == 302
    who, status, sees = VIEWERS[viewer]
    login(client, who(district))
    r = client.get(reverse("audit:event_list"))
    assert r.status_code == status
    # The object column names the row (no "#id" on screen); no other milestone has this title.
    rows = r.content.decode().count('class="wrap">完成校舍改造方案</td>')
    assert rows == (2 if sees else 0)  # created and edited
