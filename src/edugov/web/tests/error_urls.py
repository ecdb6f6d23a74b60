"""The project's URLs plus a page that fails, for the server error page test."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path

from edugov.urls import urlpatterns as project_urlpatterns


def broken(request: HttpRequest) -> HttpResponse:
    secret_local = "do-not-show-this-local"  # noqa: F841 (a debug page would print it)
    raise RuntimeError("boom in a view")


urlpatterns = [path("broken/", broken), *project_urlpatterns]
