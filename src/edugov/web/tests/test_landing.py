"""Each role's landing page shows its own cards (the modules' ModuleSpec.landing), with figures
equal to the rows the test made through the services, and not another role's cards; the district's
roles keep the cockpit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from edugov.accounts.models import Department, Role
from edugov.burden.services import homework_publish
from edugov.modules import landing_cards
from edugov.rectification import services as rectification
from edugov.rectification.models import ItemSource, UnitKind
from edugov.registry.models import Teacher, TeachingAssignment
from edugov.supervision import services as supervision
from edugov.testing import login, make_mini_district, make_user
from edugov.tutoring import services as tutoring
from edugov.tutoring.models import CustodyStatement
from edugov.tutoring.tests.factories import make_institution, operator_for

pytestmark = pytest.mark.django_db

WEDNESDAY = dt.date(2025, 10, 15)  # a school day of the mini district's year; its Monday is the 13th
MONDAY = dt.date(2025, 10, 13)
TZ = dt.timezone(dt.timedelta(hours=8))
EARLIER = dt.datetime(2025, 9, 1, 9, 0, tzinfo=TZ)

# A heading each role's landing page shows, and none of the others'.
HEADINGS: dict[str, str] = {
    Role.TEACHER: "本周作业",
    Role.SCHOOL_ADMIN: "待填报：作业公示",
    Role.INSTITUTION_OPERATOR: "资金监管",
    Role.INSPECTOR: "督导计划",
}


@pytest.fixture
def today(monkeypatch):
    day = {"value": WEDNESDAY}
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a: day["value"])
    return day


@pytest.fixture
def d(today):
    return make_mini_district()


def _home(client, user) -> str:
    response = login(client, user).get(reverse("web:home"))
    assert response.status_code == 200
    return response.content.decode()


def _publish(d, school_class, subject, date, minutes, *, actor=None, kind="written"):
    homework_publish(
        actor=actor or d.users[Role.TEACHER],
        school_class=school_class,
        subject=subject,
        date=date,
        homework_type=kind,
        content=f"{subject}练习",
        estimated_minutes=minutes,
    )


def _only_own_heading(body: str, role: str) -> None:
    assert HEADINGS[role] in body
    assert not [h for r, h in HEADINGS.items() if r != role and h in body]
    assert "主要指标" not in body  # not the district cockpit


def _cells(card) -> dict[tuple[str, dt.date], tuple[int, int, int, bool]]:
    return {
        (r.name, c.date): (c.items, c.written, c.mine, c.over) for r in card.context["rows"] for c in r.days
    }


def test_teacher_week_counts_the_homework_published(client, d):
    other = Teacher.objects.create(
        school=d.school_a, staff_number="T002", name="李老师", sex="M", id_number="310101198002021234"
    )
    TeachingAssignment.objects.create(teacher=other, school_class=d.class_a1, subject="数学")
    colleague = make_user(Role.TEACHER, school=d.school_a, teacher=other)
    _publish(d, d.class_a1, "语文", MONDAY, 30)
    _publish(d, d.class_a1, "语文", MONDAY, 10, kind="oral")
    _publish(d, d.class_a1, "数学", MONDAY, 40, actor=colleague)
    _publish(d, d.class_a1, "语文", WEDNESDAY, 70)  # over the grade-3 limit (60) on its own
    _publish(d, d.class_a1, "数学", dt.date(2025, 10, 16), 20, actor=colleague)  # after today

    [card] = landing_cards(d.users[Role.TEACHER])
    assert card.context["date"] == WEDNESDAY and card.context["published"] == 3
    assert _cells(card) == {
        ("3年级1班", MONDAY): (3, 70, 2, True),
        ("3年级1班", dt.date(2025, 10, 14)): (0, 0, 0, False),
        ("3年级1班", WEDNESDAY): (1, 70, 1, True),
    }
    [row] = card.context["rows"]
    assert (row.limit, row.average, row.over) == (60.0, 46.7, False)
    assert [c.label for c in row.missing] == ["周二"]

    body = _home(client, d.users[Role.TEACHER])
    _only_own_heading(body, Role.TEACHER)
    assert f'<a class="button primary" href="{reverse("burden:homework_new")}">发布今日作业</a>' in body
    assert "3年级1班：周二您还没有发布作业" in body
    assert "本周您已发布 3 项作业" in body
    assert "3年级2班" not in body  # a class the teacher does not teach


def test_teacher_on_a_sunday_publishes_for_friday_and_sees_the_whole_week(client, d, today):
    today["value"] = dt.date(2025, 10, 19)
    _publish(d, d.class_a1, "语文", dt.date(2025, 10, 17), 20)
    [card] = landing_cards(d.users[Role.TEACHER])
    assert card.context["date"] == dt.date(2025, 10, 17)
    assert [c.date.day for c in card.context["rows"][0].days] == [13, 14, 15, 16, 17]
    body = _home(client, d.users[Role.TEACHER])
    assert "发布作业（10月17日）" in body and "今天不是上课日" in body


def _item(d, school, title, *, deadline):
    return rectification.item_create(
        actor=d.users[Role.DEPARTMENT_OFFICER],
        source=ItemSource.MANUAL,
        unit_kind=UnitKind.SCHOOL,
        unit_id=school.pk,
        title=title,
        required_action="限期整改",
        department=Department.BASIC_EDUCATION,
        deadline=deadline,
        now=EARLIER,
    )


def test_school_sees_its_items_homework_gaps_and_indicators(client, d):
    overdue = _item(d, d.school_a, "食堂证照过期", deadline=dt.date(2025, 10, 1))
    due = _item(d, d.school_a, "消防通道堵塞", deadline=dt.date(2025, 10, 20))
    _item(d, d.school_a, "围墙加固", deadline=dt.date(2025, 12, 1))  # open, not due yet
    _item(d, d.school_b, "乙镇校舍漏雨", deadline=dt.date(2025, 10, 1))  # another school's
    _publish(d, d.class_a1, "语文", MONDAY, 30)

    cards = {c.template: c.context for c in landing_cards(d.users[Role.SCHOOL_ADMIN], defer=False)}
    assert list(cards) == [
        "rectification/landing/unit.html",
        "burden/landing/school.html",
        "resources/landing/school.html",
    ]
    unit = cards["rectification/landing/unit.html"]
    assert unit["counts"] == {"open": 3, "overdue": 1, "due": 1, "checking": 0}
    assert [(r["item"].pk, r["overdue_days"], r["days_left"]) for r in unit["rows"]] == [
        (overdue.pk, 14, -14),
        (due.pk, 0, 5),
    ]
    burden = cards["burden/landing/school.html"]
    assert (burden["classes"], burden["published"]) == (2, 1)
    assert [c.pk for c in burden["silent"]] == [d.class_a2.pk]

    body = _home(client, d.users[Role.SCHOOL_ADMIN])
    _only_own_heading(body, Role.SCHOOL_ADMIN)
    assert reverse("rectification:item_detail", args=[overdue.pk]) in body and "逾期14天" in body
    assert "5天后到期" in body and "围墙加固" not in body and "乙镇校舍漏雨" not in body
    assert "本周 2 个班级中，<strong>1</strong> 个班级尚未公示作业" in body
    assert "待办：整改事项" in body
    # the 优质均衡 card evaluates the district: the page shows its heading and fetches it after
    card_url = reverse("web:landing_card", args=["resources"])
    assert f'hx-get="{card_url}"' in body and "本校优质均衡指标" in body
    card = client.get(card_url).content.decode()
    assert "本校优质均衡指标" in card and "查看本校优质均衡详情" in card


def test_a_card_is_served_only_to_the_roles_it_is_declared_for(client, d):
    assert client.get(reverse("web:landing_card", args=["resources"])).status_code == 302  # login
    for role, code in [(Role.TEACHER, "resources"), (Role.LEADER, "burden"), (Role.SCHOOL_ADMIN, "nope")]:
        login(client, d.users[role])
        assert client.get(reverse("web:landing_card", args=[code])).status_code == 404


def test_institution_operator_sees_its_own_institution_only(client, d):
    officer = d.users[Role.DISTRICT_ADMIN]
    own = make_institution(d, officer, name="甲街道艺术培训中心", custody_bank="测试银行")
    other = make_institution(d, officer, name="乙镇书法培训部")
    for amount, day in (
        (Decimal("1200.00"), dt.date(2025, 10, 10)),
        (Decimal("800.50"), dt.date(2025, 9, 20)),
    ):
        tutoring.order_create(
            actor=officer,
            institution=own,
            data={"pupil_name": "小明", "lessons": 10, "amount": amount, "paid_on": day},
        )
    tutoring.order_create(  # more than 30 days before today: not counted
        actor=officer,
        institution=own,
        data={"pupil_name": "小红", "lessons": 10, "amount": Decimal("500"), "paid_on": dt.date(2025, 8, 1)},
    )
    tutoring.order_create(
        actor=officer,
        institution=other,
        data={
            "pupil_name": "小刚",
            "lessons": 10,
            "amount": Decimal("900"),
            "paid_on": dt.date(2025, 10, 10),
        },
    )
    for day, balance in ((dt.date(2025, 10, 13), "5000.00"), (dt.date(2025, 10, 14), "6543.21")):
        CustodyStatement.objects.create(institution=own, account="6222", date=day, balance=Decimal(balance))
    tutoring.risk_compute(on=WEDNESDAY, institution_ids=[own.pk, other.pk])
    operator = operator_for(own)

    cards = landing_cards(operator)
    assert [c.template for c in cards] == [
        "tutoring/landing/operator.html",
        "rectification/landing/unit.html",
    ]
    [row] = cards[0].context["rows"]
    assert row["inst"] == own
    assert (row["orders"], row["orders_amount"]) == (2, Decimal("2000.50"))
    assert row["statement"].balance == Decimal("6543.21")
    assert row["risk"].date == WEDNESDAY

    body = _home(client, operator)
    _only_own_heading(body, Role.INSTITUTION_OPERATOR)
    assert "甲街道艺术培训中心" in body and "乙镇书法培训部" not in body
    assert "2,000.50 元" in body and "6,543.21 元" in body and "测试银行" in body
    assert "待办：整改事项" in body and "暂无待整改事项" in body  # the unit card, for the institution
    assert "暂无数据" not in body


def test_inspector_sees_the_visit_plan(client, d):
    planner = d.users[Role.DISTRICT_ADMIN]
    inspector = d.users[Role.INSPECTOR]
    other_inspector = make_user(Role.INSPECTOR, area=d.town_a)

    def plan(title, start, end, inspectors):
        return supervision.plan_create(
            actor=planner,
            title=title,
            kind="routine",
            checklist_code="responsible_inspector",
            start_date=start,
            end_date=end,
            school_ids=[d.school_a.pk],
            inspector_ids=[i.pk for i in inspectors],
            now=EARLIER,
        )

    late = plan("九月挂牌督导", dt.date(2025, 9, 1), dt.date(2025, 9, 30), [inspector])
    now = plan("十月挂牌督导", dt.date(2025, 10, 1), dt.date(2025, 10, 31), [inspector])
    soon = plan("十一月专项督导", dt.date(2025, 11, 3), dt.date(2025, 11, 28), [inspector])
    plan("他人督导计划", dt.date(2025, 10, 1), dt.date(2025, 10, 31), [other_inspector])

    [card] = landing_cards(inspector)
    ctx = card.context
    assert [(r["plan"].pk, r["days"], r["left"]) for r in ctx["overdue"]] == [(late.pk, 15, 1)]
    assert [(r["plan"].pk, r["days"], r["left"]) for r in ctx["current"]] == [(now.pk, 16, 1)]
    assert [(r["plan"].pk, r["days"]) for r in ctx["upcoming"]] == [(soon.pk, 19)]

    body = _home(client, inspector)
    _only_own_heading(body, Role.INSPECTOR)
    assert reverse("supervision:plan_detail", args=[late.pk]) in body and "逾期15天" in body
    assert "他人督导计划" not in body


@pytest.mark.parametrize("role", [Role.LEADER, Role.DEPARTMENT_OFFICER, Role.DISTRICT_ADMIN])
def test_district_roles_keep_the_cockpit(client, d, role):
    assert landing_cards(d.users[role]) == []
    body = _home(client, d.users[role])
    assert "主要指标" in body and 'id="chart-data"' in body
    assert not [h for h in HEADINGS.values() if h in body]
