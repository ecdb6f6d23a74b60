"""What the work pages share: parsing form values, the form page with the service's message,
the answer to a save (htmx or plain), and turning refusals by role or scope into the page's 403."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from edugov.accounts.models import User
from edugov.accounts.policy import ensure_can, role_may
from edugov.common.errors import DomainError, PermissionDenied

from .. import permissions, services
from ..errors import RectificationError as E


def may(actor: User, name: str) -> bool:
    return role_may(actor, permissions.action(name))


def ensure_bureau(actor: User) -> None:
    """Leader liaison pages are the bureau's."""
    if not may(actor, "leader_view"):
        raise Http404("页面不存在")


def parse_date(value: Any, *, label: str) -> dt.date:
    try:
        return dt.date.fromisoformat(str(value or "").strip())
    except ValueError:
        raise DomainError(E.BAD_FIELD, field=label, reason="日期格式应为YYYY-MM-DD") from None


def to_int(value: Any, default: int | None = None) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return default


def parse_ids(values: list[str], *, invalid: DomainError | None = None) -> list[int]:
    ids = [to_int(v) for v in values]
    if any(i is None or not 0 < i <= services.MAX_ID for i in ids):
        raise invalid or DomainError(E.UNKNOWN_UNIT)
    return [i for i in ids if i is not None]


def chosen(rows: Any, raw: str | None, unknown: Any) -> Any:
    """The row a select names by id among `rows`; None when nothing is chosen, refused otherwise."""
    if not raw:
        return None
    row = rows.filter(pk=to_int(raw, 0)).first()
    if row is None:
        raise DomainError(unknown)
    return row


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-Boosted") != "true"


def form_page(
    request: HttpRequest, template: str, context: dict[str, Any], *, errors: list[str]
) -> HttpResponse:
    """The form again, with the service's message on it. htmx 2 swaps only 2xx answers, so the
    form's own htmx post gets its message with 200; a plain post gets 400."""
    status = 400 if errors and not is_htmx(request) else 200
    return render(request, template, {**context, "errors": errors}, status=status)


def saved(request: HttpRequest, url: str, message: str) -> HttpResponse:
    messages.success(request, message)
    if is_htmx(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


def refuse_as_page(exc: DomainError) -> None:
    """A refusal by role or scope is the page's 403, not a message on the form."""
    if isinstance(exc, PermissionDenied):
        raise exc


def ensure(actor: User, name: str, obj: Any = None) -> None:
    """A refusal by role or scope is the page's 403."""
    ensure_can(actor, permissions.action(name), obj)
