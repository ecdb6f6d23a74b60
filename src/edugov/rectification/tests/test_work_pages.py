"""Pages and API of strategic tasks, leader liaison and supervision: they render in scope, bad
input is a Chinese message (never a 500) and changes nothing, the map and lists count new sources."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from edugov.accounts.models import Role
from edugov.rectification import liaison, services, strategy
from edugov.rectification.models import ItemSource, LeaderVisit, RectificationItem
from edugov.rectification.rankings import unit_figures
from edugov.rectification.views_map import battle_map_payload
from edugov.supervision import services as supervision
from edugov.supervision.models import SupervisionVisit
from edugov.testing import login

from .conftest import goal_and_task

pytestmark = pytest.mark.django_db


@pytest.fixture
def work(district):  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    admin = district.users[Role.DISTRICT_ADMIN]
    goal, task = goal_and_task(district, started=today - dt.timedelta(days=100))
    ms = strategy.milestone_create(
        user=admin,
        task=task,
        title="制定方案",
        start_date=task.start_date,
        deadline=today - dt.timedelta(days=3),
        progress=20,
        now=timezone.now() - dt.timedelta(days=100),  # planned before its deadline passed
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
    liaison.liaison_set(
        user=admin, leader_id=district.users[Role.LEADER].pk, school_ids=[district.school_a.pk]
    )
    return {"goal": goal, "task": task, "milestone": ms, "plan": plan, "today": today}


def test_pages_render(client, district, work):  # type: ignore[no-untyped-def]
    login(client, district.users[Role.DISTRICT_ADMIN])
    leader = district.users[Role.LEADER]
    for url in (
        reverse("rectification:task_board"),
        reverse("rectification:task_board") + "?year=abc&department=zzz",
        reverse("rectification:task_detail", args=[work["task"].pk]),
        reverse("rectification:leader_list"),
        reverse("rectification:leader_detail", args=[leader.pk]),
        reverse("rectification:leader_visit_new") + f"?leader={leader.pk}",
        reverse("supervision:plan_list"),
        reverse("supervision:plan_detail", args=[work["plan"].pk]),
    ):
        r = client.get(url)
        assert r.status_code == 200, url
    body = client.get(reverse("rectification:task_board")).content.decode()
    assert "消除大班额" in body and "红灯" in body
    r = client.get(reverse("rectification:task_export"))
    ws = load_workbook(io.BytesIO(r.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][2] == "重点任务" and rows[1][2] == "消除大班额" and rows[1][8] == "制定方案"
    assert rows[1][12] == "红灯"  # overdue milestone


def test_milestone_progress_bad_input(client, district, work):  # type: ignore[no-untyped-def]
    login(client, district.users[Role.SCHOOL_ADMIN])
    url = reverse("rectification:task_detail", args=[work["task"].pk])
    for bad in ("abc", "150", "-3", ""):
        r = client.post(url, {"milestone": work["milestone"].pk, "progress": bad}, follow=True)
        assert r.status_code == 200 and "进度应为0～100之间的整数" in r.content.decode()
    work["milestone"].refresh_from_db()
    assert work["milestone"].progress == 20
    r = client.post(url, {"milestone": "x", "progress": "50"})
    assert r.status_code == 404
    client.post(url, {"milestone": work["milestone"].pk, "progress": "60", "note": "方案已报审"})
    work["milestone"].refresh_from_db()
    assert work["milestone"].progress == 60


def test_leader_visit_page_no_duplicates_and_bad_input(client, district, work):  # type: ignore[no-untyped-def]
    leader = district.users[Role.LEADER]
    login(client, leader)
    url = reverse("rectification:leader_visit_new")
    data = {
        "visited_on": work["today"].isoformat(),
        "schools": [district.school_a.pk],
        "observations": "看了食堂",
        "p0_school": district.school_a.pk,
        "p0_title": "食堂排烟不畅",
        "p0_action": "一个月内改造",
        "p0_department": "safety",
        "p0_severity": "high",
        "p0_deadline": (work["today"] + dt.timedelta(days=30)).isoformat(),
    }
    r = client.post(url, data)
    assert r.status_code == 302
    r = client.post(url, data)  # resubmitted
    assert r.status_code == 302
    assert RectificationItem.objects.filter(source=ItemSource.LEADER_VISIT).count() == 1
    change: dict[str, Any]
    for change in (
        {"visited_on": "2025-02-30"},
        {"visited_on": "明天"},
        {"schools": ["abc"]},
        {"schools": []},
        {"p0_deadline": "x"},
        {"p0_school": ""},
        {"p0_department": "nope", "p0_title": "另一个问题"},
    ):
        r = client.post(url, {**data, **change})
        assert r.status_code == 400, change
        assert "errors" in r.content.decode()
    assert RectificationItem.objects.filter(source=ItemSource.LEADER_VISIT).count() == 1
    assert LeaderVisit.objects.count() == 1
    page = client.get(reverse("rectification:leader_detail", args=[leader.pk])).content.decode()
    assert "甲街道第一小学" in page and "食堂排烟不畅" in page
    # leaders cannot open another leader's page
    admin_page = client.get(
        reverse("rectification:leader_detail", args=[district.users[Role.DISTRICT_ADMIN].pk])
    )
    assert admin_page.status_code == 404


def test_supervision_form_phone_flow(client, district, work):  # type: ignore[no-untyped-def]
    inspector = district.users[Role.INSPECTOR]
    login(client, inspector)
    plan = work["plan"]
    url = reverse("supervision:visit_form", args=[plan.pk, district.school_a.pk])
    assert client.get(url).status_code == 200
    scores = {"RI01": "15", "RI02": "3", "RI03": "15", "RI04": "15", "RI05": "15", "RI06": "10", "RI07": "20"}
    base = {"visited_on": work["today"].isoformat(), **{f"score_{k}": v for k, v in scores.items()}}
    for change in (
        {"score_RI01": "99"},
        {"score_RX": "1"},
        {"score_RI02": "abc"},
        {"visited_on": "2025-99-01"},
    ):
        r = client.post(url, {**base, **change, "submit": "1"})
        assert r.status_code == 400, change
    assert SupervisionVisit.objects.count() == 0
    r = client.post(url, {**base, "note_RI02": "三个班未公示", "submit": "1"})
    assert r.status_code == 302
    visit = SupervisionVisit.objects.get()
    assert visit.findings == 1  # RI02: 3 < 10 × 0.6
    report = client.get(reverse("supervision:visit_detail", args=[visit.pk])).content.decode()
    assert "三个班未公示" in report and "发现问题" in report
    # the school sees its own report; the other school does not
    login(client, district.users[Role.SCHOOL_ADMIN])
    assert client.get(reverse("supervision:visit_detail", args=[visit.pk])).status_code == 200
    login(client, district.users["school_b"])
    assert client.get(reverse("supervision:visit_detail", args=[visit.pk])).status_code == 404


def test_api(client, district, work):  # type: ignore[no-untyped-def]
    login(client, district.users[Role.LEADER])
    r = client.post(
        "/api/v1/rectification/leader-visits/",
        {
            "visited_on": work["today"].isoformat(),
            "school_ids": [district.school_a.pk],
            "problems": [
                {
                    "school_id": district.school_a.pk,
                    "title": "围墙破损",
                    "required_action": "修复",
                    "department": "safety",
                    "deadline": (work["today"] + dt.timedelta(days=9)).isoformat(),
                }
            ],
        },
        content_type="application/json",
    )
    assert r.status_code == 201 and len(r.json()["raised_items"]) == 1
    r = client.post(
        "/api/v1/rectification/leader-visits/",
        {"visited_on": "bad", "school_ids": []},
        content_type="application/json",
    )
    assert r.status_code == 400
    login(client, district.users[Role.INSPECTOR])
    r = client.post(
        "/api/v1/supervision/visits/",
        {
            "plan": work["plan"].pk,
            "school": district.school_a.pk,
            "visited_on": work["today"].isoformat(),
            "entries": {"RI01": {"score": "200"}},
        },
        content_type="application/json",
    )
    assert r.status_code == 400 and "RI01" in r.content.decode("utf-8")
    r = client.post(
        "/api/v1/supervision/visits/",
        {
            "plan": work["plan"].pk,
            "school": district.school_a.pk,
            "visited_on": work["today"].isoformat(),
            "entries": {"NOPE": {"score": "1"}},
        },
        content_type="application/json",
    )
    assert r.status_code == 400
    # the inspector of 甲街道 sees the plan's schools in their own town only
    assert client.get(f"/api/v1/supervision/plans/{work['plan'].pk}/progress/").json()["schools"] == 1
    login(client, district.users[Role.DISTRICT_ADMIN])
    tasks = client.get("/api/v1/rectification/tasks/").json()
    assert tasks["results"][0]["rag"] == "amber"  # progress 20, half the time gone: 30 points behind
    r = client.post(
        f"/api/v1/rectification/milestones/{work['milestone'].pk}/progress/",
        {"progress": 101},
        content_type="application/json",
    )
    assert r.status_code == 400
    assert client.get("/api/v1/rectification/tasks/rollup/").json()["goals"][0]["progress"] == 20.0


def test_battle_map_and_ranking_count_new_sources(district, work):  # type: ignore[no-untyped-def]
    now = timezone.now()
    services.findings_sync(source=strategy.MILESTONE_OVERDUE, now=now)
    liaison.leader_visit_record(
        user=district.users[Role.LEADER],
        visited_on=work["today"],
        school_ids=[district.school_a.pk],
        problems=[liaison.ProblemInput(district.school_a.pk, "围墙破损", "修复", "safety", work["today"])],
    )
    supervision.visit_save(
        actor=district.users[Role.INSPECTOR],
        plan=work["plan"],
        school_id=district.school_a.pk,
        visited_on=work["today"],
        entries={"RI01": {"score": 1, "flagged": True}},
    )
    entries = {c: {"score": 0} for c in ("RI01", "RI02", "RI03", "RI04", "RI05", "RI06", "RI07")}
    supervision.visit_save(
        actor=district.users[Role.INSPECTOR],
        plan=work["plan"],
        school_id=district.school_b.pk,
        visited_on=work["today"],
        entries=entries,
        submit=True,
    )
    admin = district.users[Role.DISTRICT_ADMIN]
    by_source = {
        s: battle_map_payload(user=admin, filters={"source": s})["total"]
        for s in (ItemSource.TASK, ItemSource.LEADER_VISIT, ItemSource.SUPERVISION)
    }
    assert by_source == {ItemSource.TASK: 1, ItemSource.LEADER_VISIT: 1, ItemSource.SUPERVISION: 7}
    figures = {
        f.unit_key: f
        for f in unit_figures(
            area=district.district, start=work["today"], end=work["today"] + dt.timedelta(days=60)
        )
    }
    a = figures[f"school:{district.school_a.pk}"]
    # school A: leader item due today, milestone item due in 15 days → both due in the period
    assert a.due_items == 2 and a.task_items_open == 1
    assert figures[f"school:{district.school_b.pk}"].due_items == 7
