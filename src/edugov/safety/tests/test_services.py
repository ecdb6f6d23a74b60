"""Safety writes on the mini district: cells (a school's cells need the school, contacts stored
encrypted and shown masked), inspections whose hazards become rectification items with deadlines
by severity, holiday reminders sent through the stub and acknowledged by parents (forged and
replayed links refused), the public's reports triaged by the safety office; bad input is refused
in Chinese with nothing written."""

from __future__ import annotations

import datetime as dt
import json
import threading
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from edugov.accounts.models import Role
from edugov.accounts.scope import scoped
from edugov.accounts.services import grant_add
from edugov.common.errors import DomainError, PermissionDenied
from edugov.rectification import selectors as rectification
from edugov.safety import channels, rules, selectors, services
from edugov.safety.models import Acknowledgement, ClassReminder, GridCell, Hazard, Inspection, WaterReport
from edugov.testing import make_user

from .conftest import TODAY

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 1, 20, 10, tzinfo=dt.UTC)


def test_a_school_keeps_its_cells_and_a_gate_needs_its_school(world):
    admin = world.md.users[Role.SCHOOL_ADMIN]
    cell = services.cell_create(
        actor=admin,
        area=None,
        school=world.md.school_a,
        kind="gate",
        name="东校门",
        person_name="王",
        contact="13912345678",
    )
    assert cell.area == world.md.town_a
    with connection.cursor() as c:
        c.execute("SELECT contact FROM safety_gridcell WHERE id = %s", [cell.pk])
        assert "13912345678" not in c.fetchone()[0]
    assert GridCell.objects.get(pk=cell.pk).contact_masked == "139****5678"
    with pytest.raises(DomainError) as e:
        services.cell_create(
            actor=world.officer, area=world.md.town_a, school=None, kind="building", name="教学楼"
        )
    assert e.value.message == "校舍和校门网格必须属于一所学校"
    with pytest.raises(PermissionDenied):
        services.cell_create(actor=admin, area=None, school=world.md.school_b, kind="gate", name="校门")
    assert GridCell.objects.count() == 1


def test_a_grid_officer_reads_only_the_cells_granted(world):
    a = services.cell_create(
        actor=world.officer, area=world.md.town_a, school=None, kind="water", name="甲河"
    )
    services.cell_create(actor=world.officer, area=world.md.town_b, school=None, kind="water", name="乙河")
    admin = world.md.users[Role.DISTRICT_ADMIN]
    officer = make_user(Role.SCHOOL_ADMIN, school=world.md.school_b)
    assert not scoped(GridCell, officer).exists()
    grant_add(actor=admin, user=officer, kind="grid_cell", object_id=a.pk)
    officer.refresh_from_db()
    assert list(scoped(GridCell, officer)) == [a]
    assert not scoped(WaterReport, officer).exists()


def test_every_hazard_becomes_an_item_with_its_deadline(world):
    admin = world.md.users[Role.SCHOOL_ADMIN]
    found = TODAY - dt.timedelta(days=1)
    inspection = services.inspection_record(
        actor=admin,
        school=world.md.school_a,
        kind="fire",
        inspected_on=found,
        hazards=[services.HazardInput("灭火器过期", "minor"), services.HazardInput("消防通道堵塞", "major")],
        now=NOW,
    )
    hazards = {h.severity: h for h in inspection.hazards.all()}
    assert hazards["minor"].deadline == found + dt.timedelta(days=30)
    assert hazards["major"].deadline == found + dt.timedelta(days=3)
    items = {
        i.pk: i
        for i in rectification.item_list(user=world.md.users[Role.DISTRICT_ADMIN]).filter(
            pk__in=[h.item_id for h in hazards.values()]
        )
    }
    major = items[hazards["major"].item_id or 0]
    assert (major.severity, major.department, major.deadline) == (
        "high",
        "safety",
        found + dt.timedelta(days=3),
    )
    assert "立即上报" in major.evidence
    assert items[hazards["minor"].item_id or 0].severity == "low"
    assert not inspection.by_bureau
    rows = selectors.hazard_rows(actor=world.officer)
    assert sorted((r["severity"], r["open"]) for r in rows) == [("major", True), ("minor", True)]


@pytest.mark.parametrize(
    ("on", "photo", "message"),
    [
        (TODAY + dt.timedelta(days=1), None, "日期不能晚于今天"),
        (TODAY, SimpleUploadedFile("a.jpg", b"x" * (5 * 1024 * 1024 + 1), "image/jpeg"), "照片不能超过 5 MB"),
        (
            TODAY,
            SimpleUploadedFile("a.exe", b"MZ", "application/octet-stream"),
            "照片须为 JPG、PNG 或 WEBP 图片",
        ),
    ],
)
def test_bad_inspections_write_nothing(world, on, photo, message):
    with pytest.raises(DomainError) as e:
        services.inspection_record(
            actor=world.officer,
            school=world.md.school_a,
            kind="fire",
            inspected_on=on,
            hazards=[services.HazardInput("灭火器过期", "minor", photo)],
            now=NOW,
        )
    assert e.value.message == message
    assert not Inspection.objects.exists() and not Hazard.objects.exists()


def test_reminders_go_out_and_parents_acknowledge_once(world):
    day = world.holiday.days.get(date=TODAY)
    classes = ClassReminder.objects.filter(day=day).count()
    assert classes == 3  # class A1, A2 and B1 of the current year
    assert day.topic == "防溺水" and "六不" in day.text
    stub = channels.StubChannel()
    assert services.reminders_send(day=day, via=stub, now=NOW) == 3
    assert services.reminders_send(day=day, via=stub, now=NOW) == 0  # sent once
    assert all("/safety/a/" in m.text for m in stub.sent)
    reminder = ClassReminder.objects.get(day=day, school_class=world.md.class_a1)
    services.acknowledge(token=reminder.token, pupil_key="p1")
    services.acknowledge(token=reminder.token, pupil_key="p2")
    services.acknowledge(token=reminder.token)
    with pytest.raises(DomainError) as e:
        services.acknowledge(token=reminder.token, pupil_key="p1")
    assert e.value.message == "该学生家长已确认过今天的提醒，无需重复确认"
    with pytest.raises(DomainError) as e:
        services.acknowledge(token="forged-token")
    assert e.value.message.startswith("链接无效")
    unsent = ClassReminder.objects.get(day__date=TODAY + dt.timedelta(days=1), school_class=world.md.class_a1)
    with pytest.raises(DomainError):
        services.acknowledge(token=unsent.token)
    reminder.refresh_from_db()
    assert reminder.acks == 3 == Acknowledgement.objects.filter(reminder=reminder).count()
    cov = selectors.coverage(actor=world.officer, day=TODAY)
    by_town = {t.name: (t.classes, t.acknowledged, t.share, t.below_target) for t in cov.towns}
    assert by_town == {"甲街道": (2, 1, 0.5, True), "乙镇": (1, 0, 0.0, True)}
    by_school = {s.name: (s.classes, s.sent, s.acknowledged, s.acks) for s in cov.schools}
    assert by_school == {"甲街道第一小学": (2, 2, 1, 3), "乙镇中心小学": (1, 1, 0, 0)}
    assert (cov.total.classes, cov.total.acknowledged, cov.total.acks, cov.missing) == (3, 1, 3, 2)
    teacher = world.md.users[Role.TEACHER]
    services.reminder_confirm(actor=teacher, reminder=reminder, now=NOW)
    other = ClassReminder.objects.get(day=day, school_class=world.md.class_b1)
    with pytest.raises(PermissionDenied):
        services.reminder_confirm(actor=teacher, reminder=other, now=NOW)


def test_a_parent_reports_a_pond_and_the_office_confirms_it(world):
    with pytest.raises(DomainError) as e:
        services.water_report_submit(area=world.md.town_a, place=" ", description="有孩子在玩水")
    assert e.value.message == "请填写地点"
    assert not WaterReport.objects.exists()
    report = services.water_report_submit(
        area=world.md.town_a, place="村东鱼塘", description="没有警示牌", contact="13700001111"
    )
    with pytest.raises(PermissionDenied):
        services.water_report_handle(actor=world.md.users[Role.SCHOOL_ADMIN], report=report, confirm=True)
    services.water_report_handle(
        actor=world.officer, report=report, confirm=True, reward=Decimal("300"), now=NOW
    )
    report.refresh_from_db()
    assert (report.status, report.reward, report.contact) == ("confirmed", Decimal("300.00"), "13700001111")
    with pytest.raises(DomainError) as e:
        services.water_report_handle(actor=world.officer, report=report, confirm=False)
    assert e.value.message == "该举报已处理"


def test_a_channel_is_used_only_where_configured(monkeypatch):
    monkeypatch.delenv("SAFETY_WEBHOOK_URL", raising=False)
    with pytest.raises(DomainError) as e:
        channels.channel("webhook")
    assert "SAFETY_WEBHOOK_URL" in e.value.message
    received: list[Any] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.handle_request, daemon=True).start()
    monkeypatch.setenv("SAFETY_WEBHOOK_URL", f"http://127.0.0.1:{server.server_port}/robot")
    channels.channel("webhook").send(channels.Message(to="class:1", text="防溺水“六不”"))
    server.server_close()
    assert received == [{"msgtype": "text", "text": {"content": "防溺水“六不”"}}]
    assert rules.deadline_days("major") < rules.deadline_days("moderate") < rules.deadline_days("minor")


def test_the_morning_job_sends_today_and_the_evening_job_tells_the_schools(world):
    from edugov.safety.jobs import reminders_missing_job, reminders_send_job
    from edugov.scheduler.registry import JobContext

    now = dt.datetime(2026, 1, 20, 0, 30, tzinfo=dt.UTC)  # 08:30 in Beijing
    ctx = JobContext(now=now)
    assert reminders_send_job(ctx) == "2026-01-20：已向3个班级发送假期安全提醒"
    reminder = ClassReminder.objects.get(day__date=TODAY, school_class=world.md.class_a1)
    services.acknowledge(token=reminder.token)
    # class A1 acknowledged but not confirmed by its head teacher: both schools are told
    assert reminders_missing_job(ctx) == "2026-01-20：2个班级尚无家长确认，已提示2所学校"
    assert reminders_missing_job(ctx) == "2026-01-20：2个班级尚无家长确认，已提示0所学校"  # once
