"""Binds the request's user, client address and channel (web, API, admin) to the audit context."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .context import acting


def client_ip(request: HttpRequest) -> str | None:
    # Behind the production proxy the real client is the first X-Forwarded-For hop.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    ip = forwarded.split(",")[0].strip() if forwarded else request.META.get("REMOTE_ADDR")
    return ip or None


class AuditContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path
        source = "api" if path.startswith("/api/") else "admin" if path.startswith("/admin/") else "web"
        # The user object is lazy: token-authenticated API users are resolved later by DRF,
        # so the context carries the request and the service reads request.user at write time.
        with acting(actor=_LazyUser(request), ip_address=client_ip(request), source=source):
            return self.get_response(request)


class _LazyUser:
    """Resolves to request.user when the audit record is written (after DRF authentication)."""

    def __init__(self, request: HttpRequest) -> None:
        self._request = request

    def resolve(self):  # type: ignore[no-untyped-def]
        # DRF's Request.user setter also sets the wrapped HttpRequest's user.
        user = getattr(self._request, "user", None)
        return user if user is not None and user.is_authenticated else None
