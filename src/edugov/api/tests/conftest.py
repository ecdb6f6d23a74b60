"""Fixtures for the API tests: the mini district with town B's own teacher, campus and
assignment, and API clients logged in by token."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from edugov.accounts.models import Role
from edugov.testing import make_mini_district

from .rows import add_town_b_rows


@pytest.fixture(autouse=True)
def _fresh_throttles():
    # Throttle counters live in the cache, which outlives each test's database transaction.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def d():
    district = make_mini_district()
    add_town_b_rows(district)
    return district


@pytest.fixture
def api_as(d):
    def make(role: str = Role.DISTRICT_ADMIN) -> APIClient:
        client = APIClient()
        token, _ = Token.objects.get_or_create(user=d.users[role])
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make
