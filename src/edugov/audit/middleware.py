"""Binds the request's user, client address and channel (web, API, admin) to the audit context.
The channel is the handler's kind, not the URL's shape: any DRF view is "api", wherever it is
mounted; the admin site's views are "admin"; every other view is "web"."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from rest_framework.views import APIView

from edugov.common.clients import client_address

from .context import acting, set_source


class AuditContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # The user object is lazy: token-authenticated API users are resolved later by DRF,
        # so the context carries the request and the service reads request.user at write time.
        # "web" until the URL resolves to its handler (process_view); nothing writes before.
        with acting(actor=_LazyUser(request), ip_address=client_address(request), source="web"):
            return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> None:
        set_source(handler_channel(request, view_func))


def handler_channel(request: HttpRequest, view_func: Callable[..., Any]) -> str:
    """The audit channel of the view that will answer: DRF's `as_view()` marks its views with
    their class (`cls`), the admin site's URLs live in the "admin" namespace."""
    view_class = getattr(view_func, "cls", None)
    if isinstance(view_class, type) and issubclass(view_class, APIView):
        return "api"
    match = request.resolver_match
    if match is not None and "admin" in match.namespaces:
        return "admin"
    return "web"


class _LazyUser:
    """Resolves to request.user when the audit record is written (after DRF authentication)."""

    def __init__(self, request: HttpRequest) -> None:
        self._request = request

    def resolve(self):  # type: ignore[no-untyped-def]
        # DRF's Request.user setter also sets the wrapped HttpRequest's user.
        user = getattr(self._request, "user", None)
        return user if user is not None and user.is_authenticated else None
