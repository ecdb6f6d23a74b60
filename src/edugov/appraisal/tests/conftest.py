"""The mini district (two towns, school A and school B) with a basic-education officer, a small
checklist of four checks, and a scheme built through the service: routine inspection 40% (linear
60→100), after-school satisfaction 30% (bands ≥95: 100, ≥90: 90, ≥80: 75), one entered item 15%,
and 15% for each school's own "N" items."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest

from edugov.accounts.models import Role, User
from edugov.appraisal import services
from edugov.appraisal.models import RoutineChecklist, Scheme
from edugov.testing import MiniDistrict, make_mini_district

D = Decimal
NOW = dt.datetime(2025, 12, 1, 12, tzinfo=dt.UTC)


@dataclass
class World:
    md: MiniDistrict
    officer: User
    admin_a: User
    scheme: Scheme
    checklist: RoutineChecklist


def small_scheme(md: MiniDistrict, officer: User) -> Scheme:
    return services.scheme_create(
        actor=officer,
        area=md.district,
        school_year=md.year,
        name="测试区学校考核方案",
        characteristic_weight=D(15),
        dimensions=[
            services.DimensionInput("basic", "党建引领", [services.IndicatorInput("党建工作", D(15))]),
            services.DimensionInput(
                "core",
                "课程教学",
                [
                    services.IndicatorInput(
                        "教学常规达标率", D(40), "linear", "routine_inspection", D(60), D(100)
                    ),
                    services.IndicatorInput(
                        "课后服务满意率",
                        D(30),
                        "threshold",
                        "after_school_satisfaction",
                        thresholds=[[95, 100], [90, 90], [80, 75]],
                    ),
                ],
            ),
        ],
    )


@pytest.fixture
def world(db) -> World:
    md = make_mini_district()
    officer = md.users[Role.DEPARTMENT_OFFICER]
    scheme = small_scheme(md, officer)
    checklist = services.checklist_create(
        actor=officer,
        area=md.district,
        name="检查表",
        checks=[("preparation", "备课"), ("teaching", "上课"), ("marking", "批改"), ("research", "教研")],
    )
    return World(md, officer, md.users[Role.SCHOOL_ADMIN], scheme, checklist)
