"""Token authentication: obtaining a token is a login (audited, counted by django-axes, throttled)."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from edugov.accounts.models import Role
from edugov.audit.models import AuditEvent
from edugov.testing import PASSWORD

pytestmark = pytest.mark.django_db

URL = "/api/v1/auth/token/"


def ask(client, username, password, **extra):
    return client.post(URL, {"username": username, "password": password}, format="json", **extra)


def test_token_then_use_it(d):
    user = d.users[Role.SCHOOL_ADMIN]
    client = APIClient()
    response = ask(client, user.username, PASSWORD)
    assert response.status_code == 200
    body = response.json()
    assert body == {
        "token": Token.objects.get(user=user).key,
        "username": user.username,
        "role": "school_admin",
    }
    login = AuditEvent.objects.get(action="login")
    assert (login.actor, login.source, login.ip_address) == (user, "api", "127.0.0.1")
    assert login.area_path == d.town_a.path  # the school admin's district administrators see it
    user.refresh_from_db()
    assert user.last_login is not None

    client.credentials(HTTP_AUTHORIZATION=f"Token {body['token']}")
    schools = client.get("/api/v1/registry/schools/").json()
    assert schools["count"] == 2
    # Asking again returns the same token.
    assert ask(APIClient(), user.username, PASSWORD).json()["token"] == body["token"]


def test_wrong_password_is_400_and_audited(d):
    user = d.users[Role.TEACHER]
    response = ask(APIClient(), user.username, "wrong-password")
    assert response.status_code == 400
    assert response.json() == {"detail": "用户名或密码错误"}
    event = AuditEvent.objects.get(action="login_failed")
    assert event.actor is None and event.source == "api"
    assert event.object_id == str(user.pk) and event.changes == {"username": user.username}
    assert "wrong-password" not in str(event.changes)
    assert not Token.objects.exists()


def test_unknown_user_failure_is_audited_by_typed_name(d):
    assert ask(APIClient(), "nobody", "x").status_code == 400
    event = AuditEvent.objects.get(action="login_failed")
    assert (event.object_repr, event.object_id) == ("nobody", "")


def test_lockout_after_five_failures_even_with_right_password(d):
    user = d.users[Role.LEADER]
    client = APIClient()
    statuses = [ask(client, user.username, f"bad-{i}").status_code for i in range(5)]
    assert statuses == [400, 400, 400, 400, 429]
    response = ask(client, user.username, PASSWORD)
    assert response.status_code == 429
    assert "锁定" in response.json()["detail"]
    assert not Token.objects.filter(user=user).exists()
    # Another address is not locked out (lockout is per username and address).
    assert ask(APIClient(REMOTE_ADDR="10.0.0.9"), user.username, PASSWORD).status_code == 200
    # Another account from the locked address is not affected either.
    assert ask(client, d.users[Role.TEACHER].username, PASSWORD).status_code == 200


def test_success_resets_the_failure_count(d):
    user = d.users[Role.INSPECTOR]
    client = APIClient()
    for i in range(4):
        assert ask(client, user.username, f"bad-{i}").status_code == 400
    assert ask(client, user.username, PASSWORD).status_code == 200
    for i in range(4):
        assert ask(client, user.username, f"bad-{i}").status_code == 400
    assert ask(client, user.username, PASSWORD).status_code == 200


def test_throttled_per_address(d):
    client = APIClient()
    statuses = [ask(client, f"user{i}", "x").status_code for i in range(21)]
    assert statuses[:20] == [400] * 20
    assert statuses[20] == 429
    assert "限流" in client.post(URL, {}, format="json").json()["detail"]


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"username": "a"},
        {"username": ["a"], "password": {"x": 1}},
        {"username": "a" * 500, "password": "x"},
    ],
)
def test_bad_token_requests_are_400(d, body):
    response = APIClient().post(URL, body, format="json")
    assert response.status_code == 400
    assert not AuditEvent.objects.filter(action="login").exists()


def test_malformed_json_is_400_in_chinese(d):
    response = APIClient().post(URL, b"{username:", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"] == "请求体不是合法的JSON，请检查格式与编码（UTF-8）"


def test_inactive_user_gets_no_token(d):
    user = d.users[Role.TEACHER]
    user.is_active = False
    user.save()
    assert ask(APIClient(), user.username, PASSWORD).status_code == 400


def test_bad_token_is_401_in_chinese(d):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef")
    response = client.get("/api/v1/registry/schools/")
    assert response.status_code == 401
    assert response.json()["detail"] == "认证令牌无效。"


def test_revoke_logs_out(d, api_as):
    client = api_as(Role.TEACHER)
    assert client.post("/api/v1/auth/token/revoke/").status_code == 204
    assert not Token.objects.filter(user=d.users[Role.TEACHER]).exists()
    assert AuditEvent.objects.filter(action="logout", actor=d.users[Role.TEACHER], source="api").exists()
    assert client.get("/api/v1/registry/schools/").status_code == 401
