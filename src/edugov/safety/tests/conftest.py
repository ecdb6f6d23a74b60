"""A mini district with a safety officer (安全科) and a holiday of one day scheduled to every class."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.core.cache import cache

from edugov.accounts.models import Role, User
from edugov.safety import services
from edugov.safety.models import Holiday
from edugov.testing import MiniDistrict, make_mini_district, make_user

TODAY = dt.date(2026, 1, 20)


@dataclass
class World:
    md: MiniDistrict
    officer: User
    holiday: Holiday

    @property
    def users(self) -> dict[str, User]:
        return {**self.md.users, "safety_officer": self.officer}


@pytest.fixture
def world(db) -> World:
    md = make_mini_district()
    officer = make_user(Role.DEPARTMENT_OFFICER, area=md.district, department="safety")
    holiday = services.holiday_schedule(
        actor=officer, area=md.district, name="寒假", starts_on=TODAY, ends_on=TODAY + dt.timedelta(days=1)
    )
    return World(md, officer, holiday)


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """The public pages' rate limits count in the cache: every test starts with none used."""
    cache.clear()
    yield
    cache.clear()
