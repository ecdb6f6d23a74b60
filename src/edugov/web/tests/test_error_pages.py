"""With DEBUG off (as the demo and production serve), errors are Chinese pages from the site's
templates: no English debug page, URL list, traceback or local variable reaches the visitor."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from edugov.accounts.models import Role
from edugov.testing import login, make_mini_district

pytestmark = pytest.mark.django_db

DEBUG_MARKERS = (
    "Traceback",
    "Page not found",
    "URLconf",
    "Using the URLconf",
    "DEBUG = True",
    "Request Method",
)


def _no_debug(body: str) -> None:
    for marker in DEBUG_MARKERS:
        assert marker not in body, marker


@pytest.fixture(autouse=True)
def _debug_off(settings):
    settings.DEBUG = False


def test_a_missing_page_is_the_chinese_404_in_the_site_shell(client):
    response = client.get("/no-such-page/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in body and "区域教育治理平台" in body and "edugov.css" in body
    _no_debug(body)


def test_a_missing_page_for_a_signed_in_user_keeps_the_navigation(client):
    district = make_mini_district()
    login(client, district.users[Role.DISTRICT_ADMIN])
    body = client.get("/registry/no-such-page/").content.decode()
    assert "页面不存在" in body and "sidebar" in body
    _no_debug(body)


def test_a_failing_view_is_the_chinese_500_without_traceback_or_locals(settings):
    settings.ROOT_URLCONF = "edugov.web.tests.error_urls"
    client = Client(raise_request_exception=False)
    response = client.get("/broken/")
    body = response.content.decode()
    assert response.status_code == 500
    assert "系统繁忙" in body and "edugov.css" in body
    assert "boom in a view" not in body and "do-not-show-this-local" not in body
    _no_debug(body)


def test_a_refused_csrf_check_is_a_chinese_403():
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "x", "password": "y"})
    body = response.content.decode()
    assert response.status_code == 403 and "页面已过期" in body
    _no_debug(body)


def test_a_bad_host_is_the_chinese_400(client):
    response = client.get("/", HTTP_HOST="evil.example.com")
    assert response.status_code == 400 and "请求有误" in response.content.decode()


def test_static_files_are_served_by_the_app_with_debug_off(client):
    # WhiteNoise, from the finders: the site's own assets and the npm front-end packages.
    for path in ("/static/web/edugov.css", "/static/vendor/htmx/htmx.min.js"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert b"".join(response.streaming_content) if response.streaming else response.content
