"""The demo's school years (the current one, holding the date the demo is built for, and the two
before it), their terms by a rule set around the Spring Festival, and the State Council's public
holidays with their make-up working days (调休) as calendar exceptions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from edugov.registry.models import CalendarException, SchoolYear, Term

D = dt.date
HISTORY_YEARS = 2  # school years kept before the current one

# (name, first day off, last day off, make-up working days). From the State Council General
# Office's notices for 2023 (autumn), 2024, 2025 and 2026 (published Nov. 2025). Weekend days
# inside a holiday span are listed too, so the span reads whole on the calendar page.
HOLIDAYS: tuple[tuple[str, dt.date, dt.date, tuple[dt.date, ...]], ...] = (
    ("中秋节、国庆节", D(2023, 9, 29), D(2023, 10, 6), (D(2023, 10, 7), D(2023, 10, 8))),
    ("元旦", D(2023, 12, 30), D(2024, 1, 1), ()),
    ("春节", D(2024, 2, 10), D(2024, 2, 17), (D(2024, 2, 4), D(2024, 2, 18))),
    ("清明节", D(2024, 4, 4), D(2024, 4, 6), (D(2024, 4, 7),)),
    ("劳动节", D(2024, 5, 1), D(2024, 5, 5), (D(2024, 4, 28), D(2024, 5, 11))),
    ("端午节", D(2024, 6, 8), D(2024, 6, 10), ()),
    ("中秋节", D(2024, 9, 15), D(2024, 9, 17), (D(2024, 9, 14),)),
    ("国庆节", D(2024, 10, 1), D(2024, 10, 7), (D(2024, 9, 29), D(2024, 10, 12))),
    ("元旦", D(2025, 1, 1), D(2025, 1, 1), ()),
    ("春节", D(2025, 1, 28), D(2025, 2, 4), (D(2025, 1, 26), D(2025, 2, 8))),
    ("清明节", D(2025, 4, 4), D(2025, 4, 6), ()),
    ("劳动节", D(2025, 5, 1), D(2025, 5, 5), (D(2025, 4, 27),)),
    ("端午节", D(2025, 5, 31), D(2025, 6, 2), ()),
    ("国庆节、中秋节", D(2025, 10, 1), D(2025, 10, 8), (D(2025, 9, 28), D(2025, 10, 11))),
    # 2026 as announced in November 2025; if a province shifts a make-up day, edit it here.
    ("元旦", D(2026, 1, 1), D(2026, 1, 3), (D(2026, 1, 4),)),
    ("春节", D(2026, 2, 15), D(2026, 2, 23), (D(2026, 2, 14), D(2026, 2, 28))),
    ("清明节", D(2026, 4, 4), D(2026, 4, 6), ()),
    ("劳动节", D(2026, 5, 1), D(2026, 5, 5), (D(2026, 5, 9),)),
    ("端午节", D(2026, 6, 19), D(2026, 6, 21), ()),
    ("中秋节", D(2026, 9, 25), D(2026, 9, 27), ()),
    ("国庆节", D(2026, 10, 1), D(2026, 10, 7), (D(2026, 9, 20), D(2026, 10, 10))),
    # 2027: PROVISIONAL ESTIMATES, not yet announced. Replace them with the State Council General
    # Office's notice on the 2027 holidays when it is published (usually in November 2026).
    # Estimated from the festival dates (春节 2027-02-06, 清明 04-05, 端午 06-09) and the 2025 rules
    # (春节 and 劳动节 days falling on a weekend made up on weekdays, few make-up working days).
    ("元旦", D(2027, 1, 1), D(2027, 1, 3), ()),
    ("春节", D(2027, 2, 5), D(2027, 2, 13), (D(2027, 1, 31), D(2027, 2, 14))),
    ("清明节", D(2027, 4, 3), D(2027, 4, 5), ()),
    ("劳动节", D(2027, 5, 1), D(2027, 5, 5), (D(2027, 4, 25),)),
    ("端午节", D(2027, 6, 9), D(2027, 6, 9), ()),
)
# The span HOLIDAYS is complete for (July and August have no public holiday). A school year reaching
# outside it gets weekends only, and the build says so.
HOLIDAYS_KNOWN = (D(2023, 9, 1), D(2027, 8, 31))

# Spring Festival (正月初一), from the lunar calendar: winter vacation is set around it.
SPRING_FESTIVAL: dict[int, dt.date] = {
    2023: D(2023, 1, 22), 2024: D(2024, 2, 10), 2025: D(2025, 1, 29), 2026: D(2026, 2, 17),
    2027: D(2027, 2, 6), 2028: D(2028, 1, 26), 2029: D(2029, 2, 13), 2030: D(2030, 2, 3),
    2031: D(2031, 1, 23), 2032: D(2032, 2, 11), 2033: D(2033, 1, 31), 2034: D(2034, 2, 19),
    2035: D(2035, 2, 8), 2036: D(2036, 1, 28), 2037: D(2037, 2, 15), 2038: D(2038, 2, 4),
    2039: D(2039, 1, 24), 2040: D(2040, 2, 12),
}  # fmt: skip
SPRING_FESTIVAL_FALLBACK = (2, 4)  # mid-range of its possible dates (Jan 21 - Feb 20)

MONDAY, FRIDAY = 0, 4


def _on_or_before(day: dt.date, weekday: int) -> dt.date:
    return day - dt.timedelta(days=(day.weekday() - weekday) % 7)


def _on_or_after(day: dt.date, weekday: int) -> dt.date:
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7)


def terms_for(start_year: int) -> tuple[tuple[dt.date, dt.date], tuple[dt.date, dt.date]]:
    """Term dates as a typical provincial education department sets them (they vary by province;
    these are plausible, not any one province's notice): term 1 from September 1 to the Friday at
    least 12 days before the Spring Festival; term 2 from the Monday at least 13 days after it for
    19 weeks, ending no earlier than the first Friday of July. (This gives the dates the demo used
    for 2023-2025: 2024-01-26 / 02-26 / 07-05, 2025-01-17 / 02-17 / 07-04, 2026-01-30 / 03-02 / 07-10.)"""
    year = start_year + 1
    festival = SPRING_FESTIVAL.get(year, D(year, *SPRING_FESTIVAL_FALLBACK))
    first = (D(start_year, 9, 1), _on_or_before(festival - dt.timedelta(days=12), FRIDAY))
    spring = _on_or_after(festival + dt.timedelta(days=13), MONDAY)
    end = max(spring + dt.timedelta(weeks=18, days=4), _on_or_after(D(year, 7, 1), FRIDAY))
    return first, (spring, end)


def holidays_between(start: dt.date, end: dt.date) -> list[CalendarException]:
    """The holidays and make-up days of HOLIDAYS that fall in [start, end], as calendar exceptions."""
    exceptions: list[CalendarException] = []
    for name, first, last, makeups in HOLIDAYS:
        day = first
        while day <= last:
            if start <= day <= end:
                exceptions.append(CalendarException(date=day, name=name, is_school_day=False))
            day += dt.timedelta(days=1)
        exceptions.extend(
            CalendarException(date=d, name=f"{name}调休上课", is_school_day=True)
            for d in makeups
            if start <= d <= end
        )
    return exceptions


def build_calendar(*, current_year: int, warn: Callable[[str], None]) -> dict[int, SchoolYear]:
    """The current school year and HISTORY_YEARS before it, with their terms and holidays."""
    starts = range(current_year - HISTORY_YEARS, current_year + 1)
    years = SchoolYear.objects.bulk_create(
        [
            SchoolYear(
                start_year=y,
                start_date=D(y, 9, 1),
                end_date=D(y + 1, 8, 31),
                is_current=(y == current_year),
            )
            for y in starts
        ]
    )
    by_start = {y.start_year: y for y in years}
    Term.objects.bulk_create(
        [
            Term(school_year=by_start[y], number=n, start_date=start, end_date=end)
            for y in starts
            for n, (start, end) in enumerate(terms_for(y), start=1)
        ]
    )
    known_from, known_until = HOLIDAYS_KNOWN
    unknown = [y for y in years if y.start_date < known_from or y.end_date > known_until]
    if unknown:
        names = "、".join(f"{y.start_year}-{y.start_year + 1}" for y in unknown)
        warn(
            f"节假日表只收录了{known_from:%Y年%m月}至{known_until:%Y年%m月}的法定节假日：{names}学年"
            "的节假日和调休按普通周末计算。请按国务院办公厅的放假通知补充 "
            "edugov/demo/generators/calendar.py 中的 HOLIDAYS 和 HOLIDAYS_KNOWN。"
        )
    CalendarException.objects.bulk_create(holidays_between(years[0].start_date, years[-1].end_date))
    return by_start
