"""The burden module's registered reports through the registry: the compliance workbook from the
homework_compliance alias, and a town report refused outside the actor's scope."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from edugov.accounts.models import Role
from edugov.audit.models import AuditEvent
from edugov.burden.models import Homework
from edugov.common.errors import PermissionDenied
from edugov.reports import report_download

pytestmark = pytest.mark.django_db


def test_homework_compliance_xlsx_is_the_registered_report(district, tmp_path):
    target = tmp_path / "hw.xlsx"
    call_command(
        "homework_compliance", "--year", str(district.year.start_year), "--term", "1", "--format", "xlsx",
        "--area", district.town_a.code, "--output", str(target), stderr=io.StringIO(),
    )  # fmt: skip
    wb = load_workbook(target)
    assert wb.sheetnames[:4] == ["汇总", "按乡镇", "按学校", "按年级"]
    event = AuditEvent.objects.get(action="export")
    assert event.changes["report"] == "burden.compliance" and event.changes["area"] == district.town_a.pk


def test_town_outside_scope_is_refused(district):
    town_officer = district.users["town_officer"]
    with pytest.raises(PermissionDenied):
        report_download(
            town_officer, "burden.monthly", "json", {"month": "2025-10", "town": str(district.town_b.pk)}
        )
    with pytest.raises(PermissionDenied):
        report_download(town_officer, "burden.compliance", "json", {"area": district.town_b.code})
    for school_class in (district.class_a1, district.class_b1):
        for day in range(8, 13):
            Homework.objects.create(
                school_class=school_class, subject="数学", date=dt.date(2025, 9, day),
                homework_type="written", content="练习", estimated_minutes=30,
            )  # fmt: skip
    doc = report_download(
        district.users[Role.DISTRICT_ADMIN], "burden.compliance", "json", {"area": district.town_b.code}
    ).document
    assert doc is not None  # built here: a test's transaction keeps no file
    assert [g[0] for g in doc.section("按乡镇").rows] == [district.town_b.name]
    assert [g[0] for g in doc.section("按学校").rows] == [district.school_b.name]
