"""Drills and safety lessons against the term's required frequency (data), patrols of dangerous
waters with the patrol duty overdue flagged, incidents kept by the safety office alone (counts for
everyone else), reward payments, the evening flag to schools, the findings and the reports; every
figure worked by hand from the mini district's terms (term 1: 2025-09-01 to 2026-01-20, 141 days)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from edugov.accounts.models import Role
from edugov.common.errors import DomainError, PermissionDenied
from edugov.rectification.findings import FindingContext, Unit
from edugov.safety import channels, findings, reports, rules, selectors, services
from edugov.safety.models import (
    ClassReminder,
    DangerousWater,
    Drill,
    Incident,
    SafetyLesson,
    WaterReport,
    WaterReportPayment,
)
from edugov.testing import login

from .conftest import TODAY

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 1, 20, 10, tzinfo=dt.UTC)  # 18:00 in Beijing, TODAY


def _drill(world, school, kind, on):
    return services.drill_record(
        actor=world.officer,
        school=school,
        kind=kind,
        held_on=on,
        participants=300,
        evaluation="疏散有序",
        now=NOW,
    )


def test_drills_due_follow_the_data():
    start, end = dt.date(2025, 9, 1), dt.date(2026, 1, 20)  # 141 days
    due = {
        on: {k: rules.drills_due(k, term_start=start, term_end=end, on=on) for k in rules.drills_per_term()}
        for on in (dt.date(2025, 9, 20), dt.date(2025, 10, 15), dt.date(2025, 11, 10), end)
    }
    # 19 days: nothing yet; 44 days: the first-month evacuation (2*44//141 = 0, raised to 1);
    # 70 days: 2*70//141 = 0 still 1, fire 70//141 = 0; the term's end: 2, 1, 1
    assert due[dt.date(2025, 9, 20)] == {"evacuation": 0, "fire": 0, "violence": 0}
    assert due[dt.date(2025, 10, 15)] == {"evacuation": 1, "fire": 0, "violence": 0}
    assert due[dt.date(2025, 11, 10)] == {"evacuation": 1, "fire": 0, "violence": 0}
    assert due[end] == {"evacuation": 2, "fire": 1, "violence": 1}


def test_drills_overdue_by_school_and_the_finding(world):
    md = world.md
    for kind, on in (
        ("evacuation", dt.date(2025, 9, 10)),
        ("evacuation", dt.date(2025, 12, 1)),
        ("fire", dt.date(2025, 11, 11)),
        ("violence", dt.date(2026, 1, 5)),
    ):
        _drill(world, md.school_a, kind, on)
    _drill(world, md.school_b, "evacuation", dt.date(2025, 9, 15))
    assert Drill.objects.filter(school=md.school_a).values("term").distinct().count() == 1
    status = {s.school: s.overdue for s in selectors.drill_status(actor=world.officer, on=TODAY)}
    assert status == {
        md.school_a.name: [],
        md.point_a.name: ["应急疏散", "消防灭火", "防暴反恐"],
        md.school_b.name: ["应急疏散", "消防灭火", "防暴反恐"],
    }
    early = {
        s.school: s.overdue for s in selectors.drills_overdue(actor=world.officer, on=dt.date(2025, 10, 15))
    }
    assert early == {md.point_a.name: ["应急疏散"]}
    found = {f.unit: f for f in findings.drills_overdue(FindingContext(now=NOW, area=md.district))}
    assert set(found) == {Unit.school(md.point_a.pk), Unit.school(md.school_b.pk)}
    assert "应急疏散应2次已1次" in found[Unit.school(md.school_b.pk)].evidence
    # the school's own admin keeps its own drills only
    admin = md.users[Role.SCHOOL_ADMIN]
    services.drill_record(
        actor=admin, school=md.school_a, kind="fire", held_on=TODAY, participants=10, evaluation="好", now=NOW
    )
    with pytest.raises(PermissionDenied):
        services.drill_record(
            actor=admin,
            school=md.school_b,
            kind="fire",
            held_on=TODAY,
            participants=10,
            evaluation="好",
            now=NOW,
        )


@pytest.mark.parametrize(
    ("held_on", "participants", "evaluation", "message"),
    [
        (TODAY + dt.timedelta(days=1), 100, "好", "日期不能晚于今天"),
        (None, 100, "好", "请填写日期"),
        (TODAY, 0, "好", "参与人数：应在 1 到 20000 之间"),
        (TODAY, None, "好", "请填写参与人数"),
        (TODAY, 100, " ", "请填写演练评估"),
        (dt.date(2020, 1, 1), 100, "好", "该日期不在任何学期内"),
    ],
)
def test_bad_drills_write_nothing(world, held_on, participants, evaluation, message):
    with pytest.raises(DomainError) as e:
        services.drill_record(
            actor=world.officer,
            school=world.md.school_a,
            kind="evacuation",
            held_on=held_on,
            participants=participants,
            evaluation=evaluation,
            now=NOW,
        )
    assert e.value.message == message
    assert not Drill.objects.exists()


def test_lessons_by_topic_and_the_first_and_last_lessons(world):
    admin = world.md.users[Role.SCHOOL_ADMIN]
    school = world.md.school_a
    services.lesson_record(
        actor=admin,
        school=school,
        kind="first",
        topic="交通安全",
        held_on=dt.date(2025, 9, 1),
        classes=2,
        now=NOW,
    )
    services.lesson_record(
        actor=admin,
        school=school,
        kind="lesson",
        topic="防欺凌",
        held_on=dt.date(2025, 11, 3),
        classes=2,
        now=NOW,
    )
    status = selectors.lesson_status(actor=admin, school_id=school.pk, on=TODAY)
    assert status is not None
    assert (status.lessons, status.topics, status.first, status.last) == (
        2,
        ["交通安全", "防欺凌"],
        True,
        False,
    )
    services.lesson_record(
        actor=admin, school=school, kind="last", topic="防溺水", held_on=TODAY, classes=2, now=NOW
    )
    status = selectors.lesson_status(actor=admin, school_id=school.pk, on=TODAY)
    assert status is not None and status.last and status.lessons == 3
    for topic, on, message in (
        ("天文", TODAY, "主题：取值无效"),
        ("防溺水", TODAY + dt.timedelta(days=1), "日期不能晚于今天"),
    ):
        with pytest.raises(DomainError) as e:
            services.lesson_record(
                actor=admin, school=school, kind="lesson", topic=topic, held_on=on, classes=1, now=NOW
            )
        assert e.value.message == message
    assert SafetyLesson.objects.count() == 3


def test_patrol_duty_overdue_after_the_datas_interval(world):
    assert rules.patrol_every_days() == 7
    md = world.md
    waters = {
        name: DangerousWater.objects.create(
            area=md.town_a, school=md.school_a, name=name, kind="pond", location="校东"
        )
        for name in ("八天前", "七天前", "三天前", "从未巡查")
    }
    for name, days in (("八天前", 8), ("七天前", 7), ("三天前", 3)):
        services.patrol_record(
            actor=world.officer,
            water=waters[name],
            patrolled_on=TODAY - dt.timedelta(days=days),
            patroller="王",
            observed="警示牌完好",
            issue_found=name == "三天前",
            now=NOW,
        )
    rows = {r["name"]: r for r in selectors.waters(actor=world.officer, on=TODAY)}
    assert {n: r["overdue"] for n, r in rows.items()} == {
        "八天前": True,
        "七天前": False,
        "三天前": False,
        "从未巡查": True,
    }
    assert (rows["三天前"]["patrols_n"], rows["三天前"]["issues"]) == (1, 1)
    # the school patrols the water near it; a future patrol is refused, nothing written
    services.patrol_record(
        actor=md.users[Role.SCHOOL_ADMIN],
        water=waters["从未巡查"],
        patrolled_on=TODAY,
        patroller="李",
        observed="无人",
        now=NOW,
    )
    with pytest.raises(DomainError) as e:
        services.patrol_record(
            actor=world.officer,
            water=waters["从未巡查"],
            patrolled_on=TODAY + dt.timedelta(days=1),
            patroller="李",
            observed="无人",
            now=NOW,
        )
    assert e.value.message == "日期不能晚于今天"
    assert waters["从未巡查"].patrols.count() == 1


def test_incidents_are_the_safety_offices_alone(world):
    md = world.md
    services.incident_record(
        actor=world.officer,
        area=None,
        school=md.school_b,
        kind="drowning",
        occurred_on=TODAY,
        outcome="rescued",
        pupils=2,
        circumstances="两名学生在河边戏水落水，被村民救起",
        now=NOW,
    )
    services.incident_record(
        actor=world.officer,
        area=md.town_a,
        school=None,
        kind="drowning",
        occurred_on=TODAY,
        outcome="died",
        pupils=1,
        now=NOW,
    )
    with connection.cursor() as c:
        c.execute("SELECT circumstances FROM safety_incident WHERE school_id = %s", [md.school_b.pk])
        assert "戏水" not in c.fetchone()[0]
    leader = md.users[Role.LEADER]
    counts = selectors.incident_counts(actor=leader, year=2026)
    assert counts == [
        {"kind": "溺水", "outcome": "死亡", "n": 1, "pupils": 1},
        {"kind": "溺水", "outcome": "获救无大碍", "n": 1, "pupils": 2},
    ]
    with pytest.raises(PermissionDenied):
        selectors.incidents(actor=leader)
    with pytest.raises(PermissionDenied):
        services.incident_record(
            actor=md.users[Role.SCHOOL_ADMIN],
            area=None,
            school=md.school_a,
            kind="fire",
            occurred_on=TODAY,
            outcome="injured",
            now=NOW,
        )
    assert Incident.objects.count() == 2
    assert login(Client(), leader).get(reverse("safety:incidents")).status_code == 403
    cockpit = login(Client(), leader).get(reverse("safety:overview")).content.decode()
    assert "获救无大碍" in cockpit and "戏水" not in cockpit
    page = login(Client(), world.officer).get(reverse("safety:incidents")).content.decode()
    assert "两名学生在河边戏水" in page


def test_a_confirmed_reward_is_paid_once(world):
    report = services.water_report_submit(area=world.md.town_a, place="村东鱼塘", description="没有警示牌")
    with pytest.raises(DomainError) as e:
        services.reward_pay(actor=world.officer, report=report, paid_on=TODAY, now=NOW)
    assert e.value.message == "只有已核实的举报才能发放奖励"
    services.water_report_handle(
        actor=world.officer, report=report, confirm=True, reward=Decimal("300"), now=NOW
    )
    with pytest.raises(PermissionDenied):
        services.reward_pay(actor=world.md.users[Role.SCHOOL_ADMIN], report=report, paid_on=TODAY, now=NOW)
    payment = services.reward_pay(
        actor=world.officer, report=report, paid_on=TODAY, voucher="2026-001", now=NOW
    )
    assert (payment.amount, payment.paid_on) == (Decimal("300.00"), TODAY)
    with pytest.raises(DomainError) as e:
        services.reward_pay(actor=world.officer, report=report, paid_on=TODAY, now=NOW)
    assert e.value.message == "该举报的奖励已发放"
    assert WaterReportPayment.objects.count() == 1
    assert selectors.rewards(actor=world.officer) == {
        "confirmed": 1,
        "decided": Decimal("300.00"),
        "paid": 1,
        "paid_amount": Decimal("300.00"),
    }
    client = login(Client(), world.officer)
    page = client.get(reverse("safety:overview")).content.decode()
    assert "已发放1件" in page


def test_the_evening_flag_tells_each_school_its_missing_classes_once(world):
    md = world.md
    day = world.holiday.days.get(date=TODAY)
    services.reminders_send(day=day, via=channels.StubChannel(), now=NOW)
    a1 = ClassReminder.objects.get(day=day, school_class=md.class_a1)
    services.acknowledge(token=a1.token, pupil_key="k1")
    services.reminder_confirm(actor=md.users[Role.TEACHER], reminder=a1, now=NOW)
    stub = channels.StubChannel()
    assert services.reminders_flag_missing(on=TODAY, via=stub, now=NOW) == 2
    sent = {m.to: m.text for m in stub.sent}
    assert set(sent) == {f"school:{md.school_a.pk}", f"school:{md.school_b.pk}"}
    a_text = sent[f"school:{md.school_a.pk}"]
    assert "1个班级未完成（班主任未确认1个，无家长确认1个）" in a_text
    assert md.class_a2.name in a_text and md.class_a1.name not in a_text
    assert services.reminders_flag_missing(on=TODAY, via=stub, now=NOW) == 0 and len(stub.sent) == 2
    # the finding: school A 1 of 2 classes acknowledged (50 %), school B 0 of 1, under 90 %
    found = {f.unit: f for f in findings.reminders_under_target(FindingContext(now=NOW, area=md.district))}
    assert set(found) == {Unit.school(md.school_a.pk), Unit.school(md.school_b.pk)}
    assert "2个班级中1个有家长确认，确认率50%" in found[Unit.school(md.school_a.pk)].evidence


def test_public_report_and_acknowledgement_are_rate_limited(world, monkeypatch):
    # one window throughout: a slow run crossing a minute boundary would start a fresh count
    monkeypatch.setattr("edugov.common.clients._window", lambda seconds: 1)
    per_hour, per_minute = rules.public_limits()
    client, other = Client(REMOTE_ADDR="10.9.0.1"), Client(REMOTE_ADDR="10.9.0.2")
    url = reverse("safety:public_report")
    post = {"area": world.md.town_a.pk, "place": "鱼塘", "description": "无警示"}
    assert [client.post(url, post).status_code for _ in range(per_hour)] == [200] * 5
    limited = client.post(url, post)
    assert limited.status_code == 429 and "请求过于频繁" in limited.content.decode()
    assert WaterReport.objects.count() == 5
    assert client.get(url).status_code == 200  # reading the form is not limited
    assert other.post(url, post).status_code == 200
    day = world.holiday.days.get(date=TODAY)
    services.reminders_send(day=day, via=channels.StubChannel(), now=NOW)
    link = reverse("safety:acknowledge", kwargs={"token": ClassReminder.objects.filter(day=day)[0].token})
    codes = [client.post(link, {"pupil_key": f"k{i}"}).status_code for i in range(per_minute)]
    assert codes == [200] * 30
    assert client.post(link, {"pupil_key": "k-last"}).status_code == 429
    assert sum(ClassReminder.objects.filter(day=day).values_list("acks", flat=True)) == 30


def test_the_school_page_records_drills_and_lessons(world):
    client = login(Client(), world.md.users[Role.SCHOOL_ADMIN])
    page = client.get(reverse("safety:my_school")).content.decode()
    assert "本学期应急演练" in page and "登记演练" in page
    future = client.post(
        reverse("safety:drill_create"),
        {"kind": "evacuation", "held_on": "2099-01-01", "participants": "300", "evaluation": "好"},
        follow=True,
    )
    assert "日期不能晚于今天" in future.content.decode() and not Drill.objects.exists()
    bad = client.post(
        reverse("safety:drill_create"),
        {"kind": "evacuation", "held_on": "x", "participants": "-3"},
        follow=True,
    )
    assert bad.status_code == 200 and not Drill.objects.exists()
    client.post(
        reverse("safety:lesson_create"),
        {"kind": "first", "topic": "防溺水", "held_on": "2025-09-01", "classes": "2"},
    )
    assert SafetyLesson.objects.get().school == world.md.school_a


def test_the_reports_and_the_cockpit(world):
    md = world.md
    _drill(world, md.school_a, "evacuation", dt.date(2025, 9, 10))
    day = world.holiday.days.get(date=TODAY)
    services.reminders_send(day=day, via=channels.StubChannel(), now=NOW)
    services.acknowledge(token=ClassReminder.objects.get(day=day, school_class=md.class_a1).token)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(reports.timezone, "localdate", lambda *a: TODAY)
        mp.setattr(selectors, "current_term", selectors.current_term)
        drills = reports.drills_document(actor=world.officer)
        reminders = reports.reminders_document(actor=world.officer)
    status = {row[1]: row for row in drills.sections[0].rows}
    assert status[md.school_a.name][2:] == ["1/2", "0/1", "0/1", "未达要求：应急疏散、消防灭火、防暴反恐"]
    assert drills.summary[-1] == ("演练未达要求", "3所")
    days = reminders.sections[0].rows
    assert days[0][:8] == [TODAY, "防溺水", 3, 3, 0, 1, 1 / 3, 1]
    cockpit = login(Client(), world.officer).get(reverse("safety:overview")).content.decode()
    assert "应急演练未达要求的学校" in cockpit and md.school_b.name in cockpit
    assert "未销号隐患（按等级和发现时长）" in cockpit


def test_the_api_lists_drill_status_and_waters_in_scope(world):
    from rest_framework.test import APIClient

    md = world.md
    _drill(world, md.school_a, "evacuation", dt.date(2025, 9, 10))
    DangerousWater.objects.create(
        area=md.town_b, school=md.school_b, name="乙河", kind="river", location="校南"
    )
    office = login(APIClient(), world.officer)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("edugov.safety.api.timezone.localdate", lambda *a: TODAY)
        rows = office.get("/api/v1/safety/drills/").json()["results"]
        by_school = {r["school"]: r for r in rows}
        assert by_school[md.school_a.name]["done"] == {"evacuation": 1}
        assert by_school[md.school_a.name]["due"] == {"evacuation": 2, "fire": 1, "violence": 1}
        school = login(APIClient(), md.users[Role.SCHOOL_ADMIN])
        own = {r["school"] for r in school.get("/api/v1/safety/drills/").json()["results"]}
        assert md.school_b.name not in own and md.school_a.name in own
        waters = office.get("/api/v1/safety/waters/").json()["results"]
        assert [(w["name"], w["patrols"], w["overdue"]) for w in waters] == [("乙河", 0, True)]
        assert school.get("/api/v1/safety/waters/").json()["results"] == []
