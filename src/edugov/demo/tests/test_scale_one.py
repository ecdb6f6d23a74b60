"""The demo at full size: one district of the stated size, showing the reported problems. The longest
build of the suite, in a module of its own (as is a scale above one, test_scale_several.py) so that
`--dist loadfile` gives the other worker the small district's tests meanwhile."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import F, Q, Sum

from edugov.demo.services import demo_build
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
    Term,
)

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 1)  # a Tuesday in term 1 of the 2026-2027 school year
ARTS_PE = ["音乐", "美术", "体育与健康"]


def _pupils(qs) -> int:  # type: ignore[no-untyped-def]
    return qs.aggregate(n=Sum(F("boys") + F("girls")))["n"] or 0


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
