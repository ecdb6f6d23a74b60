"""Strategic tasks: the RAG rule at its boundaries, roll-up by hand, overdue milestones → items."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from edugov.accounts.models import Role
from edugov.audit.models import AuditEvent
from edugov.common.errors import DomainError, PermissionDenied
from edugov.rectification import services, strategy
from edugov.rectification.models import ItemSource, ItemStatus, KeyTask, Milestone, RectificationItem
from edugov.testing import make_user

from .conftest import NOW, TZ

pytestmark = pytest.mark.django_db

START = dt.date(2025, 1, 1)
DEADLINE = START + dt.timedelta(days=100)
HALF = START + dt.timedelta(days=50)  # expected progress 50 %
PLANNED = dt.datetime(2025, 1, 1, 9, tzinfo=TZ)  # the plan is made before any deadline passes


@pytest.mark.parametrize(
    ("progress", "today", "rag"),
    [
        (20, HALF, "amber"),  # lag exactly 30 → amber
        (19, HALF, "red"),  # lag 31 → red
        (40, HALF, "amber"),  # lag exactly 10 → amber
        (41, HALF, "green"),  # lag 9 → green
        (0, START, "green"),  # nothing expected yet
        (69, DEADLINE, "red"),  # on the deadline: expected 100, lag 31
        (70, DEADLINE, "amber"),  # on the deadline, lag 30
        (99, DEADLINE + dt.timedelta(days=1), "red"),  # overdue
        (100, DEADLINE + dt.timedelta(days=40), "green"),  # done
    ],
)
def test_rag_boundaries(progress, today, rag):  # type: ignore[no-untyped-def]
    assert strategy.rag_status(progress=progress, start=START, deadline=DEADLINE, today=today) == rag


def test_expected_progress():
    assert strategy.expected_progress(start=START, deadline=DEADLINE, today=HALF) == 50.0
    assert strategy.expected_progress(start=START, deadline=DEADLINE, today=START - dt.timedelta(1)) == 0.0
    assert strategy.expected_progress(start=START, deadline=START, today=START + dt.timedelta(1)) == 100.0


@pytest.fixture
def plan(district):  # type: ignore[no-untyped-def]
    admin = district.users[Role.DISTRICT_ADMIN]
    goal = strategy.goal_create(
        user=admin, area=district.district, year=2025, title="十个一：办好人民满意教育", now=PLANNED
    )
    t1 = strategy.task_create(
        user=admin,
        goal=goal,
        code="一",
        title="新建一所九年一贯制学校",
        department="planning_finance",
        start_date=START,
        deadline=dt.date(2025, 12, 31),
        owner_name="李科长",
        now=PLANNED,
    )
    t2 = strategy.task_create(
        user=admin,
        goal=goal,
        code="二",
        title="消除大班额",
        department="basic_education",
        start_date=START,
        deadline=dt.date(2025, 12, 31),
        school=district.school_a,
        now=PLANNED,
    )
    m = {}
    m["a"] = strategy.milestone_create(
        user=admin,
        task=t1,
        title="立项",
        start_date=START,
        deadline=dt.date(2025, 3, 31),
        weight=1,
        progress=100,
        now=PLANNED,
    )
    m["b"] = strategy.milestone_create(
        user=admin,
        task=t1,
        title="开工",
        start_date=START,
        deadline=dt.date(2025, 9, 1),
        weight=3,
        progress=40,
        now=PLANNED,
    )
    m["c"] = strategy.milestone_create(
        user=admin,
        task=t2,
        title="制定方案",
        start_date=START,
        deadline=dt.date(2025, 6, 30),
        weight=2,
        progress=50,
        now=PLANNED,
    )
    return goal, t1, t2, m


def test_roll_up_by_goal_and_department(district, plan):  # type: ignore[no-untyped-def]
    _goal, t1, t2, _m = plan
    board = strategy.task_board(user=district.users[Role.DISTRICT_ADMIN], today=dt.date(2025, 10, 1))
    (_g, roll, rows) = board.goals[0]
    by_task = {r.task.pk: r for r in rows}
    # t1: (1×100 + 3×40) / 4 = 55.0; t2: 50.0
    assert by_task[t1.pk].progress == 55.0
    assert by_task[t2.pk].progress == 50.0
    # goal: (100 + 120 + 2×50) / (1 + 3 + 2) = 320 / 6 = 53.3
    assert roll.progress == 53.3
    depts = {d.key: d for d in board.departments}
    assert depts["planning_finance"].progress == 55.0
    assert depts["basic_education"].progress == 50.0
    # 2025-10-01: milestone 开工 (deadline 09-01, 40 %) and 制定方案 (06-30, 50 %) are overdue
    assert board.totals["overdue_milestones"] == 2
    # t1 expected (273 / 364 days) = 75 %, progress 55 → lag 20 → amber; t2 lag 25 → amber
    assert by_task[t1.pk].rag == "amber" and by_task[t2.pk].rag == "amber"


def test_progress_report_bad_input_and_scope(district, plan):  # type: ignore[no-untyped-def]
    _, _, t2, m = plan
    school = district.users[Role.SCHOOL_ADMIN]
    for bad in ("abc", -1, 101, "", None):
        with pytest.raises(DomainError):
            strategy.milestone_report(user=school, milestone=m["c"], progress=bad, now=NOW)
    assert strategy.milestone_report(user=school, milestone=m["c"], progress=80, now=NOW).progress == 80
    # the school admin cannot report on the bureau's own task, nor see it
    with pytest.raises(PermissionDenied):
        strategy.milestone_report(user=school, milestone=m["b"], progress=50, now=NOW)
    board = strategy.task_board(user=school, today=dt.date(2025, 10, 1))
    assert [r.task.pk for _, _, rows in board.goals for r in rows] == [t2.pk]
    with pytest.raises(PermissionDenied):
        strategy.milestone_report(user=district.users[Role.LEADER], milestone=m["c"], progress=1, now=NOW)


def test_dates_and_permissions(district, plan):  # type: ignore[no-untyped-def]
    goal, _t1, _, _ = plan
    admin = district.users[Role.DISTRICT_ADMIN]
    with pytest.raises(DomainError):
        strategy.task_create(
            user=admin,
            goal=goal,
            title="x",
            department="basic_education",
            start_date=START,
            deadline=START - dt.timedelta(1),
        )
    with pytest.raises(DomainError):
        strategy.task_create(
            user=admin, goal=goal, title="x", department="nope", start_date=START, deadline=START
        )
    with pytest.raises(PermissionDenied):
        strategy.goal_create(
            user=district.users[Role.SCHOOL_ADMIN], area=district.district, year=2025, title="x"
        )


def test_overdue_milestones_become_items_once(district, plan):  # type: ignore[no-untyped-def]
    _, _t1, _t2, m = plan
    when = dt.datetime(2025, 10, 1, 8, tzinfo=TZ)
    r = services.findings_sync(source=strategy.MILESTONE_OVERDUE, now=when)
    assert r.created == 2
    items = RectificationItem.objects.filter(finding_source=strategy.MILESTONE_OVERDUE).order_by("pk")
    assert {i.source for i in items} == {ItemSource.TASK}
    school_item = items.get(school=district.school_a)
    assert school_item.department == "basic_education" and "制定方案" in school_item.title
    assert items.get(unit_kind="area").department == "planning_finance"
    again = services.findings_sync(source=strategy.MILESTONE_OVERDUE, now=when)
    assert again.created == 0 and again.still_open == 2
    strategy.milestone_report(
        user=district.users[Role.DISTRICT_ADMIN], milestone=m["c"], progress=100, now=when
    )
    third = services.findings_sync(source=strategy.MILESTONE_OVERDUE, now=when)
    assert third.cause_gone == 1
    assert RectificationItem.objects.get(pk=school_item.pk).status == ItemStatus.OPEN


def test_daily_digest_mentions_milestones_due(district, plan, mailoutbox):  # type: ignore[no-untyped-def]
    officer = district.users[Role.DEPARTMENT_OFFICER]  # basic_education, owns task 二
    officer.email = "jc@example.org"
    officer.save(update_fields=["email"])
    _, _, _, m = plan
    # 06-28: 制定方案 (task 二, due 06-30) is due in 2 days; 开工 (planning_finance) is not theirs
    sent = services.digest_send(now=dt.datetime(2025, 6, 28, 7, tzinfo=TZ))
    assert sent == 1
    body = mailoutbox[0].body
    assert "制定方案" in body and "剩2天" in body and "开工" not in body
    assert "1个任务节点到期" in mailoutbox[0].subject
    strategy.milestone_report(user=officer, milestone=m["c"], progress=100, now=NOW)
    assert services.digest_send(now=dt.datetime(2025, 6, 28, 7, tzinfo=TZ)) == 0


# Planning writes: task and milestone updates ---------------------------------------------------------

LATER = dt.datetime(2025, 10, 1, 9, tzinfo=TZ)  # = NOW: deadlines before 2025-10-01 are in the past


def _task_args(task, **change):  # type: ignore[no-untyped-def]
    args = {
        "title": task.title,
        "department": task.department,
        "start_date": task.start_date,
        "deadline": task.deadline,
        "school": task.school,
        "owner": task.owner,
        "owner_name": task.owner_name,
        "code": task.code,
        "now": LATER,
    }
    return {**args, **change}


def test_task_update_changes_and_audits(district, plan):  # type: ignore[no-untyped-def]
    _, t1, _, _ = plan
    admin = district.users[Role.DISTRICT_ADMIN]
    owner = make_user(Role.DEPARTMENT_OFFICER, area=district.district, department="basic_education")
    task = strategy.task_update(
        user=admin,
        task=t1,
        **_task_args(
            t1,
            department="basic_education",
            school=district.school_a,
            owner=owner,
            owner_name="",
            deadline=dt.date(2026, 3, 31),
        ),
    )
    task.refresh_from_db()
    assert (task.school, task.unit_kind, task.area, task.unit_name) == (
        district.school_a,
        "school",
        district.school_a.area,
        district.school_a.name,
    )
    assert task.owner == owner and task.owner_name == str(owner) and task.deadline == dt.date(2026, 3, 31)
    event = AuditEvent.objects.get(model="rectification.KeyTask", object_id=str(t1.pk), action="update")
    assert event.actor == admin
    assert event.changes["deadline"] == ["2025-12-31", "2026-03-31"]
    assert event.changes["school"] == [None, district.school_a.pk]
    assert event.changes["owner"] == [None, owner.pk]
    # the same values again write nothing
    strategy.task_update(user=admin, task=task, **_task_args(task))
    assert AuditEvent.objects.filter(model="rectification.KeyTask", action="update").count() == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"title": "  "}, "重点任务：不能为空"),
        ({"deadline": dt.date(2024, 12, 31)}, "完成期限不能早于开始日期"),
        ({"deadline": dt.date(2025, 9, 30)}, "完成期限不能早于今天（2025年10月1日）"),
        ({"deadline": dt.date(2025, 10, 20), "start_date": dt.date(2025, 10, 10)}, None),  # ok
        ({"deadline": dt.date(2025, 12, 31), "title": "x" * 201}, "重点任务：不能超过200个字"),
        ({"department": "nope"}, "主管科室：取值无效"),
        ({"owner": "other_department"}, "责任人不存在，或不属于责任单位/主管科室"),
        ({"owner": "school_b"}, "责任人不存在，或不属于责任单位/主管科室"),
    ],
)
def test_task_update_bad_input_changes_nothing(district, plan, change, message):  # type: ignore[no-untyped-def]
    _, t1, _, _ = plan
    admin = district.users[Role.DISTRICT_ADMIN]
    owners = {"other_department": district.users["tutoring_officer"], "school_b": district.users["school_b"]}
    if change.get("owner") in owners:
        change = {**change, "owner": owners[change["owner"]]}
    if message is None:
        strategy.task_update(user=admin, task=t1, **_task_args(t1, **change))
        return
    with pytest.raises(DomainError) as exc:
        strategy.task_update(user=admin, task=t1, **_task_args(t1, **change))
    assert exc.value.message == message
    fresh = KeyTask.objects.get(pk=t1.pk)
    assert (fresh.title, fresh.deadline, fresh.department, fresh.owner_id) == (
        t1.title,
        t1.deadline,
        t1.department,
        None,
    )
    assert not AuditEvent.objects.filter(model="rectification.KeyTask", action="update").exists()


def test_task_update_deadline_units_and_permissions(district, plan):  # type: ignore[no-untyped-def]
    _, t1, _, _ = plan
    admin = district.users[Role.DISTRICT_ADMIN]
    town_officer = district.users["town_officer"]  # basic_education at 甲街道
    strategy.milestone_create(
        user=admin, task=t1, title="竣工", start_date=START, deadline=dt.date(2025, 12, 1), now=PLANNED
    )
    with pytest.raises(DomainError) as exc:
        strategy.task_update(user=admin, task=t1, **_task_args(t1, deadline=dt.date(2025, 11, 30)))
    assert exc.value.message == "完成期限不能早于已设节点的最晚期限（2025年12月1日）"
    # a goal of 甲街道: its tasks may be led by its own schools only
    town_goal = strategy.goal_create(user=town_officer, area=district.town_a, year=2025, title="街道目标")
    with pytest.raises(DomainError) as exc:
        strategy.task_create(
            user=admin, goal=town_goal, title="x", department="basic_education", start_date=START,
            deadline=dt.date(2025, 12, 31), school=district.school_b, now=LATER,
        )  # fmt: skip
    assert exc.value.message == "牵头学校不在工作目标所属区域（甲街道）内"
    with pytest.raises(DomainError) as exc:
        strategy.task_create(
            user=town_officer, goal=town_goal, title="x", department="basic_education", start_date=START,
            deadline=dt.date(2025, 12, 31), school=district.school_b, now=LATER,
        )  # fmt: skip
    assert exc.value.message == "责任单位不存在或不在您的数据范围内"
    # the town officer sees the district goal's school-led task but does not own its goal
    _, _, t2, _ = plan
    assert KeyTask.objects.filter(pk=t2.pk, area=district.town_a).exists()
    assert not strategy.may_edit_task(town_officer, t2)
    with pytest.raises(PermissionDenied):
        strategy.task_update(user=town_officer, task=t2, **_task_args(t2, title="改"))
    with pytest.raises(PermissionDenied):
        strategy.task_create(
            user=town_officer, goal=t2.goal, title="x", department="basic_education", start_date=START,
            deadline=dt.date(2025, 12, 31), now=LATER,
        )  # fmt: skip
    for role in (Role.SCHOOL_ADMIN, Role.LEADER, Role.INSPECTOR, Role.TEACHER):
        with pytest.raises(PermissionDenied):
            strategy.task_update(user=district.users[role], task=t2, **_task_args(t2, title="改"))
    assert KeyTask.objects.get(pk=t2.pk).title == t2.title


def test_milestone_update_and_create_rules(district, plan):  # type: ignore[no-untyped-def]
    _, t1, _, m = plan
    admin = district.users[Role.DISTRICT_ADMIN]
    args: dict[str, Any] = {
        "title": "开工建设",
        "start_date": START,
        "deadline": dt.date(2025, 11, 1),
        "weight": "5",
        "owner_name": "王工",
        "now": LATER,
    }
    ms = strategy.milestone_update(user=admin, milestone=m["b"], **args)
    ms.refresh_from_db()
    assert (ms.title, ms.weight, ms.deadline, ms.owner_name, ms.progress) == (
        "开工建设",
        5,
        dt.date(2025, 11, 1),
        "王工",
        40,
    )
    assert ms.updated_at == LATER
    event = AuditEvent.objects.get(model="rectification.Milestone", object_id=str(ms.pk), action="update")
    assert event.changes["weight"] == [3, 5] and "updated_at" not in event.changes
    bad: list[tuple[dict[str, Any], str]] = [
        ({"weight": "0"}, "权重：应为1～100的整数"),
        ({"weight": "101"}, "权重：应为1～100的整数"),
        ({"weight": "abc"}, "权重：应为1～100的整数"),
        ({"title": ""}, "节点：不能为空"),
        ({"deadline": dt.date(2024, 12, 1)}, "节点期限不能早于开始日期"),
        ({"deadline": dt.date(2025, 9, 30)}, "节点期限不能早于今天（2025年10月1日）"),
        ({"deadline": dt.date(2026, 1, 1)}, "节点期限不能晚于重点任务的完成期限（2025年12月31日）"),
    ]
    for change, message in bad:
        for write in ("update", "create"):
            with pytest.raises(DomainError) as exc:
                if write == "update":
                    strategy.milestone_update(user=admin, milestone=ms, **{**args, **change})
                else:
                    strategy.milestone_create(user=admin, task=t1, **{**args, **change})
            assert exc.value.message == message, (write, change)
    assert Milestone.objects.filter(task=t1).count() == 2
    assert Milestone.objects.get(pk=ms.pk).weight == 5
    # an unchanged past deadline does not block other changes (an overdue milestone can be re-owned)
    strategy.milestone_update(
        user=admin, milestone=m["c"], title=m["c"].title, start_date=START, deadline=m["c"].deadline,
        weight=2, owner_name="新责任人", now=LATER,
    )  # fmt: skip
    assert Milestone.objects.get(pk=m["c"].pk).owner_name == "新责任人"
    with pytest.raises(PermissionDenied):
        strategy.milestone_update(user=district.users[Role.SCHOOL_ADMIN], milestone=ms, **args)
