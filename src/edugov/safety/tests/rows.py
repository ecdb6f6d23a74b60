"""Town B's safety rows for the scope and write walks (tests/test_scope_walk.py): a cell of school
B, an inspection with a hazard, a holiday day's reminder to class B1, a report from the public
about a pond in town B (confirmed and paid), a water near school B with a patrol, an incident, a
drill and a safety lesson of school B."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import timezone

from edugov.registry.models import Term
from edugov.safety.models import (
    ClassReminder,
    DangerousWater,
    Drill,
    GridCell,
    Hazard,
    Holiday,
    HolidayDay,
    Incident,
    Inspection,
    Patrol,
    SafetyLesson,
    WaterReport,
    WaterReportPayment,
)


def add_town_b_safety(w: Any) -> None:
    today = timezone.localdate()
    GridCell.objects.create(area=w.town_b, school=w.school_b, kind="gate", name=f"{w.school_b.name}校门")
    inspection = Inspection.objects.create(school=w.school_b, kind="fire", inspected_on=today)
    Hazard.objects.create(inspection=inspection, description="灭火器过期", severity="minor", deadline=today)
    holiday = Holiday.objects.create(area=w.town_b, name="寒假", starts_on=today, ends_on=today)
    day = HolidayDay.objects.create(holiday=holiday, date=today, topic="防溺水", text="防溺水六不")
    ClassReminder.objects.create(day=day, school_class=w.class_b1, token="town-b-token")
    report = WaterReport.objects.create(
        area=w.town_b,
        place=f"{w.town_b.name}东侧鱼塘",
        description="没有警示标志",
        status="confirmed",
        reward=Decimal("300"),
    )
    WaterReportPayment.objects.create(report=report, paid_on=today, amount=Decimal("300"), voucher="B-1")
    water = DangerousWater.objects.create(
        area=w.town_b, school=w.school_b, name=f"{w.town_b.name}西河", kind="river", location="校南300米"
    )
    Patrol.objects.create(
        water=water, patrolled_on=today, patroller="乙巡查员", observed=f"{w.school_b.name}学生戏水"
    )
    Incident.objects.create(
        area=w.town_b, school=w.school_b, kind="drowning", occurred_on=today, outcome="rescued", pupils=1
    )
    term = Term.objects.filter(start_date__lte=today).order_by("-start_date").first()
    if term is not None:
        Drill.objects.create(
            school=w.school_b,
            term=term,
            kind="evacuation",
            held_on=today,
            participants=300,
            evaluation=f"{w.school_b.name}疏散3分钟",
        )
        SafetyLesson.objects.create(
            school=w.school_b, term=term, kind="first", topic="防溺水", held_on=today, classes=6
        )
