"""Issue 18's first "done when", through the services a person's clicks call: a hazard a school finds
becomes a rectification item with its severity's deadline; the safety office assigns it, the school
submits evidence, the safety office verifies it, and the hazard then reads as closed (已销号) on the
school's page and in the API, while the cockpit counts it no more."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from edugov.accounts.models import Role
from edugov.rectification import selectors as rectification_selectors
from edugov.rectification import services as rectification
from edugov.safety import rules, selectors, services
from edugov.testing import login

from .conftest import TODAY

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 1, 20, 2, tzinfo=dt.UTC)  # 10:00 in Beijing, TODAY


def test_a_hazard_found_by_a_school_is_closed_with_evidence(world):
    school = world.md.users[Role.SCHOOL_ADMIN]
    inspection = services.inspection_record(
        actor=school,
        school=world.md.school_a,
        kind="fire",
        inspected_on=TODAY,
        hazards=[services.HazardInput("东楼消防通道堆放杂物", "moderate", None)],
        now=NOW,
    )
    hazard = inspection.hazards.get()
    assert hazard.item_id is not None
    assert hazard.deadline == TODAY + dt.timedelta(days=rules.deadline_days("moderate"))
    item = rectification_selectors.item_list(user=world.officer).get(pk=hazard.item_id)
    assert item.deadline == hazard.deadline and item.unit_name == world.md.school_a.name
    assert selectors.overview(actor=world.officer, today=TODAY).hazards_open["较大隐患"] == 1

    steps = []
    if "assign" in rectification.allowed_actions(world.officer, item):
        item = rectification.item_assign(item=item, actor=world.officer, deadline=hazard.deadline, now=NOW)
        steps.append("assign")
    if "start" in rectification.allowed_actions(school, item):
        item = rectification.item_start(item=item, actor=school, now=NOW)
        steps.append("start")
    evidence = SimpleUploadedFile("清理后照片.pdf", b"%PDF-1.4\n% cleared\n", content_type="application/pdf")
    item = rectification.item_submit_evidence(
        item=item, actor=school, comment="杂物已清运，通道畅通", files=[evidence], now=NOW
    )
    rectification.item_verify(item=item, actor=world.officer, comment="现场复查通过", now=NOW)
    item.refresh_from_db()
    assert (item.status, steps) == ("closed", ["assign", "start"])

    rows = {r["description"]: r["open"] for r in selectors.hazard_rows(actor=world.officer)}
    assert rows == {"东楼消防通道堆放杂物": False}
    assert selectors.overview(actor=world.officer, today=TODAY).hazards_open["较大隐患"] == 0
    page = login(Client(), school).get(reverse("safety:my_school")).content.decode()
    assert "东楼消防通道堆放杂物" in page and "已销号" in page.split("隐患与整改")[1]
    api = login(APIClient(), world.officer).get("/api/v1/safety/hazards/").json()["results"]
    assert [(h["description"], h["open"], h["item_id"]) for h in api] == [
        ("东楼消防通道堆放杂物", False, item.pk)
    ]
