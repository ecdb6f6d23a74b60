"""Planning pages: goals, key tasks and milestones made and changed in the browser, supervision plans
edited. Forbidden roles get 403/404, bad input is a Chinese message on the form and writes nothing,
every write lands in the audit trail."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from edugov.accounts.models import Role
from edugov.audit.models import AuditEvent
from edugov.rectification import strategy
from edugov.rectification.models import KeyTask, Milestone, TaskGoal
from edugov.supervision import services as supervision
from edugov.supervision.models import SupervisionPlan
from edugov.testing import login, make_user

from .conftest import goal_and_task

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def _day(days: int) -> str:
    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()


def _rows() -> tuple[int, ...]:
    """Everything the planning pages may write, counted."""
    return (
        TaskGoal.objects.count(),
        KeyTask.objects.count(),
        Milestone.objects.count(),
        SupervisionPlan.objects.count(),
        AuditEvent.objects.filter(model__startswith="rectification.").count(),  # not the logins
    )


@pytest.fixture
def work(district):  # type: ignore[no-untyped-def]
    admin = district.users[Role.DISTRICT_ADMIN]
    today = timezone.localdate()
    goal, task = goal_and_task(district, started=today - dt.timedelta(days=10))
    milestone = strategy.milestone_create(
        user=admin,
        task=task,
        title="制定方案",
        start_date=task.start_date,
        deadline=today + dt.timedelta(days=20),
    )
    plan = supervision.plan_create(
        actor=admin,
        title="秋季挂牌督导",
        kind="routine",
        checklist_code="responsible_inspector",
        start_date=today - dt.timedelta(days=5),
        end_date=today + dt.timedelta(days=5),
        school_ids=[district.school_a.pk, district.school_b.pk],
        inspector_ids=[district.users[Role.INSPECTOR].pk],
    )
    return {"goal": goal, "task": task, "milestone": milestone, "plan": plan}


def test_planner_does_the_whole_job_in_the_browser(client, district):  # type: ignore[no-untyped-def]
    admin = district.users[Role.DISTRICT_ADMIN]
    owner = district.users[Role.DEPARTMENT_OFFICER]  # basic_education, district level
    login(client, admin)
    board = client.get(reverse("rectification:task_board")).content.decode()
    assert reverse("rectification:goal_new") in board

    r = client.post(
        reverse("rectification:goal_new"),
        {"area": district.district.pk, "year": timezone.localdate().year, "title": "办好人民满意教育"},
    )
    goal = TaskGoal.objects.get(title="办好人民满意教育")
    assert r.status_code == 302 and r["Location"] == reverse("rectification:task_new", args=[goal.pk])
    # a goal with no task yet is still on the board, with the button to break it down
    board = client.get(reverse("rectification:task_board")).content.decode()
    assert "尚未分解重点任务的目标" in board and reverse("rectification:task_new", args=[goal.pk]) in board

    page = client.get(reverse("rectification:task_new", args=[goal.pk])).content.decode()
    assert district.school_a.name in page and str(owner) in page
    r = client.post(
        reverse("rectification:task_new", args=[goal.pk]),
        {
            "code": "一",
            "title": "新建一所九年一贯制学校",
            "department": "basic_education",
            "school": district.school_a.pk,
            "owner": owner.pk,
            "owner_name": "",
            "start_date": _day(0),
            "deadline": _day(200),
        },
    )
    task = KeyTask.objects.get(title="新建一所九年一贯制学校")
    assert r.status_code == 302 and r["Location"] == reverse("rectification:task_detail", args=[task.pk])
    assert (task.goal, task.school, task.unit_name, task.owner, task.owner_name) == (
        goal,
        district.school_a,
        district.school_a.name,
        owner,
        str(owner),
    )
    detail = client.get(r["Location"]).content.decode()
    assert reverse("rectification:milestone_new", args=[task.pk]) in detail
    assert reverse("rectification:task_edit", args=[task.pk]) in detail

    url = reverse("rectification:milestone_new", args=[task.pk])
    base = {"title": "立项", "weight": "1", "start_date": _day(0), "deadline": _day(30), "owner_name": ""}
    r = client.post(url, {**base, "again": "1"})
    assert r.status_code == 302 and r["Location"] == url  # 保存并继续添加
    r = client.post(url, {**base, "title": "开工", "weight": "3", "deadline": _day(120)})
    assert r.status_code == 302 and r["Location"] == reverse("rectification:task_detail", args=[task.pk])
    milestones = list(task.milestones.order_by("deadline"))
    assert [(m.title, m.weight, m.owner_name) for m in milestones] == [
        ("立项", 1, str(owner)),
        ("开工", 3, str(owner)),
    ]

    r = client.post(
        reverse("rectification:task_edit", args=[task.pk]),
        {
            "code": "一",
            "title": "新建一所九年一贯制学校",
            "department": "basic_education",
            "school": "",
            "owner": "",
            "owner_name": "李科长",
            "start_date": _day(0),
            "deadline": _day(150),
        },
    )
    assert r.status_code == 302
    task.refresh_from_db()
    assert (task.school, task.unit_kind, task.owner, task.owner_name, task.deadline.isoformat()) == (
        None,
        "area",
        None,
        "李科长",
        _day(150),
    )
    r = client.post(
        reverse("rectification:milestone_edit", args=[milestones[1].pk]),
        {**base, "title": "开工建设", "weight": "5", "deadline": _day(140)},
    )
    assert r.status_code == 302
    milestones[1].refresh_from_db()
    assert (milestones[1].title, milestones[1].weight) == ("开工建设", 5)

    # every write is in the audit trail, by the officer who made it
    events = AuditEvent.objects.filter(actor=admin, model__startswith="rectification.")
    assert {(e.model, e.action) for e in events} == {
        ("rectification.TaskGoal", "create"),
        ("rectification.KeyTask", "create"),
        ("rectification.KeyTask", "update"),
        ("rectification.Milestone", "create"),
        ("rectification.Milestone", "update"),
    }
    task_update = events.get(model="rectification.KeyTask", action="update")
    assert task_update.changes["deadline"] == [_day(200), _day(150)]
    assert task_update.changes["owner_name"] == [str(owner), "李科长"]
    assert events.get(model="rectification.Milestone", action="update").changes["weight"] == [3, 5]


def _forms(district, work):  # type: ignore[no-untyped-def]
    """Each form's URL, valid data, and the row it changes (None for a new one)."""
    task, ms, plan = work["task"], work["milestone"], work["plan"]
    task_data = {
        "code": "一",
        "title": "消除大班额",
        "department": "basic_education",
        "school": district.school_a.pk,
        "owner": "",
        "owner_name": "",
        "start_date": task.start_date.isoformat(),
        "deadline": task.deadline.isoformat(),
    }
    milestone_data = {"title": "节点", "weight": "2", "start_date": _day(0), "deadline": _day(30)}
    return {
        "goal_new": (
            reverse("rectification:goal_new"),
            {"area": district.district.pk, "year": timezone.localdate().year, "title": "目标"},
        ),
        "task_new": (reverse("rectification:task_new", args=[work["goal"].pk]), task_data),
        "task_edit": (reverse("rectification:task_edit", args=[task.pk]), task_data),
        "milestone_new": (reverse("rectification:milestone_new", args=[task.pk]), milestone_data),
        "milestone_edit": (reverse("rectification:milestone_edit", args=[ms.pk]), milestone_data),
        "plan_edit": (
            reverse("supervision:plan_edit", args=[plan.pk]),
            {
                "title": plan.title,
                "kind": plan.kind,
                "checklist": plan.checklist_code,
                "start_date": plan.start_date.isoformat(),
                "end_date": plan.end_date.isoformat(),
                "schools": [district.school_a.pk, district.school_b.pk],
                "inspectors": [district.users[Role.INSPECTOR].pk],
            },
        ),
    }


BAD = [
    ("goal_new", {"title": "  "}, "目标：不能为空"),
    ("goal_new", {"year": "明年"}, "年度：取值无效"),
    ("goal_new", {"area": "999999"}, "区域：请选择您数据范围内的区县或乡镇（街道）"),
    ("task_new", {"title": ""}, "重点任务：不能为空"),
    ("task_new", {"deadline": _day(-20)}, "完成期限不能早于开始日期"),
    ("task_new", {"start_date": _day(-30), "deadline": _day(-1)}, "完成期限不能早于今天"),
    ("task_new", {"deadline": "2025-02-30"}, "完成期限：日期格式应为YYYY-MM-DD"),
    ("task_new", {"school": "999999"}, "责任单位不存在或不在您的数据范围内"),
    ("task_new", {"school": "甲街道"}, "责任单位不存在或不在您的数据范围内"),
    ("task_new", {"school": "9" * 30}, "责任单位不存在或不在您的数据范围内"),
    ("task_new", {"owner": "999999"}, "责任人不存在，或不属于责任单位/主管科室"),
    ("task_new", {"owner": "9" * 30}, "责任人不存在，或不属于责任单位/主管科室"),
    ("task_new", {"department": "nope"}, "主管科室：取值无效"),
    ("task_edit", {"title": " "}, "重点任务：不能为空"),
    ("task_edit", {"deadline": _day(-1)}, "完成期限不能早于今天"),
    ("task_edit", {"deadline": _day(10)}, "完成期限不能早于已设节点的最晚期限"),
    ("task_edit", {"school": "999999"}, "责任单位不存在或不在您的数据范围内"),
    ("milestone_new", {"title": ""}, "节点：不能为空"),
    ("milestone_new", {"weight": "0"}, "权重：应为1～100的整数"),
    ("milestone_new", {"weight": "101"}, "权重：应为1～100的整数"),
    ("milestone_new", {"weight": "一"}, "权重：应为1～100的整数"),
    ("milestone_new", {"deadline": _day(-1)}, "节点期限不能早于开始日期"),
    ("milestone_new", {"start_date": _day(-9), "deadline": _day(-1)}, "节点期限不能早于今天"),
    ("milestone_new", {"deadline": _day(101)}, "节点期限不能晚于重点任务的完成期限"),
    ("milestone_edit", {"weight": "-1"}, "权重：应为1～100的整数"),
    ("milestone_edit", {"deadline": _day(-1), "start_date": _day(-9)}, "节点期限不能早于今天"),
    ("plan_edit", {"title": ""}, "督导计划：不能为空且不超过200字"),
    ("plan_edit", {"end_date": _day(-6)}, "结束日期不能早于开始日期"),
    ("plan_edit", {"end_date": _day(-1)}, "结束日期不能早于今天"),
    ("plan_edit", {"checklist": "nope"}, "未配置的督导清单：nope"),
    ("plan_edit", {"schools": []}, "请至少选择一所学校"),
    ("plan_edit", {"schools": ["x"]}, "责任单位不存在或不在您的数据范围内"),
    ("plan_edit", {"inspectors": []}, "督学：请选择有效的督学账号"),
    ("plan_edit", {"inspectors": ["9" * 30]}, "督学：请选择有效的督学账号"),
    ("plan_edit", {"schools": ["9" * 30]}, "责任单位不存在或不在您的数据范围内"),
    ("goal_new", {"area": "9" * 30}, "区域：请选择您数据范围内的区县或乡镇（街道）"),
]


@pytest.mark.parametrize(("form", "change", "message"), BAD, ids=[f"{f}-{m}" for f, _, m in BAD])
def test_bad_input_is_a_message_and_writes_nothing(client, district, work, form, change, message):  # type: ignore[no-untyped-def]
    login(client, district.users[Role.DISTRICT_ADMIN])
    url, data = _forms(district, work)[form]
    before = _rows()
    snapshots = [
        (m, list(m.objects.order_by("pk").values())) for m in (TaskGoal, KeyTask, Milestone, SupervisionPlan)
    ]
    r = client.post(url, {**data, **change})
    assert r.status_code == 400
    assert f"<p>{message}" in r.content.decode()  # in the form's error box
    # the officer's typed input is kept on the form (choices that do not exist cannot be)
    typed = [v for k, v in change.items() if (k in ("title", "year", "weight") or "date" in k) and v.strip()]
    for value in typed:
        assert f'value="{value}"' in r.content.decode(), value
    assert _rows() == before
    for model, rows in snapshots:
        assert list(model.objects.order_by("pk").values()) == rows
    # over htmx the message comes back as 200 (htmx swaps only 2xx) and still writes nothing
    r = client.post(url, {**data, **change}, **HTMX)
    assert r.status_code == 200 and f"<p>{message}" in r.content.decode()
    assert _rows() == before


def test_htmx_success_redirects_the_browser(client, district, work):  # type: ignore[no-untyped-def]
    login(client, district.users[Role.DISTRICT_ADMIN])
    url, data = _forms(district, work)["milestone_new"]
    r = client.post(url, data, **HTMX)
    assert r.status_code == 204
    assert r["HX-Redirect"] == reverse("rectification:task_detail", args=[work["task"].pk])
    assert work["task"].milestones.count() == 2


# Who is refused each planning form, and how: 403 where the row is in the user's scope (or there is
# no row), 404 where it is not. The town-A officer sees the district goal's school-A task but does
# not own the goal; the town-A administrator sees the plan (school A) but not all its schools.
REFUSED = {
    "goal_new": {
        Role.SCHOOL_ADMIN: 403, Role.LEADER: 403, Role.INSPECTOR: 403, Role.TEACHER: 403, "school_b": 403,
    },
    "task_new": {
        Role.SCHOOL_ADMIN: 404, Role.LEADER: 403, Role.INSPECTOR: 404, Role.TEACHER: 404, "school_b": 404,
        "town_officer": 404,
    },
    "task_edit": {
        Role.SCHOOL_ADMIN: 403, Role.LEADER: 403, Role.INSPECTOR: 403, Role.TEACHER: 404, "school_b": 404,
        "town_officer": 403,
    },
    "plan_edit": {
        Role.SCHOOL_ADMIN: 403, Role.LEADER: 403, Role.INSPECTOR: 403, Role.TEACHER: 404, "school_b": 403,
        "town_admin": 403, Role.DEPARTMENT_OFFICER: 403,
    },
}  # fmt: skip
REFUSED["milestone_new"] = REFUSED["milestone_edit"] = REFUSED["task_edit"]


@pytest.mark.parametrize("form", sorted(REFUSED))
def test_forbidden_roles_get_403_or_404_and_write_nothing(client, district, work, form):  # type: ignore[no-untyped-def]
    url, data = _forms(district, work)[form]
    users = {**district.users, "town_admin": make_user(Role.DISTRICT_ADMIN, area=district.town_a)}
    before = _rows()
    for who, status in REFUSED[form].items():
        login(client, users[who])
        assert client.get(url).status_code == status, (who, "GET")
        r = client.post(url, data)
        assert r.status_code == status, (who, "POST")
        if status == 403:
            assert "无权访问" in r.content.decode()
    assert _rows() == before
    client.logout()
    assert client.get(url).status_code == 302  # to the login page


def test_buttons_only_for_planners(client, district, work):  # type: ignore[no-untyped-def]
    task, plan = work["task"], work["plan"]
    links = {
        "rectification:task_board": [
            reverse("rectification:goal_new"),
            reverse("rectification:task_new", args=[work["goal"].pk]),
        ],
        "supervision:plan_list": [reverse("supervision:plan_edit", args=[plan.pk])],
    }
    detail_links = {
        reverse("rectification:task_detail", args=[task.pk]): [
            reverse("rectification:task_edit", args=[task.pk]),
            reverse("rectification:milestone_new", args=[task.pk]),
            reverse("rectification:milestone_edit", args=[work["milestone"].pk]),
        ],
        reverse("supervision:plan_detail", args=[plan.pk]): [
            reverse("supervision:plan_edit", args=[plan.pk])
        ],
    }
    pages = {reverse(name): hrefs for name, hrefs in links.items()} | detail_links
    login(client, district.users[Role.DISTRICT_ADMIN])
    for url, hrefs in pages.items():
        body = client.get(url).content.decode()
        assert all(h in body for h in hrefs), url
    for role in (Role.LEADER, Role.INSPECTOR, Role.SCHOOL_ADMIN):
        login(client, district.users[role])
        for url, hrefs in pages.items():
            r = client.get(url)
            assert r.status_code == 200, (role, url)
            assert not any(h in r.content.decode() for h in hrefs), (role, url)
    # a town officer: the district goal's task is on their board, its planning buttons are not
    login(client, district.users["town_officer"])
    body = client.get(reverse("rectification:task_board")).content.decode()
    assert task.title in body and reverse("rectification:task_new", args=[work["goal"].pk]) not in body
    assert reverse("rectification:goal_new") in body
    body = client.get(reverse("rectification:task_detail", args=[task.pk])).content.decode()
    assert reverse("rectification:task_edit", args=[task.pk]) not in body


def test_plan_edit_page(client, district, work):  # type: ignore[no-untyped-def]
    plan = work["plan"]
    officer = district.users["supervision"]  # 督导室
    login(client, officer)
    url, data = _forms(district, work)["plan_edit"]
    page = client.get(url).content.decode()
    assert 'value="秋季挂牌督导"' in page and f'<option value="{district.school_b.pk}" selected>' in page
    r = client.post(
        url,
        {**data, "title": "秋季挂牌督导（调整）", "end_date": _day(15), "schools": [district.school_a.pk]},
    )
    assert r.status_code == 302 and r["Location"] == reverse("supervision:plan_detail", args=[plan.pk])
    plan.refresh_from_db()
    assert plan.title == "秋季挂牌督导（调整）" and plan.end_date.isoformat() == _day(15)
    assert list(plan.schools.values_list("pk", flat=True)) == [district.school_a.pk]
    event = AuditEvent.objects.get(model="supervision.SupervisionPlan", action="update")
    assert event.actor == officer and event.changes["schools"][1] == [district.school_a.pk]
    # a visit recorded: the checklist is locked and the page says so
    supervision.visit_save(
        actor=district.users[Role.INSPECTOR],
        plan=plan,
        school_id=district.school_a.pk,
        visited_on=timezone.localdate(),
        entries={c: {"score": 10} for c in ("RI01", "RI02", "RI03", "RI04", "RI05", "RI06", "RI07")},
    )
    assert "本计划已有督导记录" in client.get(url).content.decode()
    r = client.post(url, {**data, "checklist": "double_reduction_special", "schools": [district.school_a.pk]})
    assert r.status_code == 400 and "该督导计划已有督导记录，不能更换督导清单" in r.content.decode()
    # once every school is done the plan is closed: no link, and the page sends the officer back
    supervision.visit_save(
        actor=district.users[Role.INSPECTOR],
        plan=plan,
        school_id=district.school_a.pk,
        visited_on=timezone.localdate(),
        entries={c: {"score": 10} for c in ("RI01", "RI02", "RI03", "RI04", "RI05", "RI06", "RI07")},
        submit=True,
    )
    detail = client.get(reverse("supervision:plan_detail", args=[plan.pk])).content.decode()
    assert url not in detail
    r = client.get(url, follow=True)
    assert r.redirect_chain[-1][0] == reverse("supervision:plan_detail", args=[plan.pk])
    assert "该督导计划的学校已全部完成督导，不能再修改" in r.content.decode()
    assert client.post(url, data).status_code == 302
    plan.refresh_from_db()
    assert plan.title == "秋季挂牌督导（调整）"
