from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from edugov.accounts.models import Role
from edugov.rectification import services, strategy
from edugov.rectification.models import ItemSource, Severity, UnitKind
from edugov.testing import make_mini_district, make_user

TZ = dt.timezone(dt.timedelta(hours=8))
NOW = dt.datetime(2025, 10, 1, 9, 0, tzinfo=TZ)


def pdf(name: str = "整改报告.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n% evidence\n", content_type="application/pdf")


@pytest.fixture
def district(db):  # type: ignore[no-untyped-def]
    d = make_mini_district()
    d.users["supervision"] = make_user(
        Role.DEPARTMENT_OFFICER, area=d.district, department="supervision_office"
    )
    d.users["tutoring_officer"] = make_user(
        Role.DEPARTMENT_OFFICER, area=d.district, department="tutoring_supervision"
    )
    d.users["school_b"] = make_user(Role.SCHOOL_ADMIN, school=d.school_b)
    return d


@pytest.fixture
def make_item(district):  # type: ignore[no-untyped-def]
    def build(school=None, **kw):  # type: ignore[no-untyped-def]
        fields = {
            "actor": district.users[Role.DEPARTMENT_OFFICER],
            "source": ItemSource.MANUAL,
            "unit_kind": UnitKind.SCHOOL,
            "unit_id": (school or district.school_a).pk,
            "title": "校门口安全隐患",
            "required_action": "一个月内完成整改",
            "department": "basic_education",
            "deadline": dt.date(2025, 10, 31),
            "severity": Severity.MEDIUM,
            "now": NOW,
        }
        fields.update(kw)
        return services.item_create(**fields)

    return build


def goal_and_task(district, *, started: dt.date, code: str = "一", school=None):  # type: ignore[no-untyped-def]
    """The district's goal "十个一" and its key task "消除大班额", led by a school (school A by
    default), started on `started` and due in 100 days."""
    admin = district.users[Role.DISTRICT_ADMIN]
    today = timezone.localdate()
    goal = strategy.goal_create(user=admin, area=district.district, year=today.year, title="十个一")
    task = strategy.task_create(
        user=admin,
        goal=goal,
        code=code,
        title="消除大班额",
        department="basic_education",
        start_date=started,
        deadline=today + dt.timedelta(days=100),
        school=school or district.school_a,
    )
    return goal, task
