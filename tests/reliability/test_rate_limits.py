"""Rate limits on the public tutoring pages, the complaint form and the login endpoints: past the
limit the answer is 429 with a Chinese message and nothing is stored; other clients are unaffected.
The clock is frozen so the fixed windows cannot roll over during a test."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from edugov.testing import make_mini_district
from edugov.tutoring.models import Complaint
from edugov.tutoring.views import PUBLIC_COMPLAINTS_PER_HOUR, PUBLIC_LOOKUPS_PER_MINUTE

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 2, 9, 30, 5, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        yield
    cache.clear()


def test_public_lookup_is_limited_per_client():
    client, other = Client(REMOTE_ADDR="10.1.0.1"), Client(REMOTE_ADDR="10.1.0.2")
    lookup = reverse("tutoring:public_lookup")
    codes = [client.get(lookup, {"q": "培训"}).status_code for _ in range(PUBLIC_LOOKUPS_PER_MINUTE)]
    assert codes == [200] * 30
    limited = client.get(lookup, {"q": "培训"})
    assert limited.status_code == 429 and "请求过于频繁" in limited.content.decode()
    # The complaint tracking page shares the lookup budget (it is the same guessing surface).
    assert client.get(reverse("tutoring:public_complaint_track"), {"code": "ABCDEFGH"}).status_code == 429
    assert other.get(lookup, {"q": "培训"}).status_code == 200


def test_behind_the_proxy_each_parent_has_a_budget_and_a_forged_hop_buys_none():
    """Every request reaches the application from the proxy on this machine (127.0.0.1); the proxy
    appends the address it saw to X-Forwarded-For, and the budget follows that address, not the
    proxy's (else the first 30 parents would spend everybody's minute)."""
    lookup = reverse("tutoring:public_lookup")

    def via_proxy(seen: str, written: str = "") -> int:
        hops = f"{written}, {seen}" if written else seen
        return Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=hops).get(lookup).status_code

    assert [via_proxy("198.51.100.1") for _ in range(PUBLIC_LOOKUPS_PER_MINUTE)] == [200] * 30
    assert via_proxy("198.51.100.1") == 429
    # a header the client wrote itself (a new address each time) does not reset its budget
    assert via_proxy("198.51.100.1", written="10.0.0.99") == 429
    assert via_proxy("198.51.100.2") == 200  # the next parent behind the same proxy


def test_public_complaint_form_is_limited():
    md = make_mini_district()
    client = Client(REMOTE_ADDR="10.1.0.3")
    url = reverse("tutoring:public_complaint")
    post = {
        "institution_name": "某培训机构", "area": md.town_a.pk, "topic": "退费纠纷",
        "content": "交了钱不给退", "contact_name": "王女士", "contact_phone": "13900001111",
    }  # fmt: skip
    codes = [client.post(url, post).status_code for _ in range(PUBLIC_COMPLAINTS_PER_HOUR)]
    assert 429 not in codes and 500 not in codes
    stored = Complaint.objects.count()
    limited = client.post(url, post)
    assert limited.status_code == 429 and "请求过于频繁" in limited.content.decode()
    assert Complaint.objects.count() == stored  # the refused post stored nothing
    assert client.get(url).status_code == 200  # reading the form is not limited


def test_api_token_endpoint_is_throttled():
    client = Client(REMOTE_ADDR="10.1.0.4")
    url = "/api/v1/auth/token/"
    codes = [client.post(url, {"username": "nobody", "password": "x"}).status_code for _ in range(20)]
    assert 429 not in codes
    limited = client.post(url, {"username": "nobody", "password": "x"})
    assert limited.status_code == 429
    assert any("\u4e00" <= ch <= "\u9fff" for ch in limited.content.decode())
