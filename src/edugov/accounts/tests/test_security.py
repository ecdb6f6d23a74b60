"""Login security through the real pages: lockout after repeated failures, password rules,
session expiry, and the audit trail of logins, logouts and failures."""

from __future__ import annotations

import datetime as dt
import time
from unittest import mock

import pytest
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone, translation

from edugov.accounts.models import Role
from edugov.audit.models import AuditEvent
from edugov.testing import PASSWORD, make_mini_district

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


@pytest.fixture
def d():
    return make_mini_district()


def post_login(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password})


def test_login_page_login_and_logout_are_audited(d):
    user = d.users[Role.SCHOOL_ADMIN]
    client = Client(REMOTE_ADDR="192.0.2.7")
    response = post_login(client, user.username, PASSWORD)
    assert response.status_code == 302
    login = AuditEvent.objects.get(action="login")
    assert (login.actor, login.actor_name, login.source, login.ip_address) == (
        user,
        user.username,
        "web",
        "192.0.2.7",
    )
    assert login.area_path == d.town_a.path
    assert client.post("/accounts/logout/").status_code == 302
    logout = AuditEvent.objects.get(action="logout")
    assert (logout.actor, logout.source) == (user, "web")


def test_failed_login_is_audited_without_the_password(d):
    user = d.users[Role.TEACHER]
    response = post_login(Client(), user.username, "Wrong-Secret-1")
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()
    event = AuditEvent.objects.get(action="login_failed")
    assert event.actor is None and event.source == "web"
    assert event.object_id == str(user.pk) and event.changes == {"username": user.username}
    assert "Wrong-Secret-1" not in str(AuditEvent.objects.values_list("changes", "object_repr"))


def test_lockout_after_five_failures_on_the_login_page(d):
    user = d.users[Role.DISTRICT_ADMIN]
    client = Client()
    statuses = [post_login(client, user.username, f"bad-{i}").status_code for i in range(5)]
    assert statuses == [200, 200, 200, 200, 429]
    locked = post_login(client, user.username, PASSWORD)
    assert locked.status_code == 429
    assert "登录失败次数过多" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="login_failed").count() == 6
    assert not AuditEvent.objects.filter(action="login").exists()
    # The same account from another address, and another account from this one, still log in.
    assert post_login(Client(REMOTE_ADDR="10.1.1.1"), user.username, PASSWORD).status_code == 302
    assert post_login(Client(), d.users[Role.LEADER].username, PASSWORD).status_code == 302


def test_lockout_is_shared_between_login_page_and_token_endpoint(d):
    from rest_framework.test import APIClient

    user = d.users[Role.INSPECTOR]
    for i in range(5):
        post_login(Client(), user.username, f"bad-{i}")
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": user.username, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 429


def test_lockout_expires_after_thirty_minutes(d, settings):
    from axes.models import AccessAttempt

    user = d.users[Role.LEADER]
    for i in range(5):
        post_login(Client(), user.username, f"bad-{i}")
    assert post_login(Client(), user.username, PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=31))
    assert post_login(Client(), user.username, PASSWORD).status_code == 302


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Ab1!", "密码太短，至少需要10个字符。"),
        ("12345678901234", "密码只包含数字。"),
        ("Password123", "这个密码太常见了。"),
        ("alllowercaseletters", "密码须至少包含小写字母、大写字母、数字、符号中的三类。"),
        ("ALLUPPER12345", "密码须至少包含小写字母、大写字母、数字、符号中的三类。"),
    ],
)
def test_password_rules(d, password, message):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        validate_password(password, d.users[Role.TEACHER])
    assert message in exc.value.messages


def test_password_similar_to_username_refused(d):
    user = d.users[Role.TEACHER]
    user.username = "wangfang2026"
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        validate_password("Wangfang2026!", user)
    assert any("相似" in m for m in exc.value.messages)


@pytest.mark.parametrize("password", ["Edugov@2026", "Edugov-Test-2026!", "长城-Great-Wall-9"])
def test_good_passwords_pass(d, password):
    validate_password(password, d.users[Role.TEACHER])


def test_session_expires_after_two_hours_idle_and_renews_on_use(d, settings):
    assert settings.SESSION_COOKIE_AGE == 2 * 3600
    client = Client()
    assert post_login(client, d.users[Role.LEADER].username, PASSWORD).status_code == 302
    session = Session.objects.get()
    assert (session.expire_date - timezone.now()).total_seconds() == pytest.approx(7200, abs=120)

    # Activity renews the session, at most once a minute (accounts.middleware).
    Session.objects.update(expire_date=timezone.now() + dt.timedelta(minutes=5))
    later = time.time() + settings.SESSION_RENEW_SECONDS
    with mock.patch("edugov.accounts.middleware.time.time", return_value=later):
        assert client.get("/").status_code == 200
    assert (Session.objects.get().expire_date - timezone.now()).total_seconds() > 7000

    # Two idle hours later the session is gone and the home page asks for a login again.
    Session.objects.update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert client.get("/api/v1/registry/schools/").status_code in (401, 403)


def test_session_cookie_is_http_only_and_ends_with_browser(d, settings):
    client = Client()
    post_login(client, d.users[Role.LEADER].username, PASSWORD)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["max-age"] == ""  # a browser-session cookie: closing the browser ends it


def test_admin_login_is_audited_with_admin_source(d):
    user = d.users[Role.DISTRICT_ADMIN]
    user.is_staff = True
    user.save()
    response = Client().post("/admin/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    assert AuditEvent.objects.get(action="login").source == "admin"


def test_session_is_renewed_once_a_minute_not_written_on_every_request(d, settings):
    client = Client()
    assert post_login(client, d.users[Role.LEADER].username, PASSWORD).status_code == 302
    client.get("/api/v1/registry/schools/")  # warm: the first request after login may renew
    before = Session.objects.get().expire_date
    for _ in range(3):
        assert client.get("/api/v1/registry/schools/").status_code == 200
    assert Session.objects.get().expire_date == before  # within the minute: no session write

    later = time.time() + settings.SESSION_RENEW_SECONDS
    with mock.patch("edugov.accounts.middleware.time.time", return_value=later):
        assert client.get("/api/v1/registry/schools/").status_code == 200
    assert Session.objects.get().expire_date > before  # a minute on: renewed

    # Logging out empties the session; the renewal does not bring it back.
    client.post("/accounts/logout/")
    assert not Session.objects.exists()
