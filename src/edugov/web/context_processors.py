"""Template context shared by every page: the navigation the current user may use, grouped by
module, and the name of the district the user works in."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from edugov.accounts.models import Module
from edugov.accounts.policy import role_may

from .navigation import NAV_ITEMS, SYSTEM_MODULE, district_name_for, sidebar


def _module_label(module: str) -> str:
    if module == SYSTEM_MODULE:
        return "系统管理"
    try:
        return str(Module(module).label)
    except ValueError:
        from edugov.modules import module_label

        return module_label(module)


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_home": None, "nav_groups": [], "district_name": ""}
    modules = user.modules
    entries: list[tuple[str, str, str]] = []
    for item in NAV_ITEMS:
        if item.module != SYSTEM_MODULE and item.module not in modules:
            continue
        if item.action is not None and not role_may(user, item.action):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        entries.append((_module_label(item.module), item.label, url))
    # The system entries (audit trail, jobs, grants) go last, after the business modules.
    system = _module_label(SYSTEM_MODULE)
    entries.sort(key=lambda entry: entry[0] == system)
    home, groups = sidebar(entries, request.path)
    home.url = reverse("web:home")
    return {"nav_home": home, "nav_groups": groups, "district_name": district_name_for(user)}
