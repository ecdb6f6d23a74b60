"""Registry writes: audited, scoped, role-checked; archive instead of delete; the calendar."""

from __future__ import annotations

import datetime as dt

import pytest

from edugov.accounts.models import Role
from edugov.audit.models import AuditEvent
from edugov.common.errors import DomainError, PermissionDenied
from edugov.registry import services
from edugov.registry.calendar import SchoolCalendar
from edugov.registry.models import CalendarDayKind, CalendarException, School
from edugov.testing import make_mini_district

pytestmark = pytest.mark.django_db


@pytest.fixture
def d():
    return make_mini_district()


def test_update_records_before_and_after(d):
    services.school_update(school=d.school_a, actor=d.users[Role.SCHOOL_ADMIN], data={"address": "新地址1号"})
    event = AuditEvent.objects.filter(action="update", model="registry.School").latest("id")
    assert event.changes == {"address": ["", "新地址1号"]}
    assert event.actor == d.users[Role.SCHOOL_ADMIN]
    assert event.area_path == d.town_a.path


def test_unchanged_update_writes_no_audit(d):
    before = AuditEvent.objects.count()
    services.school_update(
        school=d.school_a, actor=d.users[Role.SCHOOL_ADMIN], data={"name": d.school_a.name}
    )
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize("role", [Role.TEACHER, Role.LEADER, Role.INSPECTOR])
def test_roles_that_only_read_cannot_edit_schools(d, role):
    with pytest.raises(PermissionDenied):
        services.school_update(school=d.school_a, actor=d.users[role], data={"address": "x"})
    d.school_a.refresh_from_db()
    assert d.school_a.address == ""


def test_school_admin_cannot_edit_other_school_or_move_own_out(d):
    admin = d.users[Role.SCHOOL_ADMIN]
    with pytest.raises(PermissionDenied):
        services.school_update(school=d.school_b, actor=admin, data={"address": "x"})
    town_officer = d.users["town_officer"]
    with pytest.raises(PermissionDenied):
        services.school_update(school=d.school_a, actor=town_officer, data={"area": d.town_b})
    assert School.objects.get(pk=d.school_a.pk).area == d.town_a  # rolled back


def test_locale_follows_urban_rural_code(d):
    services.school_update(
        school=d.school_b, actor=d.users[Role.DISTRICT_ADMIN], data={"urban_rural_code": "220"}
    )
    assert School.objects.get(pk=d.school_b.pk).locale == "rural"


def test_archive_keeps_the_row_and_refuses_with_active_points(d):
    admin = d.users[Role.DISTRICT_ADMIN]
    with pytest.raises(DomainError) as exc:
        services.school_archive(school=d.school_a, actor=admin)
    assert "教学点" in exc.value.message
    services.school_archive(school=d.point_a, actor=admin)
    assert School.objects.get(pk=d.point_a.pk).archived_at is not None
    assert AuditEvent.objects.filter(action="archive", object_id=str(d.point_a.pk)).exists()


def test_teaching_point_cannot_hang_under_teaching_point(d):
    from edugov.testing import make_school

    with pytest.raises(DomainError):
        make_school(town=d.town_a, is_teaching_point=True, central_school=d.point_a, urban_rural_code="220")


def test_calendar_day_kinds(d):
    CalendarException.objects.create(date=dt.date(2025, 10, 1), name="国庆节")
    CalendarException.objects.create(date=dt.date(2025, 9, 28), name="国庆调休", is_school_day=True)
    cal = SchoolCalendar.for_year(d.year)
    assert cal.day_kind(dt.date(2025, 9, 29)) == CalendarDayKind.SCHOOL_DAY  # Monday
    assert cal.day_kind(dt.date(2025, 9, 27)) == CalendarDayKind.WEEKEND
    assert cal.day_kind(dt.date(2025, 9, 28)) == CalendarDayKind.SCHOOL_DAY  # Sunday make-up day
    assert cal.day_kind(dt.date(2025, 10, 1)) == CalendarDayKind.PUBLIC_HOLIDAY
    assert cal.day_kind(dt.date(2026, 2, 1)) == CalendarDayKind.WINTER_VACATION
    assert cal.day_kind(dt.date(2026, 7, 20)) == CalendarDayKind.SUMMER_VACATION
    # Week of 29 Sep - 5 Oct 2025: Mon 29 and Tue 30 are school days; 1-5 Oct holidays/weekend in reality,
    # here only 1 Oct is registered, so 2 and 3 Oct (Thu, Fri) count as school days.
    assert cal.school_days(dt.date(2025, 9, 29), dt.date(2025, 10, 5)) == [
        dt.date(2025, 9, 29),
        dt.date(2025, 9, 30),
        dt.date(2025, 10, 2),
        dt.date(2025, 10, 3),
    ]


def test_head_teacher_must_be_from_the_class_school(d):
    from edugov.registry.models import Teacher

    other = Teacher.objects.create(school=d.school_b, staff_number="B01", name="李老师", sex="M")
    with pytest.raises(DomainError) as exc:
        services.school_class_update(
            school_class=d.class_a1, actor=d.users[Role.SCHOOL_ADMIN], data={"head_teacher": other}
        )
    assert exc.value.message == "班主任必须是本校教师"
    services.school_class_update(
        school_class=d.class_a1, actor=d.users[Role.SCHOOL_ADMIN], data={"head_teacher": d.teacher_a}
    )
    d.class_a1.refresh_from_db()
    assert d.class_a1.head_teacher == d.teacher_a


@pytest.mark.parametrize("code", ["３１４４０００００９", "٣١٤٤٠٠٠٠٠٩"])
def test_school_code_accepts_ascii_digits_only(d, code):
    from edugov.testing import make_school

    with pytest.raises(Exception) as exc:
        make_school(town=d.town_a, code=code)
    assert "学校标识码应为10位数字" in str(exc.value)
