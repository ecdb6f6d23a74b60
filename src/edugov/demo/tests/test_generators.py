"""Later modules add their demo rows through register_generator (built on an empty database, so in a
module of its own: test_services.py shares one build between its tests)."""

from __future__ import annotations

import datetime as dt

import pytest

from edugov.demo.base import DemoContext, register_generator, unregister_generator
from edugov.demo.services import demo_build
from edugov.registry.models import Locale, School, SchoolType

pytestmark = pytest.mark.django_db

SMALL = 0.1  # one district with three towns (a street, a town, a township)
TODAY = dt.date(2026, 12, 1)  # a Tuesday in term 1 of the 2026-2027 school year


def test_later_modules_plug_in_through_register_generator():
    seen: list[str] = []

    def build_extra(ctx: DemoContext) -> None:
        # Runs after the registry and the accounts, with their rows in ctx.state.
        seen.append(ctx.state["registry"].first_urban_primary.name)
        ctx.count("附加数据", 1)

    register_generator("extra", build_extra, order=300, reset=lambda: seen.append("reset"))
    try:
        result = demo_build(seed=1, scale=SMALL, today=TODAY)
        assert result.counts["附加数据"] == 1
        school1 = School.objects.filter(school_type=SchoolType.PRIMARY, locale=Locale.URBAN).first()
        assert school1 is not None
        assert seen == [school1.name]
        demo_build(seed=1, scale=SMALL, reset=True, today=TODAY)
        assert seen[1] == "reset"
    finally:
        unregister_generator("extra")
