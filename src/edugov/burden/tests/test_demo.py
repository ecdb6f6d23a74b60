"""The demo's homework follows the date the demo is built for: from the start of the current term
to the day before, so a teacher's publication for today is the first of the day."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Sum
from rest_framework.test import APIClient

from edugov.accounts.models import User
from edugov.burden.demo import current_term, homework_days
from edugov.burden.models import Homework
from edugov.demo.generators.calendar import holidays_between, terms_for
from edugov.demo.services import demo_build
from edugov.registry.calendar import SchoolCalendar
from edugov.registry.models import TeachingAssignment, Term

D = dt.date
TODAY = D(2026, 12, 1)  # a Tuesday in term 1 of the 2026-2027 school year
NATIONAL_DAY = D(2026, 10, 1)
MAKE_UP_SUNDAY = D(2026, 9, 20)


@pytest.mark.parametrize(
    ("today", "first", "last"),
    [
        (TODAY, D(2026, 9, 1), D(2026, 11, 30)),  # term 1 up to yesterday
        (D(2026, 9, 10), D(2026, 9, 1), D(2026, 11, 2)),  # early in term: its first nine weeks
        (D(2027, 2, 1), D(2026, 9, 1), D(2027, 1, 22)),  # winter vacation: all of term 1
        (D(2027, 8, 1), D(2027, 2, 22), D(2027, 7, 2)),  # summer vacation: all of term 2
    ],
)
def test_homework_days_run_from_the_term_start_to_the_day_before(today, first, last):
    terms = [Term(number=n, start_date=a, end_date=b) for n, (a, b) in enumerate(terms_for(2026), start=1)]
    calendar = SchoolCalendar(terms=terms, exceptions=holidays_between(D(2026, 9, 1), D(2027, 8, 31)))
    days = homework_days(calendar, current_term(terms, today), today)
    assert (days[0], days[-1]) == (first, last)
    assert today not in days
    if first.month == 9:
        assert NATIONAL_DAY not in days and MAKE_UP_SUNDAY in days


@pytest.mark.django_db
def test_demo_homework_ends_yesterday_and_teacher1_publishes_for_today():
    demo_build(seed=3, scale=0.1, today=TODAY)
    dates = Homework.objects.order_by("date").values_list("date", flat=True)
    assert (dates.first(), dates.last()) == (D(2026, 9, 1), D(2026, 11, 30))
    assert not Homework.objects.filter(date=NATIONAL_DAY).exists()
    # The hot weeks (weeks 3, 4, 5 and 7 of term) put upper primary classes over 60 minutes a day.
    over = (
        Homework.objects.filter(homework_type="written", school_class__grade__in=range(4, 7))
        .values("school_class", "date")
        .annotate(minutes=Sum("estimated_minutes"))
        .filter(minutes__gt=60)
    )
    assert over.exists()

    teacher1 = User.objects.get(username="teacher1")
    assert teacher1.teacher_id is not None
    assignment = (
        TeachingAssignment.objects.filter(
            teacher_id=teacher1.teacher_id, school_class__school_year__is_current=True
        )
        .select_related("school_class")
        .first()
    )
    assert assignment is not None
    client = APIClient()
    client.force_authenticate(teacher1)
    body = {
        "school_class": assignment.school_class_id,
        "subject": assignment.subject,
        "date": TODAY.isoformat(),
        "homework_type": "written" if assignment.school_class.grade >= 3 else "oral",
        "content": "完成练习册第12页",
        "estimated_minutes": 20,
    }
    response = client.post("/api/v1/burden/homework/", body, format="json")
    assert response.status_code == 201, response.json()
