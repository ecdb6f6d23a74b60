"""The one REST API root, /api/v1/: token authentication, and each declared module's API at
/api/v1/<module>/ (ModuleSpec.api_urls), its routes named "api:<module>:<name>". A module adds
its API by declaring it; nothing here names a module."""

from __future__ import annotations

from importlib import import_module

from django.urls import URLPattern, URLResolver, include, path
from rest_framework.routers import APIRootView

from edugov.modules import api_modules

from . import auth

app_name = "api"


def module_patterns() -> list[URLPattern | URLResolver]:
    patterns: list[URLPattern | URLResolver] = []
    for spec in api_modules():
        assert spec.api_urls is not None
        urlconf = import_module(spec.api_urls)
        code = str(spec.code)
        patterns.append(path(f"{code}/", include((urlconf.urlpatterns, code))))
    return patterns


class ApiRootView(APIRootView):
    """Links to each module's API root."""


urlpatterns = [
    path(
        "",
        ApiRootView.as_view(api_root_dict={str(m.code): f"{m.code}:api-root" for m in api_modules()}),
        name="api-root",
    ),
    path("auth/token/", auth.TokenCreateApi.as_view(), name="token"),
    path("auth/token/revoke/", auth.TokenDeleteApi.as_view(), name="token_revoke"),
    *module_patterns(),
    # the report registry is core, not a declared module: every module's reports under one root
    path("reports/", include(("edugov.reports.api_urls", "reports"))),
]
