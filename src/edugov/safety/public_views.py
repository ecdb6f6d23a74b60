"""The public pages of school safety (no login): a class's acknowledgement link and the
drowning-risk report form, each with a per-client request budget (`common.clients.over_budget`)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from edugov.common.clients import over_budget
from edugov.common.errors import DomainError
from edugov.registry.models import Area, AreaLevel

from . import rules, selectors, services


def _too_many(request: HttpRequest) -> HttpResponse:
    return render(request, "safety/limited.html", status=429)


def acknowledge(request: HttpRequest, token: str) -> HttpResponse:
    """A class's acknowledgement link: the day's reminder, and one button for the parent. Each
    acknowledgement (POST) counts against the client's per-minute budget; past it, 429 and nothing
    written."""
    if request.method == "POST" and over_budget(request, "safety:ack", rules.public_limits()[1], 60):
        return _too_many(request)
    reminder = selectors.reminder_by_token(token)
    context: dict[str, object] = {"reminder": reminder, "done": False, "error": ""}
    status = 200 if reminder is not None else 404
    if reminder is None:
        context["error"] = "链接无效或已过期，请向班主任索取本班的确认链接"
    elif request.method == "POST":
        try:
            services.acknowledge(reminder=reminder, pupil_key=request.POST.get("pupil_key", ""))
        except DomainError as exc:
            context["error"] = exc.message
            status = 400
        else:
            context["done"] = True
    return render(request, "safety/acknowledge.html", context, status=status)


def public_report(request: HttpRequest) -> HttpResponse:
    towns = Area.objects.filter(level=AreaLevel.TOWN, archived_at__isnull=True).order_by("path")
    context: dict[str, object] = {"towns": towns, "error": "", "done": False, "data": request.POST}
    status = 200
    if request.method == "POST":
        if over_budget(request, "safety:report", rules.public_limits()[0], 3600):
            return _too_many(request)
        area = (
            towns.filter(pk=request.POST.get("area", "") or 0).first()
            if request.POST.get("area", "").isdigit()
            else None
        )
        try:
            services.water_report_submit(
                area=area,
                place=request.POST.get("place", ""),
                description=request.POST.get("description", ""),
                photo=request.FILES.get("photo"),
                contact=request.POST.get("contact", ""),
            )
        except DomainError as exc:
            context["error"] = exc.message
            status = 400
        else:
            context["done"] = True
    context["max_mb"] = rules.photo_max_bytes() // (1024 * 1024)
    return render(request, "safety/public_report.html", context, status=status)
