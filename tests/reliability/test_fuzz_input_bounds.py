"""Input bounds of the API, enumerated so that endpoints added later are covered too:

- every integer query parameter of every list endpoint (the filters its filterset declares, the
  ones its schema documents, paging) at 2^63 and beyond answers 200 or a Chinese 400, never a 500
  (paging alone may say 404: a page past the last, in Chinese);
- a JSON body nested thousands deep, anonymously on the token endpoint and as the district
  administrator on every API route that takes a body, is a Chinese 400, never a 500."""

from __future__ import annotations

import json
import re

import django_filters
import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from edugov.accounts.models import Role
from edugov.api.filters import FilterBackend
from edugov.api.parsers import DEPTH_MESSAGE, MAX_DEPTH, nesting_depth
from edugov.common.bounds import OUT_OF_RANGE
from edugov.testing import make_mini_district
from tests import test_scope_walk as walk

from .live import record

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u4e00-\u9fff]")
HUGE = [str(2**63), str(2**64), str(-(2**63) - 1), str(10**30)]
PAGING = {"page", "page_size"}


def api_routes() -> list[tuple[walk.Route, type[APIView], dict[str, str]]]:
    """(route, view class, its method -> action map) of every DRF route in the URLconf."""
    found = []
    for route in walk.all_routes():
        callback = _callback(route)
        cls = getattr(callback, "cls", None)
        if isinstance(cls, type) and issubclass(cls, APIView):
            found.append((route, cls, getattr(callback, "actions", None) or {}))
    return found


def _callback(route: walk.Route):  # type: ignore[no-untyped-def]
    from django.urls import get_resolver

    def find(patterns, prefix=""):  # type: ignore[no-untyped-def]
        for p in patterns:
            if hasattr(p, "url_patterns"):
                hit = find(p.url_patterns, prefix + str(p.pattern))
                if hit is not None:
                    return hit
            elif prefix + str(p.pattern) == route.pattern:
                return p.callback
        return None

    return find(get_resolver().url_patterns)


def list_routes() -> list[tuple[walk.Route, type[APIView]]]:
    return [(r, cls) for r, cls, actions in api_routes() if actions.get("get") == "list" and not r.params]


def declared_integer_filters(cls: type[APIView], user) -> set[str]:  # type: ignore[no-untyped-def]
    """The integer filters of the view's filterset, as the real backend builds it (declared
    filterset_class or one made from filterset_fields)."""
    request = Request(APIRequestFactory().get("/"))
    request.user = user
    view = cls(request=request, action="list", kwargs={}, format_kwarg=None)
    backends = [b for b in view.filter_backends if issubclass(b, FilterBackend)]
    if not backends:
        return set()
    filterset_class = backends[0]().get_filterset_class(view, view.get_queryset())
    if filterset_class is None:
        return set()
    names = set()
    for name, flt in filterset_class.base_filters.items():
        integer_choices = isinstance(flt, django_filters.ChoiceFilter) and all(
            isinstance(value, int) for value, _ in flt.extra.get("choices", ()) or ()
        )
        if isinstance(flt, django_filters.NumberFilter | django_filters.ModelChoiceFilter) or (
            integer_choices and flt.extra.get("choices")
        ):
            names.add(name)
    return names


def documented_integer_parameters(schema: dict, path: str) -> set[str]:  # type: ignore[type-arg]
    operation = schema["paths"].get(path, {}).get("get", {})
    return {
        p["name"]
        for p in operation.get("parameters", [])
        if p["in"] == "query" and p["schema"].get("type") in ("integer", "number")
    }


@pytest.fixture(scope="module")
def schema():  # type: ignore[no-untyped-def]
    from drf_spectacular.settings import spectacular_settings

    return spectacular_settings.DEFAULT_GENERATOR_CLASS().get_schema(request=None, public=True)


def test_every_integer_filter_of_every_list_endpoint_refuses_huge_values(schema):  # type: ignore[no-untyped-def]
    d = make_mini_district()
    admin = d.users[Role.DISTRICT_ADMIN]
    client = Client(raise_request_exception=False)
    client.force_login(admin)
    endpoints = filters = requests = 0
    failures = []
    for route, cls in list_routes():
        url = reverse(route.name)
        declared = declared_integer_filters(cls, admin)
        documented = documented_integer_parameters(schema, url)
        # The schema is how clients learn the filters: it must not hide one the filterset has.
        assert declared <= documented, (url, declared - documented)
        endpoints += 1
        filters += len(documented - PAGING)
        for name in sorted(documented):
            for value in HUGE:
                response = client.get(url, {name: value})
                requests += 1
                allowed = {200, 400, 404} if name == "page" else {200, 400}
                if response.status_code not in allowed:
                    failures.append(f"{url}?{name}={value} -> {response.status_code}")
                elif response.status_code >= 400 and not CJK.search(response.content.decode()):
                    failures.append(f"{url}?{name}={value} -> {response.status_code} not in Chinese")
    record("fuzz_integer_filters", endpoints=endpoints, filters=filters, requests=requests)
    assert not failures, "\n".join(failures)
    assert endpoints >= 20 and filters >= 15, (endpoints, filters)


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/registry/campuses/?school=",
        "/api/v1/registry/teaching-assignments/?teacher=",
        "/api/v1/burden/homework/?school_class=",
    ],
)
def test_foreign_key_filter_beyond_64_bits_is_a_chinese_400(client, url):
    """The three kinds that reached the database before: a declared NumberFilter, one more on a
    relation, and a hand-parsed parameter."""
    client.force_login(make_mini_district().users[Role.DISTRICT_ADMIN])
    response = client.get(url + str(2**63))
    assert response.status_code == 400
    body = response.content.decode()
    assert OUT_OF_RANGE in body or "数值超出范围" in body, body


def test_declared_narrower_bound_is_kept():
    class F(django_filters.FilterSet):
        n = django_filters.NumberFilter(field_name="id", min_value=1, max_value=10)

    from edugov.api.filters import bound_number_filters
    from edugov.registry.models import School

    f = F({"n": "11"}, queryset=School.objects.none())
    bound_number_filters(f)
    assert not f.is_valid()
    assert f.filters["n"].extra["max_value"] == 10


# --- nesting depth --------------------------------------------------------------------------


def deep(levels: int) -> str:
    return "[" * levels + "]" * levels


@pytest.mark.parametrize(
    ("body", "depth"),
    [([], 1), ({}, 1), (1, 0), ({"a": [1, {"b": []}]}, 4), (json.loads(deep(MAX_DEPTH + 5)), MAX_DEPTH + 1)],
)
def test_nesting_depth(body, depth):  # type: ignore[no-untyped-def]
    assert nesting_depth(body) == depth


@pytest.mark.parametrize("levels", [MAX_DEPTH + 1, 5_000, 100_000])
def test_token_endpoint_refuses_deep_json_anonymously(client, levels):
    response = client.post(reverse("api:token"), deep(levels), content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"detail": DEPTH_MESSAGE}


def test_token_endpoint_still_parses_a_flat_body(client):
    response = client.post(
        reverse("api:token"), {"username": "x", "password": "y"}, content_type="application/json"
    )
    assert response.status_code == 400 and response.json()["detail"] == "用户名或密码错误"


def test_deep_json_on_every_api_route_with_a_body_is_a_chinese_400():
    d = make_mini_district()
    client = Client(raise_request_exception=False)
    client.force_login(d.users[Role.DISTRICT_ADMIN])
    body = deep(20_000)
    tried, failures = 0, []
    for route, cls, actions in api_routes():
        methods = [m for m in ("post", "put", "patch") if m in actions or (not actions and hasattr(cls, m))]
        if not methods:
            continue
        kwargs = {p: d.school_a.pk for p in route.params}
        url = reverse(route.name, kwargs=kwargs)
        for method in methods:
            response = getattr(client, method)(url, body, content_type="application/json")
            tried += 1
            text = response.content.decode()
            # 403/404 come before the body is read (a route the admin may not write, a row that
            # is not there); any answer that read the body must be the depth refusal.
            if response.status_code >= 500 or (response.status_code == 400 and DEPTH_MESSAGE not in text):
                failures.append(f"{method.upper()} {url} -> {response.status_code} {text[:100]}")
    record("fuzz_json_depth", routes=tried)
    assert not failures, "\n".join(failures)
    assert tried >= 10
