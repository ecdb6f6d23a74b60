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
from edugov.common import clients
from edugov.safety import channels, services
from edugov.safety.models import Acknowledgement, ClassReminder
from edugov.testing import login, make_class, make_school

from .conftest import TODAY

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 1, 20, 1, tzinfo=dt.UTC)  # 09:00 in Beijing, TODAY
COVERAGE_QUERIES = 5  # session, user, district name, the actor's area, the schools (towns summed)


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


def _rows(page: str, label: str) -> list[list[str]]:
    """The cells of a table's rows whose first cell carries `label` (镇街 or 学校), tags stripped."""
    rows = re.findall(rf'<tr><td data-label="{label}">(.*?)</tr>', page)
    return [[re.sub(r"<[^>]+>", "", cell) for cell in re.split(r"</td><td[^>]*>", row)] for row in rows]


def test_the_coverage_page_shows_each_town_and_school_as_counted_by_hand(world):
    day = _sent_day(world)
    second = make_school(town=world.md.town_a, name="甲街道第二小学")
    c1, c2 = (make_class(school=second, year=world.md.year, number=n) for n in (1, 2))
    sent = ClassReminder.objects.create(
        day=day, school_class=c1, token=secrets.token_urlsafe(16), sent_at=NOW
    )
    ClassReminder.objects.create(day=day, school_class=c2, token=secrets.token_urlsafe(16))  # not sent
    a1 = ClassReminder.objects.get(day=day, school_class=world.md.class_a1)
    ClassReminder.objects.filter(day=day, school_class=world.md.class_a2).update(confirmed_at=NOW)
    for key in ("p1", "p2", "p3"):
        services.acknowledge(token=a1.token, pupil_key=key)
    for key in ("q1", "q2"):
        services.acknowledge(token=sent.token, pupil_key=key)
    page, _ = _page(login(Client(), world.officer))
    # by hand: 第一小学 a1 (sent, 3 acks), a2 (sent, confirmed); 第二小学 c1 (sent, 2 acks), c2
    # (not sent); 乙镇中心小学 b1 (sent); 甲街道 = its two schools summed; rate = acknowledged / classes
    assert _rows(page, "镇街") == [
        ["甲街道", "4", "3", "1", "2", "50.0% 未达标", "5"],
        ["乙镇", "1", "1", "0", "0", "0.0% 未达标", "0"],
    ]
    assert _rows(page, "学校") == [
        ["甲街道第一小学", "2", "1", "1", "50.0% 未达标", "3"],
        ["甲街道第二小学", "2", "0", "1", "50.0% 未达标", "2"],
        ["乙镇中心小学", "1", "0", "0", "0.0% 未达标", "0"],
    ]
    stats = re.sub(r"<[^>]+>|\s", "", page[page.index('<section class="stats">') :])
    # 5 classes, 4 sent, 1 confirmed, 2 acknowledged (40.0%), 3 without, 5 acknowledgements
    assert "班级5个已发送4个，班主任确认1个" in stats
    assert "家长已确认班级2个确认率40.0%" in stats
    assert "尚无家长确认的班级3个" in stats and "家长确认人次5" in stats


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
            assert [clients._hit("k", 60) for _ in range(3)] == [1, 2, 3]
            full = backend.make_and_validate_key("k")
            ttl = backend._cache.get_client(full).ttl(full)  # type: ignore[attr-defined]
            assert 0 < ttl <= 60  # the window's expiry set once, by the first request
        finally:
            backend.delete("k")
