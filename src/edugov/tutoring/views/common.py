"""What the tutoring pages share: the public rate limit, running a service onto a form, the
scoped institution lookup and the policy's answers for buttons."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from edugov.accounts.policy import can, ensure_can
from edugov.accounts.scope import scoped
from edugov.common.clients import over_budget
from edugov.common.errors import DomainError, PermissionDenied
from edugov.common.text import normalize_cell

from ..models import Institution

PUBLIC_LOOKUPS_PER_MINUTE = 30
PUBLIC_COMPLAINTS_PER_HOUR = 5


def _clean(text: str) -> str:
    """Query text as typed; NUL bytes (which PostgreSQL refuses in text) dropped."""
    return normalize_cell(text.replace("\x00", ""))


def rate_limited(request: HttpRequest, bucket: str, limit: int, seconds: int) -> bool:
    """True when this client has used up `limit` requests of tutoring's `bucket` in the window."""
    return over_budget(request, f"tutoring:{bucket}", limit, seconds)


def _too_many(request: HttpRequest) -> HttpResponse:
    return render(request, "tutoring/public_limited.html", status=429)


def _attempt(form: Any, fn: Callable[[], Any]) -> Any:
    """Run a service; its Chinese message lands on the form instead of a server error."""
    try:
        return fn()
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, exc.messages)
    except PermissionDenied:
        raise
    except DomainError as exc:
        form.add_error(None, exc.message)
    return None


def _institution(request: HttpRequest, pk: int) -> Institution:
    ensure_can(request.user, "tutoring.view")
    return get_object_or_404(scoped(Institution, request.user).select_related("area"), pk=pk)


def _may(user: Any, names: tuple[str, ...], obj: Any = None) -> dict[str, bool]:
    """What the page offers (buttons, forms): {action name: allowed}, asked of the policy."""
    return {name: can(user, f"tutoring.{name}", obj) for name in names}
