"""ApiViewSet.create_with, the create every registry API shares: body checked, the service called
with the actor, the body and the view's own arguments, its refusal a Chinese 400, its result 201."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework import serializers
from rest_framework.test import APIRequestFactory, force_authenticate

from edugov.accounts.models import User
from edugov.api.base import ApiViewSet
from edugov.common.errors import DomainError
from edugov.rectification.rankings import RankingError

calls: list[dict[str, Any]] = []


class NoteInput(serializers.Serializer):
    title = serializers.CharField(
        max_length=10, error_messages={"max_length": "标题不能超过{max_length}个字"}
    )
    pages = serializers.IntegerField(min_value=1)


class NoteOutput(serializers.Serializer):
    title = serializers.CharField()
    pages = serializers.IntegerField()
    by = serializers.CharField()


def note_save(*, actor: User, title: str, pages: int, folder: str) -> dict[str, Any]:
    calls.append({"actor": actor, "title": title, "pages": pages, "folder": folder})
    if title == "拒绝":
        raise DomainError(RankingError.BAD_PERIOD)
    return {"title": f"{folder}/{title}", "pages": pages * 2, "by": actor.username}


class NoteViewSet(ApiViewSet):
    policy_actions = {"create": "rectification.view"}  # the actor is a superuser: any action

    def create(self, request: Any) -> Any:
        return self.create_with(note_save, NoteInput, NoteOutput, folder="甲")


@pytest.fixture
def post():
    calls.clear()
    user = User(username="县管理员", is_superuser=True, is_active=True)
    view = NoteViewSet.as_view({"post": "create"})

    def send(body: Any) -> Any:
        request = APIRequestFactory().post("/notes/", body, format="json")
        force_authenticate(request, user=user)
        return view(request)

    send.user = user  # type: ignore[attr-defined]
    return send


def test_a_good_body_reaches_the_service_with_the_actor_and_answers_201(post):
    response = post({"title": "通知", "pages": 3})
    assert response.status_code == 201
    # What the service returned, through the output serializer (pages doubled by the service).
    assert response.data == {"title": "甲/通知", "pages": 6, "by": "县管理员"}
    assert calls == [{"actor": post.user, "title": "通知", "pages": 3, "folder": "甲"}]


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"title": "一二三四五六七八九十十", "pages": 1}, "title", "标题不能超过10个字"),
        ({"title": "通知", "pages": 0}, "pages", "大于或者等于 1"),
        (["title"], "non_field_errors", "请求体应为JSON对象"),
    ],
)
def test_a_bad_body_is_a_chinese_400_and_the_service_never_runs(post, body, field, message):
    response = post(body)
    assert response.status_code == 400
    assert message in str(response.data[field][0])
    assert calls == []


def test_the_services_refusal_is_a_400_with_its_namespaced_code(post):
    response = post({"title": "拒绝", "pages": 1})
    assert response.status_code == 400
    assert response.data["code"] == "rectification.BAD_PERIOD"
    assert response.data["detail"] == "统计截止日期不能早于开始日期"
    assert len(calls) == 1
