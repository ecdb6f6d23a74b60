"""School years 2023-2025 (2025 current), their terms, and the State Council's public holidays
with their make-up working days (调休) as calendar exceptions."""

from __future__ import annotations

import datetime as dt

from edugov.registry.models import CalendarException, SchoolYear, Term

D = dt.date
YEARS = (2023, 2024, 2025)
CURRENT_YEAR = 2025

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
)

# Term dates as a typical provincial education department sets them (they vary by province;
# these are plausible, not any one province's notice). Winter vacation follows the Spring Festival.
TERMS: dict[int, tuple[tuple[dt.date, dt.date], tuple[dt.date, dt.date]]] = {
    2023: ((D(2023, 9, 1), D(2024, 1, 26)), (D(2024, 2, 26), D(2024, 7, 5))),
    2024: ((D(2024, 9, 1), D(2025, 1, 17)), (D(2025, 2, 17), D(2025, 7, 4))),
    2025: ((D(2025, 9, 1), D(2026, 1, 30)), (D(2026, 3, 2), D(2026, 7, 10))),
}


def build_calendar() -> dict[int, SchoolYear]:
    years = SchoolYear.objects.bulk_create(
        [
            SchoolYear(
                start_year=y,
                start_date=D(y, 9, 1),
                end_date=D(y + 1, 8, 31),
                is_current=(y == CURRENT_YEAR),
            )
            for y in YEARS
        ]
    )
    by_start = {y.start_year: y for y in years}
    Term.objects.bulk_create(
        [
            Term(school_year=by_start[y], number=n, start_date=start, end_date=end)
            for y, terms in TERMS.items()
            for n, (start, end) in enumerate(terms, start=1)
        ]
    )
    exceptions: list[CalendarException] = []
    for name, first, last, makeups in HOLIDAYS:
        day = first
        while day <= last:
            exceptions.append(CalendarException(date=day, name=name, is_school_day=False))
            day += dt.timedelta(days=1)
        exceptions.extend(
            CalendarException(date=d, name=f"{name}调休上课", is_school_day=True) for d in makeups
        )
    CalendarException.objects.bulk_create(exceptions)
    return by_start
