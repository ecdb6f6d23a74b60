"""The write walk: every write route of the API, by every identity, generated from the URLconf and
the permission policies (no hand-kept list).

1. Every write action a view set routes is declared in its `policy_actions` and names a rule of a
   registered policy (api.base.CanWrite refuses the undeclared ones; this names them).
2. The role x action matrix on the API: each role is refused (403) exactly where its module's
   policy refuses it, before the body is read.
3. Out-of-scope targets: every detail write route asked by every town-A / school-A identity for
   town B's row, with an empty and with a plausible body, is never accepted (no 2xx).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.test import APIClient

from edugov.accounts.policy import role_may, rule_for
from edugov.api.base import ApiViewSet, view_alternatives
from tests.test_scope_walk import ROUTES, probing_users, world

pytestmark = pytest.mark.django_db

WRITE_METHODS = ("post", "put", "patch", "delete")


@dataclass(frozen=True)
class WriteRoute:
    name: str
    view: type[ApiViewSet]
    method: str
    action: str
    params: tuple[str, ...]


def _walk(patterns: list[Any], namespaces: tuple[str, ...] = ()) -> Iterator[WriteRoute]:
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, (*namespaces, p.namespace) if p.namespace else namespaces)
            continue
        if not isinstance(p, URLPattern) or not p.name:
            continue
        cls = getattr(p.callback, "cls", None)
        actions = getattr(p.callback, "actions", None) or {}
        if cls is None or not issubclass(cls, ApiViewSet):
            continue
        for method, action in actions.items():
            if method in WRITE_METHODS:
                name = ":".join((*namespaces, p.name))
                yield WriteRoute(name, cls, method, action, tuple(p.pattern.regex.groupindex))


def write_routes() -> list[WriteRoute]:
    return sorted(set(_walk(get_resolver().url_patterns)), key=lambda r: (r.name, r.method))


def test_the_walk_finds_the_write_routes():
    names = {r.name for r in write_routes()}
    # One of each module that writes through the API, so a broken walk cannot pass empty.
    assert {"api:registry:school-list", "api:registry:school-detail", "api:registry:class-detail"} <= names
    assert len(write_routes()) >= 10


@pytest.mark.parametrize("route", write_routes(), ids=lambda r: f"{r.name}:{r.method}")
def test_every_write_action_is_declared_in_a_policy(route):
    declared = route.view.policy_actions.get(route.action)
    assert declared, f"{route.view.__name__}.{route.action} writes without a policy action"
    rule_for(declared)  # raises when the policy has no such rule


@pytest.fixture(scope="module")
def walked(django_db_setup, django_db_blocker):
    """The world and the probing identities, built once for the module (rolled back at the end)."""
    with django_db_blocker.unblock():
        from django.db import transaction

        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            w = world()
            yield w, probing_users(w)
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _client(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _url(route: WriteRoute, w: Any, user: Any, *, foreign: bool) -> str:
    probe = ROUTES.get(route.name)
    kwargs: dict[str, Any] = {}
    if route.params:
        kwargs = (
            probe.kwargs(w, user) if (foreign and probe and probe.kwargs) else dict.fromkeys(route.params, 0)
        )
    return reverse(route.name, kwargs=kwargs)


def test_role_by_action_matrix_on_the_api(walked):
    w, users = walked
    mismatches = []
    checked = 0
    for route in write_routes():
        action = route.view.policy_actions.get(route.action)
        if action is None:
            continue
        for label, user in users.items():
            response = getattr(_client(user), route.method)(
                _url(route, w, user, foreign=False), {}, format="json"
            )
            allowed = role_may(user, action) or any(
                role_may(user, alt) for alt in view_alternatives(route.view, route.action)
            )
            refused = response.status_code == 403
            checked += 1
            if allowed == refused or response.status_code >= 500:
                mismatches.append(f"{route.name} {route.method} {action} as {label}: {response.status_code}")
    assert checked > 0
    assert not mismatches, "\n".join(mismatches)


def test_no_identity_writes_another_towns_rows(walked):
    w, users = walked
    accepted = []
    tried = 0
    for route in write_routes():
        if not route.params or route.name not in ROUTES:
            continue
        for label, user in users.items():
            url = _url(route, w, user, foreign=True)
            for body in ({}, {"name": "改名", "address": "x", "boys": 1, "note": "x", "status": "closed"}):
                response = getattr(_client(user), route.method)(url, body, format="json")
                tried += 1
                if 200 <= response.status_code < 300 or response.status_code >= 500:
                    accepted.append(f"{route.name} {route.method} as {label}: {response.status_code}")
    assert tried > 0
    assert not accepted, "\n".join(accepted)
