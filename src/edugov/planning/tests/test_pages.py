"""The new pages, API routes and reports end to end on the mini district: they answer the planning
officer, bad input comes back in Chinese with a 400 and nothing written, the reports build in
JSON/XLSX/PDF."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from edugov.planning import services
from edugov.planning.models import PrivateSchoolYear, ProjectProgress, QuotaPlan, Village, Zone
from edugov.testing import login, make_class, make_school

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_(world) -> Client:
    client = Client()
    login(client, world.planner)
    return client


def _data(world) -> None:
    md = world.md
    senior = make_school(town=md.town_a, name="区第一高级中学", school_type="senior")
    junior = make_school(
        town=md.town_b,
        school_type="junior",
        urban_rural_code="220",
        longitude=Decimal("110.1"),
        latitude=Decimal("30.0"),
    )
    make_class(school=junior, year=md.year, grade=9, boys=30, girls=30)
    services.quota_save(actor=None, school=senior, year=2026, places=100, share_pct=Decimal(60))
    private = make_school(town=md.town_a, name="民办育英学校", ownership="private")
    services.private_year_save(
        actor=None,
        school=private,
        year=2025,
        approved_scale=300,
        plan_enrolment=50,
        actual_enrolment=70,
        pupils=280,
    )
    services.progress_report(
        actor=None, project=world.project, month=dt.date(2025, 11, 1), planned_pct=40, actual_pct=20
    )
    services.project_list_make(actor=world.planner, area=md.district, month=dt.date(2025, 11, 1))


@pytest.mark.parametrize(
    "name", ["planning:projects", "planning:quota", "planning:private", "planning:layout", "planning:map"]
)
def test_pages_answer(world, client_, name):
    _data(world)
    response = client_.get(reverse(name))
    assert response.status_code == 200


def test_bad_posts_are_refused_in_chinese(world, client_):
    md = world.md
    p, pct = world.project.pk, {"planned_pct": "150", "actual_pct": "10"}
    private = {"approved_scale": "1", "plan_enrolment": "1", "actual_enrolment": "1", "pupils": "1"}
    cases = [
        ("planning:projects", {"op": "progress", "project": p, "month": "2025-11", **pct},
         "计划累计进度应在0～100之间", ProjectProgress),
        ("planning:projects", {"op": "complete", "project": p, "completed_on": "2024-01-01"},
         "竣工日期不能早于开工日期", None),
        ("planning:quota", {"school": md.school_a.pk, "year": "2026", "places": "100", "share_pct": "60"},
         "不是普通高中", QuotaPlan),
        ("planning:private", {"school": md.school_a.pk, "year": "2025", **private}, "不是民办学校",
         PrivateSchoolYear),
        ("planning:layout", {"op": "zone", "town": md.town_a.pk, "name": "空学区", "stage": "primary"},
         "没有覆盖任何学校", Zone),
        ("planning:layout", {"op": "village", "town": md.town_a.pk, "name": "东村", "longitude": "abc",
                             "latitude": "30"}, "经度：应为数字", Village),
    ]  # fmt: skip
    for name, data, message, model in cases:
        response = client_.post(reverse(name), data)
        assert response.status_code == 400, (name, data)
        assert message in response.content.decode(), message
        if model is not None:
            assert not model.objects.exists()
    world.project.refresh_from_db()
    assert world.project.completed_on is None


def test_api_lists_and_bad_input(world, client_):
    _data(world)
    for route in ("progress", "project-list-month", "quota", "quota-plan", "private-year", "zone", "village",
                  "layout-proposal", "closure", "map"):  # fmt: skip
        response = client_.get(reverse(f"api:planning:{route}-list"))
        assert response.status_code == 200, route
    quota = client_.get(reverse("api:planning:quota-list")).json()
    assert quota["plans"][0]["allocated"] == 60 and quota["schools"][0]["total"] == 60
    bad = client_.post(
        reverse("api:planning:quota-plan-list"),
        {"school": world.md.school_a.pk, "year": 2026, "places": 10, "share_pct": "60"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "不是普通高中" in bad.content.decode()


@pytest.mark.parametrize("report", ["planning.projects", "planning.quota", "planning.layout"])
def test_reports_build(world, client_, report):
    _data(world)
    for fmt in ("json", "xlsx", "pdf"):
        response = client_.get(reverse("reports:download", kwargs={"name": report, "fmt": fmt}))
        assert response.status_code == 200, (report, fmt)
    body = client_.get(reverse("reports:download", kwargs={"name": report, "fmt": "json"}))
    doc = json.loads(b"".join(body.streaming_content) if body.streaming else body.content)
    text = json.dumps(doc, ensure_ascii=False)
    if report == "planning.projects":
        assert "红黑榜" in text and "严重滞后" in text
    if report == "planning.quota":
        assert "指标到校分配表" in text and "60" in text


def test_page_writes_and_the_merge_whatif(world, client_):
    md = world.md
    p = world.project.pk
    ok = client_.post(
        reverse("planning:projects"),
        {"op": "progress", "project": p, "month": "2025-11", "planned_pct": "50", "actual_pct": "35"},
    )
    assert ok.status_code == 302
    assert ProjectProgress.objects.get().actual_pct == 35
    assert (
        client_.post(reverse("planning:projects"), {"op": "list_make", "month": "2025-11"}).status_code == 302
    )
    zone = {
        "op": "zone",
        "town": md.town_a.pk,
        "name": "甲街道一小学区",
        "stage": "primary",
        "schools": [md.school_a.pk],
    }
    assert client_.post(reverse("planning:layout"), zone).status_code == 302
    assert list(Zone.objects.get().schools.all()) == [md.school_a]
    # the mini district's schools have no coordinates: the what-if says so in Chinese
    page = client_.get(reverse("planning:layout"), {"closing": md.school_b.pk, "target": md.school_a.pk})
    assert page.status_code == 400 and "无法测算合并" in page.content.decode()
    for s, lon in ((md.school_a, "110.0"), (md.school_b, "110.05")):
        s.longitude, s.latitude = Decimal(lon), Decimal("30.0")
        s.save(update_fields=["longitude", "latitude"])
    page = client_.get(reverse("planning:layout"), {"closing": md.school_b.pk, "target": md.school_a.pk})
    assert page.status_code == 200
    text = page.content.decode()
    assert "转入学生" in text and "需寄宿床位" in text
