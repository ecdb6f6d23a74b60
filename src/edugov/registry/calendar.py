"""The school calendar: what kind of day a date is (school day, weekend, public holiday,
winter or summer vacation), from the terms and the holiday/make-up-day exceptions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from .models import CalendarDayKind, CalendarException, SchoolYear, Term


class SchoolCalendar:
    """Loads the terms and exceptions once; answers per date without further queries."""

    def __init__(self, *, terms: Iterable[Term], exceptions: Iterable[CalendarException]) -> None:
        self.terms = sorted(terms, key=lambda t: t.start_date)
        self.exceptions = {e.date: e for e in exceptions}

    @classmethod
    def for_year(cls, school_year: SchoolYear) -> SchoolCalendar:
        return cls(
            terms=Term.objects.filter(school_year=school_year),
            exceptions=CalendarException.objects.filter(
                date__gte=school_year.start_date, date__lte=school_year.end_date
            ),
        )

    def day_kind(self, day: dt.date) -> str:
        term = next((t for t in self.terms if t.start_date <= day <= t.end_date), None)
        if term is None:
            # Between term 1 and term 2 is winter; after term 2 (or before term 1) is summer.
            if self.terms and self.terms[0].end_date < day < self.terms[-1].start_date:
                return CalendarDayKind.WINTER_VACATION
            return CalendarDayKind.SUMMER_VACATION
        exception = self.exceptions.get(day)
        if exception is not None:
            return CalendarDayKind.SCHOOL_DAY if exception.is_school_day else CalendarDayKind.PUBLIC_HOLIDAY
        return CalendarDayKind.WEEKEND if day.weekday() >= 5 else CalendarDayKind.SCHOOL_DAY

    def is_school_day(self, day: dt.date) -> bool:
        return self.day_kind(day) == CalendarDayKind.SCHOOL_DAY

    def last_school_day(self, day: dt.date, *, earliest: dt.date) -> dt.date | None:
        """The latest school day on or before `day` and not before `earliest` (None if there is
        none): what a form offers by default on a Sunday, a holiday or in a vacation."""
        while day >= earliest:
            if self.is_school_day(day):
                return day
            day -= dt.timedelta(days=1)
        return None

    def school_days(self, start: dt.date, end: dt.date) -> list[dt.date]:
        days = []
        day = start
        while day <= end:
            if self.is_school_day(day):
                days.append(day)
            day += dt.timedelta(days=1)
        return days
