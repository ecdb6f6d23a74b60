"""The one API root: every module's API under /api/v1/<module>/, one OpenAPI document with
Chinese tags, error codes namespaced by their app, and the audit channel taken from the handler."""

from __future__ import annotations

import datetime as dt
import re
from importlib import import_module
from typing import Any

import pytest
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from rest_framework.views import APIView

from edugov.accounts.models import Role
from edugov.accounts.scope import ScopeError
from edugov.api.schema import path_tag
from edugov.audit.models import AuditEvent
from edugov.common.errors import DomainError, ErrorCode, api_exception_handler
from edugov.modules import api_modules, module_label
from edugov.tutoring.services import TutoringError

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u4e00-\u9fff]")
MODULES = {
    "registry", "burden", "tutoring", "rectification", "supervision", "quality", "planning", "workforce",
    "safety", "groups", "party", "appraisal",
}  # fmt: skip
CORE = {"auth", "reports"}  # roots of the API itself and of the core report registry, not of a module


def drf_routes(patterns: list[Any], prefix: str = "", names: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """(pattern, "namespace:name") of every route a DRF view answers."""
    found: list[tuple[str, str]] = []
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = (*names, p.namespace) if p.namespace else names
            found += drf_routes(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            cls = getattr(p.callback, "cls", None)
            if isinstance(cls, type) and issubclass(cls, APIView):
                found.append((prefix + str(p.pattern), ":".join((*names, p.name or ""))))
    return found


def test_every_module_declares_its_api():
    assert {str(m.code) for m in api_modules()} == MODULES


def test_every_api_route_is_under_the_one_root():
    routes = drf_routes(get_resolver().url_patterns)
    assert len(routes) >= 40
    outside = [r for r in routes if not r[0].startswith(("api/v1/", "api/schema/", "api/docs/"))]
    assert not outside, outside
    for pattern, name in routes:
        if pattern.startswith("api/v1/auth/") or pattern == "api/v1/":
            continue
        if pattern.startswith("api/v1/"):
            code = pattern.split("/")[2]
            assert code in MODULES | CORE, pattern
            assert name.startswith(f"api:{code}:"), (pattern, name)


@pytest.mark.parametrize(
    "old",
    [
        "/api/v1/schools/",
        "/burden/api/v1/homework/",
        "/tutoring/api/institutions/",
        "/rectification/api/items/",
        "/rectification/api/supervision-plans/",
    ],
)
def test_the_old_roots_are_gone(d, client, old):
    client.force_login(d.users[Role.DISTRICT_ADMIN])
    assert client.get(old).status_code == 404


def test_the_root_links_every_module(d, client):
    client.force_login(d.users[Role.DISTRICT_ADMIN])
    links = client.get("/api/v1/").json()
    assert set(links) == MODULES
    for code, url in links.items():
        assert url.endswith(f"/api/v1/{code}/")
        resources = client.get(url).json()
        assert resources and all(f"/api/v1/{code}/" in link for link in resources.values()), code


def test_one_schema_covers_every_module_with_chinese_tags():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    prefixes = {path.split("/")[3] for path in schema["paths"]}
    assert prefixes == MODULES | CORE
    untagged_chinese = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            tags = operation.get("tags", [])
            if not tags or not all(CJK.search(t) for t in tags):
                untagged_chinese.append(f"{method.upper()} {path}: {tags}")
    assert not untagged_chinese, untagged_chinese


def test_an_untagged_operation_takes_its_modules_label():
    assert path_tag("/api/v1/rectification/tasks/rollup/") == module_label("rectification") == "问题整改"
    assert path_tag("/api/v1/registry/schools/") == "基础信息"
    assert path_tag("/api/v1/auth/token/") == "认证"


# --- error codes --------------------------------------------------------------------------------


def all_error_enums() -> list[type[ErrorCode]]:
    for config in apps.get_app_configs():  # the enums live in these apps' modules
        for part in ("errors", "services", "views", "scope", "rankings", "geo", "selectors"):
            try:
                import_module(f"{config.name}.{part}")
            except ModuleNotFoundError:
                continue
    found, todo = [], list(ErrorCode.__subclasses__())
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo += cls.__subclasses__()
    return found


def test_every_error_code_is_named_after_its_app():
    enums = all_error_enums()
    assert len(enums) >= 10
    for enum in enums:
        app = enum.__module__.split(".")[1]  # edugov.<app>.<module>
        for member in enum:
            assert member.qualified_name == f"{app}.{member.name}", (enum, member)


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (TutoringError.REASON_REQUIRED, "tutoring.REASON_REQUIRED"),
        (ScopeError.OUT_OF_SCOPE, "accounts.OUT_OF_SCOPE"),
        (ScopeError.READ_ONLY, "accounts.READ_ONLY"),
    ],
)
def test_the_handler_answers_the_namespaced_code(code, expected):
    response = api_exception_handler(DomainError(code), {})
    assert response is not None and response.status_code == 400
    assert response.data == {"code": expected, "detail": code.message, "params": {}}


def test_a_refusal_through_the_api_names_the_accounts_code(d, client):
    """A leader is read-only: the policy's refusal reaches the client as accounts.READ_ONLY."""
    client.force_login(d.users[Role.LEADER])
    response = client.patch(
        f"/api/v1/registry/classes/{d.class_a1.pk}/", {"boys": 1}, content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "accounts.READ_ONLY"


# --- the audit channel --------------------------------------------------------------------------


def test_a_rectification_api_write_is_an_api_write(d, client):
    """The issue's finding: writes through the rectification API were recorded as web writes."""
    client.force_login(d.users[Role.DEPARTMENT_OFFICER])
    body = {
        "source": "complaint",
        "unit_kind": "school",
        "unit_id": d.school_a.pk,
        "title": "家长投诉收费",
        "required_action": "核查并退费",
        "department": "basic_education",
        "deadline": (timezone.localdate() + dt.timedelta(days=10)).isoformat(),
    }
    response = client.post("/api/v1/rectification/items/", body, content_type="application/json")
    assert response.status_code == 201, response.content
    events = AuditEvent.objects.filter(model="rectification.RectificationItem")
    assert events.exists()
    assert set(events.values_list("source", flat=True)) == {"api"}


@pytest.mark.urls("edugov.api.tests.elsewhere_urls")
def test_the_channel_is_the_handlers_not_the_urls(d, client):
    client.force_login(d.users[Role.DISTRICT_ADMIN])
    response = client.patch(
        f"/elsewhere/classes/{d.class_a1.pk}/", {"boys": 30}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    event = AuditEvent.objects.get(model="registry.SchoolClass", action="update")
    assert event.source == "api"
    # A page under /api/ is still a page.
    assert client.post("/api/v1/page/").content == b"web"
