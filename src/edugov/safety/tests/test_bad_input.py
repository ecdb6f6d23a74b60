"""Issue 18's bad input, each through the page or API a person uses: a report with no place, no town,
an oversized or non-image photo; an acknowledgement link forged or replayed; a drill dated in the
future (page and API); a hazard's photo too large on the school's page; a cell without a school.
Each is refused with a Chinese message, never a 500, and writes nothing: no row, no audit event,
no rectification item."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from edugov.accounts.models import Role
from edugov.audit.models import AuditEvent
from edugov.common.errors import DomainError
from edugov.safety import channels, services
from edugov.safety.models import (
    Acknowledgement,
    ClassReminder,
    Drill,
    GridCell,
    Hazard,
    Inspection,
    WaterReport,
)
from edugov.testing import login

from .conftest import TODAY

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 1, 20, 1, tzinfo=dt.UTC)  # 09:00 in Beijing, TODAY
BIG = 5 * 1024 * 1024 + 1


def _photo(size: int = 10, content_type: str = "image/jpeg", name: str = "p.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"x" * size, content_type=content_type)


def _written() -> tuple[int, ...]:
    item = apps.get_model("rectification", "RectificationItem")  # the hazards' items
    models = (WaterReport, Acknowledgement, Drill, Inspection, Hazard, GridCell, item)
    # a sign-in is audited too: count the audit events of the safety rows only
    return (
        *(m.objects.count() for m in models),
        AuditEvent.objects.filter(model__startswith="safety.").count(),
    )


def _report(world: Any, **extra: Any) -> tuple[int, str]:
    form = {"area": world.md.town_a.pk, "place": "甲村鱼塘", "description": "无警示标志", **extra}
    answer = Client(raise_request_exception=False).post(reverse("safety:public_report"), form)
    return answer.status_code, answer.content.decode()


def _ack(world: Any, token: str | None = None) -> tuple[int, str]:
    reminder = ClassReminder.objects.get(day__date=TODAY, school_class=world.md.class_a1)
    link = reverse("safety:acknowledge", kwargs={"token": token or reminder.token})
    answer = Client(raise_request_exception=False).post(link, {"pupil_key": "A1-07"})
    return answer.status_code, answer.content.decode()


def _page(world: Any, url: str, form: dict[str, Any], role: str = Role.SCHOOL_ADMIN) -> tuple[int, str]:
    client = login(Client(raise_request_exception=False), world.md.users[role])
    answer = client.post(reverse(url), form, follow=True)
    return answer.status_code, answer.content.decode()


def _api_drill(world: Any) -> tuple[int, str]:
    api = login(APIClient(), world.md.users[Role.SCHOOL_ADMIN])
    future = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    body = {
        "school": world.md.school_a.pk,
        "kind": "evacuation",
        "held_on": future,
        "participants": 300,
        "evaluation": "好",
    }
    answer = api.post("/api/v1/safety/drill-records/", body, format="json")
    return answer.status_code, answer.content.decode()


def _cell(world: Any) -> tuple[int, str]:
    try:
        services.cell_create(
            actor=world.officer, area=world.md.town_a, school=None, kind="gate", name="东校门"
        )
    except DomainError as exc:
        return 400, exc.message
    return 200, ""


CASES: dict[str, tuple[Callable[[Any], tuple[int, str]], int, str]] = {
    "report without a place": (lambda w: _report(w, place="  "), 400, "请填写地点"),
    "report without a town": (lambda w: _report(w, area=""), 400, "请填写所在镇街"),
    "report with an oversized photo": (lambda w: _report(w, photo=_photo(BIG)), 400, "照片不能超过 5 MB"),
    "report with a photo that is no image": (
        lambda w: _report(w, photo=_photo(content_type="application/pdf", name="p.pdf")),
        400,
        "照片须为 JPG、PNG 或 WEBP 图片",
    ),
    "acknowledgement by a forged link": (lambda w: _ack(w, "f0rged-t0ken"), 404, "链接无效或已过期"),
    "acknowledgement replayed": (_ack, 400, "该学生家长已确认过今天的提醒，无需重复确认"),
    "drill dated in the future (page)": (
        lambda w: _page(
            w,
            "safety:drill_create",
            {"kind": "evacuation", "held_on": "2099-01-01", "participants": "300", "evaluation": "好"},
        ),
        200,
        "日期不能晚于今天",
    ),
    "drill dated in the future (API)": (_api_drill, 400, "日期不能晚于今天"),
    "hazard with an oversized photo (school page)": (
        lambda w: _page(
            w,
            "safety:my_school",
            {
                "kind": "fire",
                "inspected_on": TODAY.isoformat(),
                "description": "灭火器过期",
                "severity": "major",
                "photo": _photo(BIG),
            },
        ),
        200,
        "照片不能超过 5 MB",
    ),
    "cell without a school": (_cell, 400, "校舍和校门网格必须属于一所学校"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_is_refused_in_chinese_and_writes_nothing(world, case):
    services.reminders_send(day=world.holiday.days.get(date=TODAY), via=channels.StubChannel(), now=NOW)
    if case == "acknowledgement replayed":
        assert _ack(world)[0] == 200  # the first one counts
    before = _written()
    run, status, message = CASES[case]
    got, text = run(world)
    assert (got, message in text) == (status, True), (case, got, text[:400])
    assert _written() == before, case
    reminder = ClassReminder.objects.get(day__date=TODAY, school_class=world.md.class_a1)
    assert reminder.acks == Acknowledgement.objects.filter(reminder=reminder).count()
