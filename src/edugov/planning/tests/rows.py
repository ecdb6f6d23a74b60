"""Planning rows in town B of the mini district, for the scope walk (tests/test_scope_walk.py): a
town-A reader must see none of them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from edugov.planning import services
from edugov.planning.models import ForecastRun


def add_town_b_planning(w: Any) -> None:
    services.town_year_save(
        actor=None, area=w.town_b, year=2024, population=8000, births=80, net_migration=-40
    )
    services.housing_create(
        actor=None, name="乙镇安置小区", area=w.town_b, households=300, completion_year=2027
    )
    services.capacity_set(actor=None, school=w.school_b, stage="primary", classrooms=6)
    services.project_create(
        actor=None,
        name="乙镇中心小学扩建工程",
        school=w.school_b,
        kind="extend",
        stage="primary",
        places_added=135,
        budget=Decimal("800"),
        start_date=dt.date(2025, 3, 1),
        planned_completion=dt.date(2026, 8, 1),
        milestones=[("主体封顶", dt.date(2025, 10, 1))],
    )
    ForecastRun.objects.create(
        area=w.town_b, base_year=2025, horizon=3, method="年级推移法", inputs={}, results={}
    )
