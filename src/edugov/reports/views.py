"""The download page of any registered report: /reports/<name>.<fmt>?param=value."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from edugov.accounts.models import User

from .download import report_response


def request_user(request: HttpRequest) -> User:
    """The acting user of a page behind `login_required`, typed."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied("请先登录。")
    return user


@login_required
def download(request: HttpRequest, name: str, fmt: str) -> HttpResponse:
    params = {k: v for k, v in request.GET.dict().items() if k != "fmt"}
    return report_response(request_user(request), name, fmt, params)
