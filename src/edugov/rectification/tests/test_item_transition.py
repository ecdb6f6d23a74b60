"""One transition dispatcher (`services.item_transition`) behind the item page and the API: both
surfaces answer an unknown action, a missing deadline and a success the same way."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from edugov.accounts.models import Role
from edugov.common.errors import DomainError
from edugov.rectification import api, services
from edugov.rectification.errors import RectificationError as E
from edugov.rectification.models import ItemEvent, ItemStatus, RectificationItem
from edugov.testing import login

pytestmark = pytest.mark.django_db

OFFICER = Role.DEPARTMENT_OFFICER
UNKNOWN = "没有“explode”这一办理操作"
NO_DEADLINE = "整改期限：请选择日期"


def _api_transition_url(pk: int) -> str:
    """The API's transition route wherever the API is mounted (found by its view set, not a path)."""

    def walk(patterns: list[Any], namespace: str) -> str | None:
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
                found = walk(p.url_patterns, ns)
                if found:
                    return found
            elif isinstance(p, URLPattern) and p.name:
                cls = getattr(p.callback, "cls", None)
                acts = getattr(p.callback, "actions", {}) or {}
                if cls is api.ItemViewSet and acts.get("post") == "transition":
                    return namespace + p.name
        return None

    name = walk(get_resolver().url_patterns, "")
    assert name is not None, "the item transition API route is not mounted"
    return reverse(name, kwargs={"pk": pk})


def _state(item: RectificationItem) -> tuple[str, int]:
    item.refresh_from_db()
    return item.status, ItemEvent.objects.filter(item=item).count()


def _page(client: Any, district: Any, item: RectificationItem, action: str, data: dict[str, str]) -> str:
    login(client, district.users[OFFICER])
    r = client.post(
        reverse("rectification:item_action", args=[item.pk, action]), data, HTTP_HX_REQUEST="true"
    )
    assert r.status_code == 200
    return str(r.content.decode())


def _api(client: Any, district: Any, item: RectificationItem, body: dict[str, str]) -> Any:
    token = Token.objects.create(user=district.users[OFFICER])
    return client.post(
        _api_transition_url(item.pk),
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {token.key}",
    )


def test_service_refuses_an_unknown_action_in_chinese(district, make_item):  # type: ignore[no-untyped-def]
    item = make_item()
    before = _state(item)
    with pytest.raises(DomainError) as exc:
        services.item_transition(actor=district.users[OFFICER], item=item, action="explode")
    assert exc.value.code is E.UNKNOWN_ACTION
    assert exc.value.message == UNKNOWN
    assert _state(item) == before


def test_unknown_action_page_and_api_alike(client, district, make_item):  # type: ignore[no-untyped-def]
    item = make_item()
    before = _state(item)
    page = _page(client, district, item, "explode", {})
    assert f'<div class="errors" role="alert">{UNKNOWN}' in page
    r = _api(client, district, item, {"action": "explode"})
    assert r.status_code == 400, r.content
    body = r.json()
    assert body["code"] == "rectification.UNKNOWN_ACTION"  # namespaced by the app
    assert body["detail"] == UNKNOWN
    assert _state(item) == before


def test_assign_without_deadline_page_and_api_alike(client, district, make_item):  # type: ignore[no-untyped-def]
    item = make_item()
    before = _state(item)
    assert f'<div class="errors" role="alert">{NO_DEADLINE}' in _page(client, district, item, "assign", {})
    r = _api(client, district, item, {"action": "assign"})
    assert r.status_code == 400 and r.json()["detail"] == NO_DEADLINE
    assert r.json()["code"] == "rectification.BAD_FIELD"
    assert _state(item) == before


@pytest.mark.parametrize("surface", ["page", "api"])
def test_assign_through_either_surface(client, district, make_item, surface):  # type: ignore[no-untyped-def]
    item = make_item()
    deadline = (timezone.localdate() + dt.timedelta(days=20)).isoformat()
    if surface == "page":
        _page(client, district, item, "assign", {"deadline": deadline, "responsible_name": "王老师"})
    else:
        r = _api(
            client, district, item, {"action": "assign", "deadline": deadline, "responsible_name": "王老师"}
        )
        assert r.status_code == 200, r.content
        assert r.json()["status"] == ItemStatus.ASSIGNED
    item.refresh_from_db()
    assert (item.status, item.deadline.isoformat(), item.responsible_name) == (
        ItemStatus.ASSIGNED,
        deadline,
        "王老师",
    )
    assert list(ItemEvent.objects.filter(item=item).values_list("action", flat=True).order_by("pk")) == [
        "create",
        "assign",
    ]
