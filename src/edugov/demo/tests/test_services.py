"""The demo district: deterministic, the right size, and showing the problems it is meant to show."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import F, Q, Sum
from django.urls import reverse

from edugov.accounts.models import Role, User
from edugov.audit.models import AuditEvent
from edugov.common.errors import DomainError
from edugov.demo.base import DemoContext, register_generator, school_year_of, unregister_generator
from edugov.demo.generators.accounts import DEMO_LOGINS, DEMO_PASSWORD
from edugov.demo.generators.calendar import terms_for
from edugov.demo.generators.people import id_check_digit, is_valid_id_number
from edugov.demo.services import demo_build, demo_fingerprint, demo_login_rows, format_login_table
from edugov.registry.calendar import SchoolCalendar
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

pytestmark = pytest.mark.django_db

SMALL = 0.1  # one district with three towns (a street, a town, a township)
D = dt.date
TODAY = D(2026, 12, 1)  # a Tuesday in term 1 of the 2026-2027 school year
ARTS_PE = ["音乐", "美术", "体育与健康"]


def _pupils(qs) -> int:  # type: ignore[no-untyped-def]
    return qs.aggregate(n=Sum(F("boys") + F("girls")))["n"] or 0


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


def test_same_seed_gives_identical_rows_and_reset_rebuilds():
    demo_build(seed=7, scale=SMALL, today=TODAY)
    first = demo_fingerprint()
    demo_build(seed=7, scale=SMALL, reset=True, today=TODAY)
    assert demo_fingerprint() == first
    assert School.objects.count() > 10


def test_different_seeds_give_different_rows():
    demo_build(seed=7, scale=SMALL, today=TODAY)
    first = demo_fingerprint()
    demo_build(seed=8, scale=SMALL, reset=True, today=TODAY)
    second = demo_fingerprint()
    for table in ("school", "school_class", "teacher"):
        assert first[table] != second[table]
    # The calendar is the real one, whatever the seed.
    assert first["calendar"] == second["calendar"]


def test_if_empty_keeps_existing_data_and_plain_rebuild_is_refused():
    demo_build(seed=7, scale=SMALL, today=TODAY)
    before = demo_fingerprint()
    result = demo_build(seed=99, scale=SMALL, if_empty=True, today=TODAY)
    assert result.built is False
    assert demo_fingerprint() == before
    with pytest.raises(DomainError):
        demo_build(seed=99, scale=SMALL)
    with pytest.raises(DomainError):
        demo_build(seed=1, scale=0)


def test_one_audit_event_for_the_whole_build():
    demo_build(seed=3, scale=SMALL, today=TODAY)
    events = AuditEvent.objects.filter(model="demo.DemoDistrict")
    # One summary event for the build; modules that build through their audited services
    # (rectification, tutoring) add their own events, which is what those services do.
    assert events.count() == 1
    event = events.get()
    assert event.action == "create"
    assert event.changes["seed"] == 3
    assert event.changes["today"] == "2026-12-01"
    assert event.changes["counts"]["学校"] == School.objects.count()


def test_scale_one_has_the_stated_size_and_the_reported_problems():
    demo_build(seed=1, scale=1, today=TODAY)
    current = SchoolYear.objects.get(is_current=True)
    assert current.start_year == 2026  # the year holding TODAY
    assert sorted(SchoolYear.objects.values_list("start_year", flat=True)) == [2024, 2025, 2026]
    assert Term.objects.count() == 6

    # Size: one district, 10-15 towns, about 150 schools, 60,000 pupils and 5,000 teachers.
    assert Area.objects.filter(level=AreaLevel.DISTRICT).count() == 1
    assert 10 <= Area.objects.filter(level=AreaLevel.TOWN).count() <= 15
    assert 120 <= School.objects.count() <= 180
    assert 50_000 <= _pupils(SchoolClass.objects.filter(school_year=current)) <= 70_000
    assert 4_000 <= Teacher.objects.count() <= 6_000
    assert set(School.objects.values_list("school_type", flat=True)) >= {
        SchoolType.KINDERGARTEN, SchoolType.PRIMARY, SchoolType.JUNIOR, SchoolType.NINE_YEAR,
        SchoolType.COMPLETE_SECONDARY, SchoolType.SENIOR, SchoolType.VOCATIONAL, SchoolType.SPECIAL,
    }  # fmt: skip
    assert School.objects.filter(school_type=SchoolType.KINDERGARTEN, ownership="private").exists()
    assert School.objects.filter(school_type=SchoolType.KINDERGARTEN, ownership="public").exists()
    assert Campus.objects.values("school").distinct().count() >= 2
    assert School.objects.filter(boarding=True, locale=Locale.RURAL).exists()
    # Urban-rural codes follow the town type: streets urban, townships and villages rural.
    assert not School.objects.filter(area__name__endswith="街道").exclude(locale=Locale.URBAN).exists()
    assert not School.objects.filter(area__name__endswith="乡").exclude(locale=Locale.RURAL).exists()

    # Crowded urban schools: oversized (56-65) and very oversized (66+) classes.
    sized = SchoolClass.objects.filter(school_year=current, school__locale=Locale.URBAN).annotate(
        size=F("boys") + F("girls")
    )
    assert sized.filter(size__gte=56, size__lte=65).exists()
    assert sized.filter(size__gte=66).exists()

    # Teaching points, each attached to a central school and under 50 pupils.
    points = School.objects.filter(is_teaching_point=True)
    assert points.count() >= 5
    assert not points.filter(
        Q(central_school__isnull=True) | Q(central_school__is_teaching_point=True)
    ).exists()
    for point in points:
        assert 0 < _pupils(point.classes.filter(school_year=current)) < 50

    # Enrolment trends: urban growing, rural shrinking.
    def locale_pupils(locale: str, year: int) -> int:
        return _pupils(SchoolClass.objects.filter(school__locale=locale, school_year__start_year=year))

    assert locale_pupils(Locale.URBAN, 2024) < locale_pupils(Locale.URBAN, 2026)
    assert (
        locale_pupils(Locale.RURAL, 2024)
        > locale_pupils(Locale.RURAL, 2025)
        > locale_pupils(Locale.RURAL, 2026)
    )

    # Ageing rural teachers: a larger share over 50 than in urban schools.
    fifty = dt.date(1976, 9, 1)  # 50 years before the reference date 2026-09-01

    def share_over_50(locale: str) -> float:
        teachers = Teacher.objects.filter(school__locale=locale)
        return teachers.filter(birth_date__lte=fifty).count() / teachers.count()

    assert share_over_50(Locale.RURAL) > 0.3 > share_over_50(Locale.URBAN)

    # Too few music, art and PE teachers per pupil in rural schools.
    def arts_per_1000(locale: str) -> float:
        arts = Teacher.objects.filter(school__locale=locale, subject__in=ARTS_PE).count()
        return 1000 * arts / locale_pupils(locale, 2026)

    assert arts_per_1000(Locale.RURAL) < arts_per_1000(Locale.URBAN)

    # The calendar: Mid-Autumn (9-25, a Friday) and National Day 2026 off, National Day's
    # make-up Sunday (9-20) and Saturday (10-10) on; the Spring Festival 2027 (2-6) in the winter
    # vacation; the history years keep their holidays (the Spring Festival 2025).
    calendar = SchoolCalendar.for_year(current)
    assert not calendar.is_school_day(dt.date(2026, 9, 25))
    assert not calendar.is_school_day(dt.date(2026, 10, 1))
    assert not calendar.is_school_day(dt.date(2026, 10, 7))
    assert calendar.is_school_day(dt.date(2026, 9, 20))
    assert calendar.is_school_day(dt.date(2026, 10, 10))
    assert calendar.is_school_day(TODAY)
    assert calendar.day_kind(dt.date(2027, 2, 6)) == "winter_vacation"
    assert calendar.day_kind(dt.date(2027, 7, 20)) == "summer_vacation"
    assert CalendarException.objects.filter(date=dt.date(2025, 1, 29), is_school_day=False).exists()


def test_every_demo_login_logs_in_and_sees_its_scope(client):
    demo_build(seed=5, scale=SMALL, today=TODAY)
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


def test_login_table_is_chinese_and_lists_every_login():
    demo_build(seed=5, scale=SMALL, today=TODAY)
    table = format_login_table(demo_login_rows())
    assert "演示账号" in table and "数据范围" in table
    for login in DEMO_LOGINS:
        assert login.username in table


def test_sampled_rows_pass_full_clean():
    demo_build(seed=11, scale=SMALL, today=TODAY)
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


def test_teacher_id_numbers_have_valid_check_digits_and_match_sex_and_birth():
    assert id_check_digit("11010519491231002") == "X"  # the example printed in GB 11643
    assert is_valid_id_number("11010519491231002X")
    assert not is_valid_id_number("110105194912310021")
    demo_build(seed=2, scale=SMALL, today=TODAY)
    teachers = list(Teacher.objects.all())
    assert len({t.id_number for t in teachers}) == len(teachers)
    assert len({t.phone for t in teachers}) == len(teachers)
    for t in teachers:
        assert is_valid_id_number(t.id_number), t.id_number
        assert t.id_number[6:14] == f"{t.birth_date:%Y%m%d}"
        assert int(t.id_number[16]) % 2 == (1 if t.sex == "M" else 0)
        assert len(t.phone) == 11 and t.phone.startswith("1")


def test_later_modules_plug_in_through_register_generator():
    seen: list[str] = []

    def build_extra(ctx: DemoContext) -> None:
        # Runs after the registry and the accounts, with their rows in ctx.state.
        seen.append(ctx.state["registry"].first_urban_primary.name)
        ctx.count("附加数据", 1)

    register_generator("extra", build_extra, order=300, reset=lambda: seen.append("reset"))
    try:
        result = demo_build(seed=1, scale=SMALL, today=TODAY)
        assert result.counts["附加数据"] == 1
        school1 = School.objects.filter(school_type=SchoolType.PRIMARY, locale=Locale.URBAN).first()
        assert school1 is not None
        assert seen == [school1.name]
        demo_build(seed=1, scale=SMALL, reset=True, today=TODAY)
        assert seen[1] == "reset"
    finally:
        unregister_generator("extra")


def test_scale_above_one_builds_several_districts():
    demo_build(seed=1, scale=1.2, today=TODAY)  # a full district and a fifth of one
    districts = Area.objects.filter(level=AreaLevel.DISTRICT)
    assert districts.count() == 2
    assert Area.objects.filter(level=AreaLevel.PROVINCE).count() == 1
    assert len(set(School.objects.values_list("code", flat=True))) == School.objects.count()
    for district in districts:
        assert School.objects.filter(area__path__startswith=district.path).exists()
