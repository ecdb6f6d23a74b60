"""The web shell: dashboard figures and charts per role, navigation, error pages, login and
password pages, and the domain-error middleware."""

from __future__ import annotations

import json
import re

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import resolve, reverse

from edugov.accounts.models import Role
from edugov.common.errors import DomainError, PermissionDenied
from edugov.registry.dashboard import dashboard
from edugov.registry.errors import RegistryError
from edugov.testing import PASSWORD, make_class, make_mini_district
from edugov.web.exports import neutralise
from edugov.web.middleware import DomainErrorMiddleware

pytestmark = pytest.mark.django_db


@pytest.fixture
def d():
    return make_mini_district()


def figures(board):
    return {f.label: f.value for f in board.figures}


def charts_of(response):
    match = re.search(
        r'<script id="chart-data" type="application/json">(.*?)</script>', response.content.decode()
    )
    assert match, "chart payloads missing"
    return json.loads(match.group(1))


def test_district_dashboard_figures(d):
    make_class(school=d.school_b, year=d.year, grade=4, boys=30, girls=28)  # 58: oversized
    make_class(school=d.school_b, year=d.year, grade=5, boys=36, girls=30)  # 66: very oversized
    board = dashboard(actor=d.users[Role.DISTRICT_ADMIN])
    assert figures(board) == {
        "学校": "2",
        "教学点": "1",
        "在校生": "244",  # 3 x 40 + 58 + 66
        "班级": "5",
        "专任教师": "1",
        "生师比": "244.0:1",
        "大班额": "1",
        "超大班额": "1",
    }
    charts = board.chart_payloads
    assert charts["pupils_by_town"]["categories"] == ["甲街道", "乙镇"]
    assert charts["pupils_by_town"]["series"][0]["data"] == [80, 164]
    assert charts["class_sizes"]["series"][0]["data"] == [0, 0, 3, 0, 1, 1]  # 40 is in 36-45
    assert charts["school_types"]["series"][0]["data"] == [{"name": "小学", "value": 2}]
    assert charts["enrolment_trend"]["categories"] == ["2025学年"]


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("town_officer", {"学校": "1", "教学点": "1", "在校生": "80", "班级": "2"}),
        (Role.SCHOOL_ADMIN, {"学校": "1", "教学点": "1", "在校生": "80", "班级": "2"}),
        (Role.TEACHER, {"任教班级": "1", "学生": "40"}),
        (Role.INSTITUTION_OPERATOR, {"学校": "0", "在校生": "0"}),
    ],
)
def test_dashboard_is_scoped(d, role, expected):
    got = figures(dashboard(actor=d.users[role]))
    assert {k: got[k] for k in expected} == expected


# The school's and the teacher's home is their landing page (web/tests/test_landing.py).
@pytest.mark.parametrize("role", [Role.DISTRICT_ADMIN, Role.LEADER, "town_officer"])
def test_home_page_renders_charts_with_bounded_queries(client, d, role, django_assert_max_num_queries):
    client.force_login(d.users[role])
    with django_assert_max_num_queries(14):
        response = client.get(reverse("web:home"))
    assert response.status_code == 200
    payloads = charts_of(response)
    assert set(payloads) == {"pupils_by_town", "school_types", "enrolment_trend", "class_sizes"}


def test_home_query_count_does_not_grow(client, d, django_assert_max_num_queries):
    for n in range(2, 30):
        make_class(school=d.school_b, year=d.year, number=n)
    client.force_login(d.users[Role.DISTRICT_ADMIN])
    with django_assert_max_num_queries(14):
        assert client.get(reverse("web:home")).status_code == 200


def test_navigation_by_role(client, d):
    client.force_login(d.users[Role.DISTRICT_ADMIN])
    body = client.get(reverse("web:home")).content.decode()
    assert "审计日志" in body and reverse("registry:school_list") in body and "测试区教育局" in body
    client.force_login(d.users[Role.DEPARTMENT_OFFICER])
    body = client.get(reverse("web:home")).content.decode()
    assert "审计日志" not in body and reverse("registry:school_list") in body
    client.force_login(d.users[Role.INSTITUTION_OPERATOR])
    body = client.get(reverse("web:home")).content.decode()
    assert reverse("registry:school_list") not in body


def test_school_user_sees_district_name(client, d):
    client.force_login(d.users[Role.SCHOOL_ADMIN])
    body = client.get(reverse("web:home")).content.decode()
    assert "测试区教育局" in body and "甲街道第一小学 · 工作台" in body  # its landing page


def test_login_page_and_login(client, d):
    response = client.get(reverse("login"))
    body = response.content.decode()
    assert response.status_code == 200 and "用户名" in body and "锁定30分钟" in body
    user = d.users[Role.LEADER]
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("web:home")


def test_wrong_password_message_is_chinese(client, d):
    user = d.users[Role.LEADER]
    response = client.post(reverse("login"), {"username": user.username, "password": "wrong"})
    assert response.status_code == 200 and "请输入一个正确的" in response.content.decode()


def test_lockout_page_after_repeated_failures(client, d, settings):
    user = d.users[Role.LEADER]
    response = None
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(reverse("login"), {"username": user.username, "password": "wrong"})
    assert response is not None and response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()


def test_password_change_shows_rules_and_rejects_weak_password(client, d):
    user = d.users[Role.TEACHER]
    client.force_login(user)
    body = client.get(reverse("password_change")).content.decode()
    assert "至少包含小写字母、大写字母、数字、符号中的三类" in body
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "aaaaaaaaaaaa", "new_password2": "aaaaaaaaaaaa"},
    )
    assert response.status_code == 200 and "三类" in response.content.decode()
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "Xq7!mzTr-2026", "new_password2": "Xq7!mzTr-2026"},
    )
    assert response.status_code == 302 and response["Location"] == reverse("password_change_done")
    user.refresh_from_db()
    assert user.check_password("Xq7!mzTr-2026")


def test_not_found_page_is_chinese(client, d):
    client.force_login(d.users[Role.DISTRICT_ADMIN])
    response = client.get("/no/such/page/")
    assert response.status_code == 404 and "页面不存在" in response.content.decode()


def test_middleware_maps_domain_errors():
    request = RequestFactory().get("/registry/schools/")

    def view(_request):  # pragma: no cover - never called
        return HttpResponse()

    middleware = DomainErrorMiddleware(view)
    response = middleware.process_exception(request, PermissionDenied(RegistryError.ALREADY_ARCHIVED))
    assert (
        response is not None and response.status_code == 403 and "该记录已归档" in response.content.decode()
    )
    response = middleware.process_exception(request, DomainError(RegistryError.ALREADY_ARCHIVED))
    assert (
        response is not None and response.status_code == 400 and "该记录已归档" in response.content.decode()
    )
    assert middleware.process_exception(request, ValueError("x")) is None
    # A REST view answers its own errors; what decides is the handler, not the path.
    api_request = RequestFactory().get("/api/v1/registry/schools/")
    api_request.resolver_match = resolve("/api/v1/registry/schools/")
    assert middleware.process_exception(api_request, DomainError(RegistryError.ALREADY_ARCHIVED)) is None
    response = middleware.process_exception(
        RequestFactory().get("/api/v1/x"), DomainError(RegistryError.ALREADY_ARCHIVED)
    )
    assert response is not None and response.status_code == 400


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=SUM(A1:A2)", "'=SUM(A1:A2)"),
        ("+86", "'+86"),
        ("-1+2", "'-1+2"),
        ("@cmd", "'@cmd"),
        ("\t=1", "'\t=1"),
        ("普通文字", "普通文字"),
        (-5, -5),
        (None, ""),
        (True, "是"),
    ],
)
def test_neutralise(value, expected):
    assert neutralise(value) == expected
