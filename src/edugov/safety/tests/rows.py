"""Town B's safety rows for the scope and write walks (tests/test_scope_walk.py): a cell of school
B, an inspection with a hazard, a holiday day's reminder to class B1 and a report from the public
about a pond in town B."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from edugov.safety.models import (
    ClassReminder,
    GridCell,
    Hazard,
    Holiday,
    HolidayDay,
    Inspection,
    WaterReport,
)


def add_town_b_safety(w: Any) -> None:
    today = timezone.localdate()
    GridCell.objects.create(area=w.town_b, school=w.school_b, kind="gate", name=f"{w.school_b.name}校门")
    inspection = Inspection.objects.create(school=w.school_b, kind="fire", inspected_on=today)
    Hazard.objects.create(inspection=inspection, description="灭火器过期", severity="minor", deadline=today)
    holiday = Holiday.objects.create(area=w.town_b, name="寒假", starts_on=today, ends_on=today)
    day = HolidayDay.objects.create(holiday=holiday, date=today, topic="防溺水", text="防溺水六不")
    ClassReminder.objects.create(day=day, school_class=w.class_b1, token="town-b-token")
    WaterReport.objects.create(area=w.town_b, place=f"{w.town_b.name}东侧鱼塘", description="没有警示标志")
