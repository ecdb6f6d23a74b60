"""A mini district with three school years worked out by hand: school A (甲街道) has 80 pupils in each
of grades 1-3 every year (two classes a grade), its town 160 births a year (entry ratio 0.5), four
primary classrooms (180 places), a 500-household estate completing in 2027 (60 primary places
needed) and a project adding 90 places from 2027; school B (乙镇) falls from 120 to 80 pupils. A
planning officer (计划财务科) works in the module."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest

from edugov.accounts.models import Role, User
from edugov.planning import services
from edugov.planning.models import Project
from edugov.testing import MiniDistrict, make_class, make_mini_district, make_school_year, make_user


@dataclass
class World:
    md: MiniDistrict
    planner: User
    project: Project

    @property
    def users(self) -> dict[str, User]:
        return {**self.md.users, "planner": self.planner}


@pytest.fixture
def world(db) -> World:
    md = make_mini_district()  # 2025: school A's grade 3 (two classes of 40), school B's grade 3 (40)
    years = {
        2023: make_school_year(2023, current=False),
        2024: make_school_year(2024, current=False),
        2025: md.year,
    }
    for y, year in years.items():
        for grade in (1, 2, 3):
            if not (y == 2025 and grade == 3):
                for number in (1, 2):
                    make_class(school=md.school_a, year=year, grade=grade, number=number, boys=20, girls=20)
            if y < 2025:
                make_class(school=md.school_b, year=year, grade=grade, number=1, boys=20, girls=20)
            elif grade < 3:
                make_class(school=md.school_b, year=year, grade=grade, number=1, boys=10, girls=10)
    for c in range(2014, 2025):
        services.town_year_save(actor=None, area=md.town_a, year=c, population=16000, births=160)
        services.town_year_save(actor=None, area=md.town_b, year=c, population=8000, births=80)
    services.housing_create(actor=None, name="新城一期", area=md.town_a, households=500, completion_year=2027)
    services.capacity_set(actor=None, school=md.school_a, stage="primary", classrooms=4)
    project = services.project_create(
        actor=None,
        name="甲街道第一小学扩建",
        school=md.school_a,
        kind="extend",
        stage="primary",
        places_added=90,
        budget=Decimal("1200"),
        start_date=dt.date(2025, 3, 1),
        planned_completion=dt.date(2027, 6, 30),
        milestones=[("主体封顶", dt.date(2025, 10, 1)), ("竣工验收", dt.date(2027, 6, 30))],
    )
    planner = make_user(Role.DEPARTMENT_OFFICER, area=md.district, department="planning_finance")
    return World(md, planner, project)
