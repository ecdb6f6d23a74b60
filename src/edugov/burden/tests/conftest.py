from __future__ import annotations

import datetime as dt

import pytest

from edugov.registry.models import CalendarException
from edugov.testing import make_mini_district

D = dt.date


@pytest.fixture
def district(db):
    mini = make_mini_district()
    # 2025 National Day and Mid-Autumn: Oct 1-8 off; Sunday Sep 28 and Saturday Oct 11 are make-up
    # school days.
    day = D(2025, 10, 1)
    while day <= D(2025, 10, 8):
        CalendarException.objects.create(date=day, name="国庆节、中秋节", is_school_day=False)
        day += dt.timedelta(days=1)
    CalendarException.objects.create(date=D(2025, 9, 28), name="调休上课", is_school_day=True)
    CalendarException.objects.create(date=D(2025, 10, 11), name="调休上课", is_school_day=True)
    return mini
