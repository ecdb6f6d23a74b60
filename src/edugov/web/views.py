"""Home dashboard: the key figures and charts of the user's scope for the current school year."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from edugov.accounts.actor import request_actor
from edugov.accounts.anchors import home_anchor
from edugov.registry import selectors as registry_selectors
from edugov.registry.dashboard import dashboard, limits_for


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request_actor(request)
    board = dashboard(actor=user)
    my_classes = None
    anchor = None if user.is_superuser else home_anchor(user)
    if anchor is not None and anchor.kind == "classes":  # a teacher's home lists their classes
        year = registry_selectors.current_school_year()
        my_classes = list(registry_selectors.school_class_list(user=user, school_year=year)) if year else []
    return render(
        request,
        "web/home.html",
        {
            "board": board,
            "chart_payloads": board.chart_payloads,
            "my_classes": my_classes,
            "limits": board.limits or limits_for(user),
        },
    )
