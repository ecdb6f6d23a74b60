"""The planning demo in a province: every district gets the forecast's inputs (the towns' figures,
classrooms, housing, projects), so the province's 学位预测 has them all; the story (the project list,
the layout) stays in the first district."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from edugov.demo.base import DemoContext
from edugov.planning.demo import build_planning
from edugov.planning.models import HousingDevelopment, Project, ProjectList, SchoolCapacity, TownYear
from edugov.registry import services as registry_services
from edugov.registry.models import AreaLevel
from edugov.testing import make_class, make_mini_district, make_school

pytestmark = pytest.mark.django_db


def test_every_district_gets_the_forecasts_inputs():
    md = make_mini_district()  # 2025: school A (urban) two classes of grade 3, school B (rural) one
    second = registry_services.area_create(
        code="310102", name="第二区", level=AreaLevel.DISTRICT, parent=md.city
    )
    town = registry_services.area_create(code="310102001", name="丙镇", level=AreaLevel.TOWN, parent=second)
    school = make_school(town=town, name="丙镇中心小学", urban_rural_code="121")
    make_class(school=school, year=md.year, grade=1, number=1)
    ctx = DemoContext(seed=1, scale=2, today=dt.date(2025, 12, 1))  # the 2025 school year
    ctx.state["registry"] = SimpleNamespace(districts=[md.district, second])
    build_planning(ctx)
    # Sixteen years of figures for every town with a school, in both districts.
    years = TownYear.objects.values_list("area_id", "year")
    assert sorted({a for a, _ in years}) == sorted([md.town_a.pk, md.town_b.pk, town.pk])
    assert len(years) == 3 * 16 and {y for _, y in years} == set(range(2009, 2025))
    # The second district's rural school: its one class's classroom and 1-3 spare, its town's estate
    # of 400 households next year, a project.
    assert 2 <= SchoolCapacity.objects.get(school=school).classrooms <= 4
    assert list(
        HousingDevelopment.objects.filter(area=town).values_list("households", "completion_year")
    ) == [(400, 2026)]
    assert Project.objects.filter(school=school).count() == 1
    # The story in the first district only.
    assert list(ProjectList.objects.values_list("area_id", flat=True)) == [md.district.pk]
    assert ctx.counts["乡镇人口与出生"] == 3 * 16
