"""Pages of school safety: the bureau's overview (grid coverage, open hazards by severity and town,
today's reminder coverage, the public's reports), the grid, a school's safety page (its cells, an
inspection with hazards, today's reminders to confirm); the public pages (no login) are in
`public_views`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from functools import partial

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
from .errors import SafetyError as E
from .models import (
    ClassReminder,
    DangerousWater,
    DrillKind,
    HazardKind,
    HazardSeverity,
    IncidentKind,
    IncidentOutcome,
    LessonKind,
    WaterReport,
)
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
            "reports": selectors.reports(actor=actor).select_related("payment")[:20],
            "may_handle": role_may(actor, action("report_handle")),
            "may_pay": role_may(actor, action("report_pay")),
            "may_report": role_may(actor, action("report")),
            "drills_overdue": selectors.drills_overdue(actor=actor, on=day),
            "waters": selectors.waters(actor=actor, on=day),
            "incidents": selectors.incident_counts(actor=actor, year=day.year),
            "rewards": selectors.rewards(actor=actor),
            "may_incidents": role_may(actor, action("incident_view")),
        },
    )


@login_required
def coverage(request: HttpRequest) -> HttpResponse:
    """A holiday day's acknowledgement coverage by town and school: the page the bureau watches
    while parents acknowledge, so it reads the grouped counts and nothing else."""
    actor = request_actor(request)
    ensure_can(actor, action("view"))
    c = selectors.coverage(actor=actor, day=_today(request))
    target = rules.reminder_target()
    return render(
        request,
        "safety/coverage.html",
        {
            "c": c,
            "target": target,
            "towns": _coverage_table(c.towns, target),
            "schools": _coverage_table(c.schools, target),
        },
    )


def _coverage_table(rows: list[selectors.Coverage], target: float) -> list[tuple[object, ...]]:
    """The rows as plain tuples (name, classes, sent, confirmed, acknowledged, share, below the
    target, acknowledgements) that the template unpacks: no attribute lookups or properties per
    cell on a page reloaded while parents acknowledge."""
    table: list[tuple[object, ...]] = []
    for r in rows:
        share = r.acknowledged / r.classes if r.classes else None
        table.append(
            (
                r.name,
                r.classes,
                r.sent,
                r.confirmed,
                r.acknowledged,
                share,
                share is not None and share < target,
                r.acks,
            )
        )
    return table


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
    school_id = school.pk if school else 0
    drill_rows = selectors.drill_status(actor=actor, on=today)
    return render(
        request,
        "safety/school.html",
        {
            "school": school,
            "drill_table": _drill_table(next((d for d in drill_rows if d.school_id == school_id), None)),
            "drills": selectors.school_drills(actor=actor, school_id=school_id)[:20],
            "lesson_status": selectors.lesson_status(actor=actor, school_id=school_id, on=today),
            "lessons": selectors.school_lessons(actor=actor, school_id=school_id)[:20],
            "drill_kinds": DrillKind.choices,
            "lesson_kinds": LessonKind.choices,
            "lesson_topics": rules.lesson_topics(),
            "may_drill": role_may(actor, action("school_drill")),
            "may_lesson": role_may(actor, action("school_lesson")),
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


def _drill_table(status: selectors.DrillStatus | None) -> list[dict[str, object]]:
    if status is None:
        return []
    return [
        {"label": DrillKind(k).label, "due": n, "done": status.done.get(k, 0)} for k, n in status.due.items()
    ]


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


# -- drills and lessons (the school's page posts here) -----------------------------------------------


def _date(raw: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw.strip()) if raw.strip() else None
    except ValueError:
        return None


def _int(raw: str) -> int | None:
    raw = raw.strip()
    return int(raw) if raw.isdigit() and len(raw) <= 9 else None


def _own_school(request: HttpRequest) -> School | None:
    actor = request_actor(request)
    return School.objects.filter(pk=actor.school_id).first() if actor.school_id else None


def _school_record(
    request: HttpRequest, permission: str, what: str, write: Callable[..., object]
) -> HttpResponse:
    """A school's own record from its safety page: the permission, the school account, the write
    (refusals as the page's message, nothing written), back to the page."""
    actor = request_actor(request)
    ensure_can(actor, action(permission))
    school = _own_school(request)
    if school is None:
        messages.error(request, f"只有学校账号可以登记本校{what}")
        return redirect("safety:my_school")
    try:
        write(actor=actor, school=school)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已登记{what}")
    return redirect("safety:my_school")


@login_required
@require_POST
def drill_create(request: HttpRequest) -> HttpResponse:
    post = request.POST
    return _school_record(
        request,
        "school_drill",
        "应急演练",
        partial(
            services.drill_record,
            kind=post.get("kind", ""),
            held_on=_date(post.get("held_on", "")),
            participants=_int(post.get("participants", "")),
            evaluation=post.get("evaluation", ""),
        ),
    )


@login_required
@require_POST
def lesson_create(request: HttpRequest) -> HttpResponse:
    post = request.POST
    return _school_record(
        request,
        "school_lesson",
        "安全教育课",
        partial(
            services.lesson_record,
            kind=post.get("kind", ""),
            topic=post.get("topic", ""),
            held_on=_date(post.get("held_on", "")),
            classes=_int(post.get("classes", "")),
        ),
    )


# -- waters and patrols, incidents, reward payments ----------------------------------------------------


@login_required
def waters(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    ensure_can(actor, action("view"))
    day = timezone.localdate()
    rows = selectors.waters(actor=actor, on=day)
    return render(
        request,
        "safety/waters.html",
        {
            "waters": rows,
            "map": selectors.water_map(waters=rows),
            "every": rules.patrol_every_days(),
            "today": day,
            "may_patrol": role_may(actor, action("patrol")),
        },
    )


@login_required
def water_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    ensure_can(actor, action("view"))
    water = get_object_or_404(scoped(DangerousWater, actor).select_related("area", "school"), pk=pk)
    if request.method == "POST":
        try:
            services.patrol_record(
                actor=actor,
                water=water,
                patrolled_on=_date(request.POST.get("patrolled_on", "")),
                patroller=request.POST.get("patroller", ""),
                observed=request.POST.get("observed", ""),
                issue_found=request.POST.get("issue_found") == "1",
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已登记巡查")
        return redirect("safety:water_detail", pk=water.pk)
    return render(
        request,
        "safety/water_detail.html",
        {
            "water": water,
            "patrols": selectors.water_patrols(actor=actor, water_id=water.pk)[:100],
            "today": timezone.localdate(),
            "may_patrol": role_may(actor, action("patrol")),
            "may_place": role_may(actor, action("water_edit")),
        },
    )


@login_required
@require_POST
def water_place(request: HttpRequest, pk: int) -> HttpResponse:
    """The water page's location and coordinates form (the safety office): refusals as the page's
    message with nothing written, back to the water's page."""
    actor = request_actor(request)
    ensure_can(actor, action("water_edit"))
    water = get_object_or_404(scoped(DangerousWater, actor).select_related("area"), pk=pk)
    post = request.POST
    try:
        services.water_place_set(
            actor=actor,
            water=water,
            location=post.get("location", ""),
            longitude=services.degrees(post.get("longitude"), field="经度", example="116.397128"),
            latitude=services.degrees(post.get("latitude"), field="纬度", example="39.916527"),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已保存位置和坐标")
    return redirect("safety:water_detail", pk=water.pk)


@login_required
def incidents(request: HttpRequest) -> HttpResponse:
    """The safety office's incident records (everyone else sees counts on the overview)."""
    actor = request_actor(request)
    rows = selectors.incidents(actor=actor)  # refuses anyone but the safety office
    towns = scoped(Area, actor).filter(level=AreaLevel.TOWN, archived_at__isnull=True).order_by("path")
    if request.method == "POST":
        area = towns.filter(pk=_int(request.POST.get("area", "")) or 0).first()
        school_id = _int(request.POST.get("school", ""))
        school = scoped(School, actor).filter(pk=school_id).first() if school_id else None
        try:
            if school_id and school is None:
                raise DomainError(E.BAD_FIELD, field="涉及学校", reason="不在您的管辖范围内")
            services.incident_record(
                actor=actor,
                area=area,
                school=school,
                kind=request.POST.get("kind", ""),
                occurred_on=_date(request.POST.get("occurred_on", "")),
                outcome=request.POST.get("outcome", ""),
                pupils=_int(request.POST.get("pupils", "")),
                circumstances=request.POST.get("circumstances", ""),
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已登记安全事故")
        return redirect("safety:incidents")
    return render(
        request,
        "safety/incidents.html",
        {
            "incidents": rows[:200],
            "towns": towns,
            "schools": scoped(School, actor).filter(archived_at__isnull=True).order_by("name")[:2000],
            "kinds": IncidentKind.choices,
            "outcomes": IncidentOutcome.choices,
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def report_pay(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    report = get_object_or_404(scoped(WaterReport, actor), pk=pk)
    try:
        services.reward_pay(
            actor=actor,
            report=report,
            paid_on=_date(request.POST.get("paid_on", "")),
            voucher=request.POST.get("voucher", ""),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已登记奖励发放")
    return redirect("safety:overview")
