"""A scale above one builds several districts under one province: the scale gives the districts'
sizes (a full district for each whole unit, then the fraction left when it is a twentieth or more),
and several districts' registries build side by side with codes of their own. The build is made of
two small districts and the registry alone: the full district's size and every module's rows are
test_scale_one.py's, and building them again here would only repeat it at the cost of a minute."""

from __future__ import annotations

import datetime as dt

import pytest

from edugov.demo import services
from edugov.demo.base import DemoContext, generators
from edugov.demo.generators.registry.areas import AreaSteps
from edugov.registry.models import Area, AreaLevel, School, SchoolClass, SchoolYear

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 1)  # a Tuesday in term 1 of the 2026-2027 school year


@pytest.mark.parametrize(
    ("scale", "sizes"),
    [
        (0.3, [0.3]),
        (1, [1.0]),
        (1.2, [1.0, 0.2]),
        (3, [1.0, 1.0, 1.0]),
        (2.04, [1.0, 1.0]),
        (2.05, [1.0, 1.0, 0.05]),
    ],
)
def test_the_scale_gives_the_districts_sizes(scale, sizes):
    assert AreaSteps(DemoContext(seed=1, scale=scale, today=TODAY)).district_sizes() == sizes


def test_several_districts_build_under_one_province(monkeypatch):
    monkeypatch.setattr(AreaSteps, "district_sizes", lambda self: [0.1, 0.1])
    registry = [g for g in generators() if g.name == "registry"]
    monkeypatch.setattr(services, "generators", lambda: registry)
    services.demo_build(seed=1, scale=1.2, today=TODAY)
    districts = list(Area.objects.filter(level=AreaLevel.DISTRICT))
    assert len(districts) == 2
    assert Area.objects.filter(level=AreaLevel.PROVINCE).count() == 1
    assert len({d.code for d in districts}) == 2 and len({d.name for d in districts}) == 2
    assert len(set(School.objects.values_list("code", flat=True))) == School.objects.count()
    current = SchoolYear.objects.get(is_current=True)
    for district in districts:
        assert Area.objects.filter(level=AreaLevel.TOWN, path__startswith=district.path).count() >= 3
        assert School.objects.filter(area__path__startswith=district.path).exists()
        assert SchoolClass.objects.filter(
            school__area__path__startswith=district.path, school_year=current
        ).exists()
