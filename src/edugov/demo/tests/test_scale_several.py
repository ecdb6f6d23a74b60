"""A scale above one builds several districts under one province (a full district and a fifth of one:
the second longest build of the suite, in a module of its own so that `--dist loadfile` spreads it)."""

from __future__ import annotations

import datetime as dt

import pytest

from edugov.demo.services import demo_build
from edugov.registry.models import Area, AreaLevel, School

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 1)  # a Tuesday in term 1 of the 2026-2027 school year


def test_scale_above_one_builds_several_districts():
    demo_build(seed=1, scale=1.2, today=TODAY)  # a full district and a fifth of one
    districts = Area.objects.filter(level=AreaLevel.DISTRICT)
    assert districts.count() == 2
    assert Area.objects.filter(level=AreaLevel.PROVINCE).count() == 1
    assert len(set(School.objects.values_list("code", flat=True))) == School.objects.count()
    for district in districts:
        assert School.objects.filter(area__path__startswith=district.path).exists()
