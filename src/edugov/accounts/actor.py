"""The acting user of a request, typed: pages behind `login_required` and API classes behind
`IsAuthenticated` always act as a `User`; an anonymous request that got this far is refused."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied

from .models import User

if TYPE_CHECKING:
    from django.http import HttpRequest
    from rest_framework.request import Request


def request_actor(request: HttpRequest | Request) -> User:
    user = request.user
    if not isinstance(user, User):  # AnonymousUser (request.user may be lazy: isinstance sees through)
        raise PermissionDenied("请先登录。")
    return user
