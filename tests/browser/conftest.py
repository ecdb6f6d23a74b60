"""Fixtures of the browser tests: one headless Chromium per module (each role gets its own
context), the live server pytest-django runs once per worker, and a small district whose school
year is under way today, so the jobs work on whatever day the suite runs."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
from django.core.cache import cache
from django.utils import timezone

from edugov.registry.models import CalendarException, SchoolYear, Term
from edugov.testing import MiniDistrict, make_mini_district

from .helpers import CHROMIUM


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    # Playwright's sync API runs an event loop in this thread; the ORM calls made by the test
    # itself are plain synchronous calls between browser steps. Only while the browser runs:
    # left set, it leaks into later tests of the same worker (and into `check --deploy`).
    from playwright.sync_api import sync_playwright

    with mock.patch.dict(os.environ, {"DJANGO_ALLOW_ASYNC_UNSAFE": "true"}), sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
            ],
        )
        yield b
        b.close()


@pytest.fixture
def district() -> MiniDistrict:
    """The mini district, its school year moved so that today falls inside term 1 (a school day
    within the last few days exists whatever the date) and with no calendar exceptions."""
    cache.clear()  # public pages and logins are rate-limited per address: start from zero
    md = make_mini_district()
    today = timezone.localdate()
    SchoolYear.objects.filter(pk=md.year.pk).update(
        start_date=today - dt.timedelta(days=120), end_date=today + dt.timedelta(days=240)
    )
    Term.objects.filter(school_year=md.year, number=1).update(
        start_date=today - dt.timedelta(days=120), end_date=today + dt.timedelta(days=60)
    )
    Term.objects.filter(school_year=md.year, number=2).update(
        start_date=today + dt.timedelta(days=90), end_date=today + dt.timedelta(days=230)
    )
    CalendarException.objects.all().delete()
    md.year.refresh_from_db()
    return md
