"""The holiday day's coverage page and the acknowledgement path, kept light because the bureau
watches the page while tens of thousands of parents acknowledge: the page's counts come from two
grouped queries whatever the number of classes (pinned here), and an acknowledgement costs the
link's read and one write."""

from __future__ import annotations

import datetime as dt
import re
import secrets

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from edugov.accounts.models import Role
from edugov.safety import channels, services, views
from edugov.safety.models import Acknowledgement, ClassReminder
from edugov.testing import login, make_class, make_school

from .conftest import TODAY

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 1, 20, 1, tzinfo=dt.UTC)  # 09:00 in Beijing, TODAY
COVERAGE_QUERIES = 6  # session, user, district name, the actor's area, towns, schools


def _sent_day(world):
    day = world.holiday.days.get(date=TODAY)
    services.reminders_send(day=day, via=channels.StubChannel(), now=NOW)
    return day


def _page(client):
    url = reverse("safety:coverage") + f"?day={TODAY.isoformat()}"
    client.get(url)  # session and per-process caches settle
    with CaptureQueriesContext(connection) as q:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(q.captured_queries)


def test_the_coverage_page_counts_in_the_database_and_its_queries_do_not_grow(world):
    day = _sent_day(world)
    a1 = ClassReminder.objects.get(day=day, school_class=world.md.class_a1)
    for key in ("p1", "p2", "p3"):
        services.acknowledge(token=a1.token, pupil_key=key)
    client = login(Client(), world.officer)
    page, queries = _page(client)
    # 3 classes, 1 with a parent's acknowledgement: 33%; 甲街道 1 of 2 (50%), 乙镇 0 of 1
    assert "尚无家长确认的班级" in page and "33.3%" in page and "50.0%" in page
    assert queries == COVERAGE_QUERIES
    # three more schools of two classes each, reminded and acknowledged: same queries, more rows
    for n in range(3):
        school = make_school(town=world.md.town_b, name=f"乙镇新建第{n}小学")
        for number in (1, 2):
            c = make_class(school=school, year=world.md.year, number=number)
            r = ClassReminder.objects.create(
                day=day, school_class=c, token=secrets.token_urlsafe(16), sent_at=NOW
            )
            services.acknowledge(token=r.token, pupil_key="p1")
    page, grown = _page(client)
    assert "乙镇新建第2小学" in page and grown == COVERAGE_QUERIES
    # 9 classes, 7 acknowledged: 77.8%; 乙镇 6 of 7 (85.7%)
    assert "77.8%" in page and "85.7%" in page


def test_the_cockpit_sends_to_the_coverage_page_with_the_town_figures(world):
    _sent_day(world)
    page = login(Client(), world.officer).get(reverse("safety:overview") + f"?day={TODAY}").content.decode()
    assert "查看各校确认情况" in page and "全区3个班级，家长已确认0个" in page


def test_schools_and_teachers_cannot_open_the_coverage_page(world):
    for role in (Role.SCHOOL_ADMIN, Role.TEACHER):
        response = login(Client(), world.md.users[role]).get(reverse("safety:coverage"))
        assert response.status_code == 403


def _current(page: str) -> list[str]:
    """The labels of the sidebar entries marked as the current page."""
    return re.findall(r'<a href="[^"]*" class="active" aria-current="page">([^<]+)</a>', page)


@pytest.mark.parametrize("identity", ["safety_officer", Role.LEADER, Role.DISTRICT_ADMIN])
def test_the_coverage_page_is_in_the_navigation_and_only_its_entry_is_current(world, identity):
    client = login(Client(), world.users[identity])
    coverage = client.get(reverse("safety:coverage")).content.decode()
    assert f'href="{reverse("safety:coverage")}"' in coverage
    assert _current(coverage) == ["假期提醒确认"]
    assert _current(client.get(reverse("safety:overview")).content.decode()) == ["校园安全"]
    assert _current(client.get(reverse("safety:grid")).content.decode()) == ["安全网格"]


def test_schools_see_no_coverage_entry(world):
    for role in (Role.SCHOOL_ADMIN, Role.TEACHER):
        page = login(Client(), world.md.users[role]).get(reverse("safety:my_school")).content.decode()
        assert "假期提醒确认" not in page and _current(page) == ["本校安全"]


def test_an_acknowledgement_reads_the_link_once_and_writes_once(world):
    day = _sent_day(world)
    a1 = ClassReminder.objects.get(day=day, school_class=world.md.class_a1)
    url = reverse("safety:acknowledge", args=[a1.token])
    client = Client()
    with CaptureQueriesContext(connection) as q:
        assert client.post(url, {"pupil_key": "p1"}).status_code == 200
    writes = [x["sql"] for x in q.captured_queries if "safety_acknowledgement" in x["sql"]]
    reads = [x["sql"] for x in q.captured_queries if x["sql"].startswith("SELECT")]
    assert len(reads) == 1  # the link's reminder, with what its page shows
    if connection.vendor == "postgresql":
        assert len(q.captured_queries) == 2 and len(writes) == 1  # insert and count: one statement
    # a replay writes nothing and leaves the counter
    assert client.post(url, {"pupil_key": "p1"}).status_code == 400
    a1.refresh_from_db()
    assert a1.acks == 1 == Acknowledgement.objects.filter(reminder=a1).count()
    # without a pupil key every press counts
    assert client.post(url, {"pupil_key": ""}).status_code == 200
    assert client.post(url, {"pupil_key": ""}).status_code == 200
    a1.refresh_from_db()
    assert a1.acks == 3 == Acknowledgement.objects.filter(reminder=a1).count()


def _redis_up() -> bool:
    try:
        import redis

        return bool(redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=0.5).ping())
    except Exception:
        return False


@pytest.mark.skipif(not _redis_up(), reason="no Redis on 127.0.0.1:6379")
def test_the_rate_limit_counts_on_redis_in_one_round_trip():
    prefix = f"edugov-test-{secrets.token_hex(4)}"
    redis_cache = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/15",
            "KEY_PREFIX": prefix,
        }
    }
    with override_settings(CACHES=redis_cache):
        backend = caches["default"]
        try:
            assert [views._hit("k", 60) for _ in range(3)] == [1, 2, 3]
            full = backend.make_and_validate_key("k")
            ttl = backend._cache.get_client(full).ttl(full)  # type: ignore[attr-defined]
            assert 0 < ttl <= 60  # the window's expiry set once, by the first request
        finally:
            backend.delete("k")
