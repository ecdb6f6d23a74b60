"""Turns a broken rule raised in a page view into a friendly Chinese page with the right status
(403 for permissions, 400 for other domain errors) instead of a server error."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from edugov.audit.middleware import handler_channel
from edugov.common.errors import DomainError, PermissionDenied


def render_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    status = 403 if isinstance(exc, PermissionDenied) else exc.http_status
    template = "403.html" if status == 403 else "400.html"
    response = TemplateResponse(request, template, {"message": exc.message}, status=status)
    return response.render()


class DomainErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        match = request.resolver_match
        if match is not None and handler_channel(request, match.func) == "api":
            # A REST view, wherever mounted, answers its own errors (api_exception_handler).
            return None
        if isinstance(exception, DomainError):
            return render_domain_error(request, exception)
        return None
