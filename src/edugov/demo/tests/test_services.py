"""The demo district: deterministic, and right in every row. One small district is built once for the
module (`built`, rolled back at the end) and each test reads it inside its own savepoint, so a test that
rebuilds leaves it as it was. A full district's size and problems are checked in test_scale_one.py,
several districts in test_scale_several.py, the generator plug-in (it needs an empty database) in
test_generators.py."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from edugov.accounts.models import Role, User
from edugov.audit.models import AuditEvent
from edugov.common.errors import DomainError
from edugov.demo.base import school_year_of
from edugov.demo.generators.accounts import DEMO_LOGINS, DEMO_PASSWORD
from edugov.demo.generators.calendar import terms_for
from edugov.demo.generators.people import id_check_digit, is_valid_id_number
from edugov.demo.services import demo_build, demo_fingerprint, demo_login_rows, format_login_table
from edugov.registry.models import (
    Area,
    AreaLevel,
    CalendarException,
    Campus,
    Locale,
    School,
    SchoolClass,
    SchoolType,
    SchoolYear,
    Teacher,
    TeachingAssignment,
    Term,
)
from edugov.registry.selectors import school_list
from edugov.testing import rows_shared_by_tests

pytestmark = pytest.mark.django_db

SMALL = 0.1  # one district with three towns (a street, a town, a township)
SEED = 7  # the module's build
D = dt.date
TODAY = D(2026, 12, 1)  # a Tuesday in term 1 of the 2026-2027 school year


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker, tmp_path_factory):  # type: ignore[no-untyped-def]
    """The small district of seed SEED, built once for the module."""
    with rows_shared_by_tests(django_db_blocker, tmp_path_factory.mktemp("media")):
        yield demo_build(seed=SEED, scale=SMALL, today=TODAY)


@pytest.mark.parametrize(
    ("today", "start_year"),
    [
        (TODAY, 2026),
        (dt.date(2026, 9, 1), 2026),  # September 1 starts a school year
        (dt.date(2026, 8, 31), 2025),
        (dt.date(2027, 8, 31), 2026),
    ],
)
def test_the_current_school_year_is_the_one_holding_the_build_date(today, start_year):
    assert school_year_of(today) == start_year


@pytest.mark.parametrize(
    ("start_year", "terms"),
    [
        # The dates the demo used before it followed the clock (a provincial-looking table).
        (2023, ((D(2023, 9, 1), D(2024, 1, 26)), (D(2024, 2, 26), D(2024, 7, 5)))),
        (2024, ((D(2024, 9, 1), D(2025, 1, 17)), (D(2025, 2, 17), D(2025, 7, 4)))),
        (2025, ((D(2025, 9, 1), D(2026, 1, 30)), (D(2026, 3, 2), D(2026, 7, 10)))),
        # Spring Festival 2027-02-06: term 1 ends on the Friday at least 12 days before
        # (01-25 is a Monday, so 01-22), term 2 starts on the Monday at least 13 days after (02-19
        # is a Friday, so 02-22) and runs 19 weeks to Friday 07-02, the first Friday of July.
        (2026, ((D(2026, 9, 1), D(2027, 1, 22)), (D(2027, 2, 22), D(2027, 7, 2)))),
    ],
)
def test_terms_follow_the_spring_festival(start_year, terms):
    assert terms_for(start_year) == terms


def test_same_seed_gives_identical_rows_and_reset_rebuilds(built):
    first = demo_fingerprint()
    demo_build(seed=SEED, scale=SMALL, reset=True, today=TODAY)
    assert demo_fingerprint() == first
    assert School.objects.count() > 10


def test_different_seeds_give_different_rows(built):
    first = demo_fingerprint()
    demo_build(seed=8, scale=SMALL, reset=True, today=TODAY)
    second = demo_fingerprint()
    for table in ("school", "school_class", "teacher"):
        assert first[table] != second[table]
    # The calendar is the real one, whatever the seed.
    assert first["calendar"] == second["calendar"]


def test_if_empty_keeps_existing_data_and_plain_rebuild_is_refused(built):
    before = demo_fingerprint()
    result = demo_build(seed=99, scale=SMALL, if_empty=True, today=TODAY)
    assert result.built is False
    assert demo_fingerprint() == before
    with pytest.raises(DomainError):
        demo_build(seed=99, scale=SMALL)
    with pytest.raises(DomainError):
        demo_build(seed=1, scale=0)


def test_one_audit_event_for_the_whole_build(built):
    events = AuditEvent.objects.filter(model="demo.DemoDistrict")
    # One summary event for the build; modules that build through their audited services
    # (rectification, tutoring) add their own events, which is what those services do.
    assert events.count() == 1
    event = events.get()
    assert event.action == "create"
    assert event.changes["seed"] == SEED
    assert event.changes["today"] == "2026-12-01"
    assert event.changes["counts"]["学校"] == School.objects.count()


def test_every_demo_login_logs_in_and_sees_its_scope(built, client):
    for login in DEMO_LOGINS:
        response = client.post(reverse("login"), {"username": login.username, "password": DEMO_PASSWORD})
        assert response.status_code == 302, login.username
        client.logout()
        user = User.objects.get(username=login.username)
        schools = school_list(user=user)
        if login.role == Role.INSTITUTION_OPERATOR:
            assert user.institution_id is not None
            assert not schools.exists()
        else:
            assert schools.exists(), login.username
    district = Area.objects.get(level=AreaLevel.DISTRICT)
    for username in ("admin", "officer_jc", "officer_px", "inspector", "leader"):
        assert User.objects.get(username=username).area == district
    school1 = User.objects.get(username="school1").school
    assert school1 is not None
    assert school1.school_type == SchoolType.PRIMARY and school1.locale == Locale.URBAN
    assert school1 == School.objects.filter(school_type=SchoolType.PRIMARY, locale=Locale.URBAN).first()
    teacher1 = User.objects.get(username="teacher1")
    assert teacher1.teacher is not None and teacher1.teacher.school == school1
    assert TeachingAssignment.objects.filter(teacher=teacher1.teacher).exists()
    # A school administrator account for every school.
    assert (
        User.objects.filter(role=Role.SCHOOL_ADMIN, username__startswith="s1").count()
        == School.objects.count()
    )
    some = School.objects.order_by("code").last()
    assert some is not None
    assert User.objects.get(username=f"s{some.code}").school == some


def test_login_table_is_chinese_and_lists_every_login(built):
    table = format_login_table(demo_login_rows())
    assert "演示账号" in table and "数据范围" in table
    for login in DEMO_LOGINS:
        assert login.username in table


def test_sampled_rows_pass_full_clean(built):
    models = [
        Area,
        School,
        Campus,
        SchoolYear,
        Term,
        CalendarException,
        SchoolClass,
        Teacher,
        TeachingAssignment,
    ]
    for model in models:
        manager = model._default_manager
        rows = list(manager.order_by("pk")[:60]) + list(manager.order_by("-pk")[:60])
        assert rows, model
        for row in rows:
            row.full_clean()
    for user in User.objects.all()[:60]:
        user.full_clean()
    # bulk_create skips School.save(): the stored locale must still match the code.
    for school in School.objects.all():
        assert school.locale == Locale(
            {"11": "urban", "12": "town"}.get(school.urban_rural_code[:2], "rural")
        )
        assert len(school.code) == 10 and school.code.isdigit()


def test_teacher_id_numbers_have_valid_check_digits_and_match_sex_and_birth(built):
    assert id_check_digit("11010519491231002") == "X"  # the example printed in GB 11643
    assert is_valid_id_number("11010519491231002X")
    assert not is_valid_id_number("110105194912310021")
    teachers = list(Teacher.objects.all())
    assert len({t.id_number for t in teachers}) == len(teachers)
    assert len({t.phone for t in teachers}) == len(teachers)
    for t in teachers:
        assert is_valid_id_number(t.id_number), t.id_number
        assert t.id_number[6:14] == f"{t.birth_date:%Y%m%d}"
        assert int(t.id_number[16]) % 2 == (1 if t.sex == "M" else 0)
        assert len(t.phone) == 11 and t.phone.startswith("1")
