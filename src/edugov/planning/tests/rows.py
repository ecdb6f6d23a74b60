"""Planning rows in town B of the mini district, for the scope walk (tests/test_scope_walk.py): a
town-A reader must see none of them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from edugov.planning import services
from edugov.planning.models import (
    Closure,
    ForecastRun,
    Project,
    ProjectList,
    ProjectProgress,
    QuotaPlan,
    Village,
    Zone,
)


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
    project = Project.objects.get(name="乙镇中心小学扩建工程")
    ProjectProgress.objects.create(project=project, month=dt.date(2025, 11, 1), planned_pct=40, actual_pct=30)
    ProjectList.objects.create(
        area=w.town_b, month=dt.date(2025, 11, 1), title="乙镇2025年11月新改扩建项目建设红黑榜", rules={},
        entries=[{"project": project.name, "school": w.school_b.name}],
    )  # fmt: skip
    QuotaPlan.objects.create(area=w.town_b, school=w.school_b, year=2026, places=100, share_pct=Decimal(50))
    zone = Zone.objects.create(area=w.town_b, name="乙镇小学施教区", stage="primary")
    zone.schools.set([w.school_b])
    Village.objects.create(
        area=w.town_b,
        name="乙镇东村",
        longitude=Decimal("110.1"),
        latitude=Decimal("30.1"),
        children_primary=40,
    )
    Closure.objects.create(school=w.school_b, target=w.school_b, reason="乙镇中心小学撤并研究")
