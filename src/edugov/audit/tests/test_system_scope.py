"""Writes of commands and scheduled jobs are audited under the area of the rows they touch, one
event per district; what names no area goes under the system scope, which district
administrators see."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from edugov.accounts.models import Role
from edugov.audit.context import acting
from edugov.audit.models import SYSTEM_SCOPE, AuditAction, AuditEvent
from edugov.audit.selectors import audit_event_list
from edugov.audit.services import audit_record, audit_rows_write
from edugov.ingest.models import ImportBatch
from edugov.ingest.tests.helpers import write_csv
from edugov.registry import services as registry_services
from edugov.registry.models import AreaLevel, School
from edugov.testing import login, make_mini_district, make_school, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def d():
    return make_mini_district()


@pytest.fixture
def other(d):
    """A second district of the same city, with a school in one of its towns and its administrator."""
    district = registry_services.area_create(
        code="310102", name="另一区", level=AreaLevel.DISTRICT, parent=d.city
    )
    town = registry_services.area_create(
        code="310102001", name="丙街道", level=AreaLevel.TOWN, parent=district
    )
    return {
        "town": town,
        "school": make_school(town=town),
        "admin": make_user(Role.DISTRICT_ADMIN, area=district),
    }


def test_cli_import_is_in_its_districts_audit_trail_only(client, d, other, tmp_path):
    path = write_csv(tmp_path / "班级.csv", [[d.school_a.code, "2025", "一年级", "1", "", "20", "20"]])
    call_command("import_file", "classes", str(path), "--no-progress")  # no --user: the system
    event = AuditEvent.objects.get(action=AuditAction.IMPORT)
    assert (event.source, event.actor, event.area_path) == ("command", None, d.town_a.path)
    assert ImportBatch.objects.get().area_path == d.town_a.path  # the batch is the district's too
    url = reverse("audit:event_list")
    shown = login(client, d.users[Role.DISTRICT_ADMIN]).get(url)
    assert shown.status_code == 200 and "导入班级与学生数：班级.csv" in shown.content.decode()
    hidden = login(client, other["admin"]).get(url)
    assert hidden.status_code == 200 and "导入班级与学生数" not in hidden.content.decode()


def test_rows_of_two_districts_give_one_event_in_each(d, other):
    rows = School.objects.filter(pk__in=[d.school_a.pk, d.school_b.pk, other["school"].pk])
    with acting(source="command"):
        events = audit_rows_write(
            action=AuditAction.UPDATE, rows=rows, object_repr="批量更新学校", changes={"note": "x"}
        )
    # Towns A and B meet at their district; the other district's one school stays at its town.
    got = sorted((e.area_path, e.changes["area_rows"]) for e in events)
    assert got == sorted([(d.district.path, 2), (other["town"].path, 1)])
    assert all(e.model == "registry.School" and e.changes["note"] == "x" for e in events)
    assert [e.pk for e in audit_event_list(user=other["admin"], obj="批量更新学校")] == [
        e.pk for e in events if e.area_path == other["town"].path
    ]


def test_rows_without_an_area_go_under_the_system_scope(d):
    with acting(source="command"):
        (event,) = audit_rows_write(
            action=AuditAction.UPDATE, rows=School.objects.none(), object_repr="空", changes={}
        )
    assert event.area_path == SYSTEM_SCOPE


def test_system_events_are_seen_by_district_administrators_only(d, other):
    with acting(source="command"):
        system = audit_record(action=AuditAction.UPDATE, object_repr="每日处理", changes={"emails": 3})
    with acting(source="web"):
        web = audit_record(action=AuditAction.LOGIN_FAILED, object_repr="未知账号")
    assert (system.area_path, web.area_path) == (SYSTEM_SCOPE, "")
    for admin in (d.users[Role.DISTRICT_ADMIN], other["admin"]):
        assert system in audit_event_list(user=admin) and web not in audit_event_list(user=admin)
    for role in (Role.DEPARTMENT_OFFICER, Role.LEADER, Role.INSPECTOR, Role.SCHOOL_ADMIN):
        assert system not in audit_event_list(user=d.users[role])


def test_daily_risk_command_is_audited_in_the_institutions_district(d):
    from edugov.tutoring.tests.factories import make_institution, officer

    make_institution(d, officer(d))
    call_command("tutoring_risk", "--date", "2025-09-01")
    event = AuditEvent.objects.get(model="tutoring.RiskSnapshot")
    assert (event.source, event.area_path, event.changes) == (
        "command",
        d.town_a.path,
        {"date": "2025-09-01", "area_rows": 1},
    )
    assert event in audit_event_list(user=d.users[Role.DISTRICT_ADMIN])
