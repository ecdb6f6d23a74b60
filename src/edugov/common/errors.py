"""Domain errors: each app lists its codes in an Enum with a Chinese message; one handler maps
them for the API, namespaced by the app that declares them ("tutoring.READ_ONLY"); pages catch
`DomainError` and show `message`."""

from __future__ import annotations

import datetime as dt
from enum import Enum
from functools import cache
from typing import Any

from django.apps import apps
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from .dates import cn_datetime


class ErrorCode(Enum):
    """Base for per-app error enums: member value is the Chinese message template."""

    @property
    def message(self) -> str:
        return str(self.value)

    @property
    def qualified_name(self) -> str:
        """The code as the API answers it: "<app label>.<NAME>", the app being the one whose
        package declares the enum (accounts.scope's ScopeError gives "accounts.OUT_OF_SCOPE"), so
        two apps may each have a READ_ONLY and a client can tell them apart."""
        return f"{error_namespace(type(self))}.{self.name}"


@cache
def error_namespace(enum_class: type[ErrorCode]) -> str:
    config = apps.get_containing_app_config(enum_class.__module__)
    if config is None:  # every code belongs to an app: never answer one without its namespace
        raise LookupError(f"{enum_class.__module__}.{enum_class.__name__} belongs to no installed app")
    return config.label


class DomainError(Exception):
    """A rule was broken; `message` is for the user (Chinese), `code` for machines."""

    http_status = status.HTTP_400_BAD_REQUEST

    def __init__(self, code: ErrorCode, /, **params: Any) -> None:
        self.code = code
        self.params = params  # the API answers them as they are (dates in ISO)
        self.message = code.message.format(**_shown(params)) if params else code.message
        super().__init__(self.message)


def _shown(params: dict[str, Any]) -> dict[str, Any]:
    """Parameters as the message prints them: dates the Chinese way (2026年12月5日)."""
    return {k: cn_datetime(v) if isinstance(v, dt.date) else v for k, v in params.items()}


class PermissionDenied(DomainError):
    http_status = status.HTTP_403_FORBIDDEN


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DomainError):
        return Response(
            {"code": exc.code.qualified_name, "detail": exc.message, "params": exc.params},
            status=exc.http_status,
        )
    return exception_handler(exc, context)
