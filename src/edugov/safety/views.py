"""Pages of school safety: the bureau's overview (grid coverage, open hazards by severity and town,
today's reminder coverage, the public's reports), the grid, a school's safety page (its cells, an
inspection with hazards, today's reminders to confirm), and the public pages: a class's
acknowledgement link and the drowning-risk report form (no login)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from edugov.accounts.actor import request_actor
from edugov.accounts.policy import ensure_can, role_may
from edugov.accounts.scope import scoped
from edugov.common.errors import DomainError
from edugov.registry.models import Area, AreaLevel, School

from . import rules, selectors, services
from .models import ClassReminder, HazardKind, HazardSeverity, WaterReport
from .permissions import action


def _today(request: HttpRequest) -> dt.date:
    raw = request.GET.get("day", "")
    try:
        return dt.date.fromisoformat(raw) if raw else timezone.localdate()
    except ValueError:
        return timezone.localdate()


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    ensure_can(actor, action("view"))
    day = _today(request)
    o = selectors.overview(actor=actor, today=day)
    return render(
        request,
        "safety/overview.html",
        {
            "o": o,
            "target": rules.reminder_target(),
            "reports": selectors.reports(actor=actor)[:20],
            "may_handle": role_may(actor, action("report_handle")),
            "may_report": role_may(actor, action("report")),
        },
    )


@login_required
def grid(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    ensure_can(actor, action("view"))
    return render(request, "safety/grid.html", {"cells": selectors.cells(actor=actor)[:500]})


@login_required
def my_school(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    ensure_can(actor, action("school_view"))
    school = School.objects.filter(pk=actor.school_id).first() if actor.school_id else None
    if request.method == "POST" and school is not None:
        try:
            on = dt.date.fromisoformat(request.POST.get("inspected_on", ""))
        except ValueError:
            messages.error(request, "请填写正确的排查日期")
            return redirect("safety:my_school")
        description = request.POST.get("description", "").strip()
        hazards = (
            [services.HazardInput(description, request.POST.get("severity", ""), request.FILES.get("photo"))]
            if description
            else []
        )
        try:
            services.inspection_record(
                actor=actor,
                school=school,
                kind=request.POST.get("kind", ""),
                inspected_on=on,
                hazards=hazards,
                checked=request.POST.getlist("checked"),
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已登记排查" + ("，隐患已转为整改事项" if hazards else ""))
        return redirect("safety:my_school")
    today = timezone.localdate()
    return render(
        request,
        "safety/school.html",
        {
            "school": school,
            "cells": selectors.cells(actor=actor),
            "hazards": selectors.hazard_rows(actor=actor)[:50],
            "reminders": selectors.school_reminders(actor=actor, today=today),
            "kinds": HazardKind.choices,
            "severities": HazardSeverity.choices,
            "today": today,
            "may_inspect": role_may(actor, action("school_inspect")),
            "may_confirm": role_may(actor, action("reminder_confirm")),
        },
    )


@login_required
@require_POST
def reminder_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    reminder = get_object_or_404(scoped(ClassReminder, actor), pk=pk)
    try:
        services.reminder_confirm(actor=actor, reminder=reminder)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已确认发送")
    return redirect("safety:my_school")


@login_required
@require_POST
def report_handle(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    report = get_object_or_404(scoped(WaterReport, actor), pk=pk)
    reward: Decimal | None = None
    raw = request.POST.get("reward", "").strip()
    try:
        reward = Decimal(raw) if raw else None
        services.water_report_handle(
            actor=actor, report=report, confirm=request.POST.get("decision") == "confirm", reward=reward
        )
    except InvalidOperation:
        messages.error(request, "奖励金额：请填写数字")
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已处理举报")
    return redirect("safety:overview")


# -- public pages (no login) -------------------------------------------------------------------------


def acknowledge(request: HttpRequest, token: str) -> HttpResponse:
    """A class's acknowledgement link: the day's reminder, and one button for the parent."""
    reminder = (
        ClassReminder.objects.filter(token=token[:32]).select_related("day", "school_class__school").first()
    )
    context: dict[str, object] = {"reminder": reminder, "done": False, "error": ""}
    status = 200 if reminder is not None else 404
    if reminder is None:
        context["error"] = "链接无效或已过期，请向班主任索取本班的确认链接"
    elif request.method == "POST":
        try:
            services.acknowledge(token=token, pupil_key=request.POST.get("pupil_key", ""))
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
