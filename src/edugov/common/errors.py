"""Domain errors: each app lists its codes in an Enum with a Chinese message; one handler maps
them for the API (pages catch `DomainError` and show `message`)."""

from __future__ import annotations

from enum import Enum
from typing import Any

from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler


class ErrorCode(Enum):
    """Base for per-app error enums: member value is the Chinese message template."""

    @property
    def message(self) -> str:
        return str(self.value)


class DomainError(Exception):
    """A rule was broken; `message` is for the user (Chinese), `code` for machines."""

    http_status = status.HTTP_400_BAD_REQUEST

    def __init__(self, code: ErrorCode, /, **params: Any) -> None:
        self.code = code
        self.params = params
        self.message = code.message.format(**params) if params else code.message
        super().__init__(self.message)


class PermissionDenied(DomainError):
    http_status = status.HTTP_403_FORBIDDEN


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DomainError):
        return Response(
            {"code": exc.code.name, "detail": exc.message, "params": exc.params},
            status=exc.http_status,
        )
    return exception_handler(exc, context)
