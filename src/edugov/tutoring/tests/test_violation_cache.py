"""The 违规情况 list is cached per data generation and read scope (selectors.violation_rows): a
town's officer never gets the district's rows, a write outside the write path is not seen, a
committed order through the services is seen at once; the page asks a pinned number of queries,
none of the list's once cached."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from edugov.accounts.models import Department, Role
from edugov.reports.readers import Reader
from edugov.testing import login, make_mini_district, make_user
from edugov.tutoring import selectors, services
from edugov.tutoring.models import Order

from .factories import make_institution, officer

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def _order(px, inst, day):
    # 6,000 yuan at once: over the 5,000 yuan cap, recorded with its violation
    return services.order_create(
        actor=px, institution=inst, data={"pupil_name": "小明", "lessons": 20, "amount": Decimal("6000"),
                                          "paid_on": day},
    )  # fmt: skip


def test_rows_by_read_scope_and_computed_again_after_a_commit():
    md = make_mini_district()
    px = officer(md)
    town_b = make_user(Role.DEPARTMENT_OFFICER, area=md.town_b, department=Department.TUTORING_SUPERVISION)
    assert Reader(px, "tutoring").scope != Reader(town_b, "tutoring").scope
    inst = make_institution(md, px, name="晨光美术培训中心", town=md.town_a)
    first = _order(px, inst, dt.date(2025, 9, 1))
    assert [r.what for r in selectors.violation_rows(user=px)] == [f"收费订单{first.pk}"]
    # Cached for the district's scope; the town B officer computes their own: nothing in town B.
    assert selectors.violation_rows(user=town_b) == []
    # Cleared without the write path (no bump): the cached list still shows it.
    Order.objects.filter(pk=first.pk).update(violations=[])
    assert len(selectors.violation_rows(user=px)) == 1
    # A committed order through the services: computed again from the database (first now clear).
    second = _order(px, inst, dt.date(2025, 9, 2))
    assert [(r.what, r.when) for r in selectors.violation_rows(user=px)] == [
        (f"收费订单{second.pk}", "2025年9月2日")
    ]
    assert selectors.violation_rows(user=town_b) == []


def test_page_asks_a_pinned_number_of_queries(client):
    md = make_mini_district()
    px = officer(md)
    _order(px, make_institution(md, px), dt.date(2025, 9, 1))
    login(client, px)
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("tutoring:violation_list"))
        assert response.status_code == 200 and "收费订单" in response.content.decode()
        counts.append(len(queries))
    assert counts == [11, 4]


@pytest.mark.parametrize(
    ("url_name", "expected"), [("tutoring:inspection_list", 14), ("tutoring:complaint_list", 7)]
)
def test_inspection_and_complaint_pages_ask_a_pinned_number_of_queries(client, url_name, expected):
    """检查与执法 and 投诉办理 on a warm process: the session, the user, one query per figure or
    list (the inspection counts once, not twice); a new query on every visit fails here."""
    md = make_mini_district()
    px = officer(md)
    for n in range(3):
        inst = make_institution(md, px)
        _order(px, inst, dt.date(2025, 9, 1 + n))
    login(client, px)
    client.get(reverse(url_name))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse(url_name)).status_code == 200
    assert len(queries) == expected


def test_start_up_warming_leaves_the_list_cached(client):
    from edugov.tutoring.warmup import warm

    md = make_mini_district()
    px = officer(md)
    _order(px, make_institution(md, px), dt.date(2025, 9, 1))
    warm()
    login(client, px)
    client.get(reverse("tutoring:complaint_list"))  # a session's first visit reads 3 more rows
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("tutoring:violation_list")).status_code == 200
    assert len(queries) == 4  # as a second visit (11 uncached): none of the list's queries
