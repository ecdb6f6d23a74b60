"""Pages of workforce's programmes: the studio board (master studios and research communities), a
studio report filed by its lead or the personnel department, the ethics incidents (personnel
department and leaders only), and appraisal, quotas and allowances."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from edugov.accounts.actor import request_actor
from edugov.accounts.policy import ensure_can, role_may
from edugov.accounts.scope import scoped, write_scoped
from edugov.common.errors import DomainError, PermissionDenied
from edugov.registry.models import SchoolYear, Teacher

from . import appraisal, ethics, studios
from .models import EthicsCategory, EthicsHandling, EthicsIncident, StudioReport
from .permissions import action
from .views import _year


def _suffix(year: SchoolYear | None) -> str:
    return f"?year={year.start_year}" if year else ""


@login_required
def studio_board(request: HttpRequest) -> HttpResponse:
    """Master studios with their reports (filed, due, overdue, next) and research communities with
    their activities."""
    actor = request_actor(request)
    ensure_can(actor, action("studio_view"))
    today = timezone.localdate()
    rows = studios.studio_board(actor=actor, today=today)
    return render(
        request,
        "workforce/studios.html",
        {
            "rows": rows,
            "today": today,
            "overdue": [r for row in rows for r in row.overdue],
            "communities": studios.communities(actor=actor),
            "may_edit": role_may(actor, action("studio_edit")),
            "grace": studios.grace_days(),
        },
    )


def _next_url(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


@login_required
@require_POST
def studio_report_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """A period's report, filed by the studio's lead teacher (from their own page) or the personnel
    department (from the board); a refusal is a Chinese message, nothing written."""
    actor = request_actor(request)
    report = get_object_or_404(scoped(StudioReport, actor).select_related("studio"), pk=pk)
    if not studios.may_report(actor, report.studio):
        ensure_can(actor, action("studio_report"), report.studio)
    try:
        studios.report_submit(
            actor=actor, report=report, summary=request.POST.get("summary", ""), today=timezone.localdate()
        )
        messages.success(request, f"已报送{report.studio.name}{report.period_label}报告")
    except PermissionDenied:
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(_next_url(request, reverse("workforce:studios")))


@login_required
def ethics_page(request: HttpRequest) -> HttpResponse:
    """The year's incidents for the personnel department and the leaders; the department registers
    one (the teacher by staff number, in its write scope), handles it, and brings in the tutoring
    module's matches."""
    actor = request_actor(request)
    ensure_can(actor, action("ethics_view"))
    year = _year(request)
    may_edit = role_may(actor, action("ethics_edit"))
    errors: list[str] = []
    if request.method == "POST":
        ensure_can(actor, action("ethics_edit"))
        try:
            if request.POST.get("do") == "sync":
                n = ethics.sync_tutoring_matches(year=year, today=timezone.localdate())
                messages.success(request, f"已从校外培训从业人员比对结果导入{n}条待处理线索")
                return redirect(reverse("workforce:ethics") + _suffix(year))
            _incident_from_post(request, year)
            messages.success(request, "已登记师德师风事件，待处理")
            return redirect(reverse("workforce:ethics") + _suffix(year))
        except PermissionDenied:
            raise
        except DomainError as exc:
            errors.append(exc.message)
    incidents = ethics.incident_list(actor=actor, year=year).order_by("status", "-occurred_on", "-pk")
    return render(
        request,
        "workforce/ethics.html",
        {
            "year": year,
            "years": SchoolYear.objects.all(),
            "incidents": incidents[:300],
            "counts": ethics.counts(actor=actor, year=year),
            "categories": EthicsCategory.choices,
            "handlings": [c for c in EthicsHandling.choices if c[0]],
            "may_edit": may_edit,
            "errors": errors,
            "post": request.POST,
        },
        status=400 if errors else 200,
    )


def _incident_from_post(request: HttpRequest, year: SchoolYear | None) -> EthicsIncident:
    from .errors import WorkforceError as E

    actor = request_actor(request)
    if year is None:
        raise DomainError(E.RECRUIT_NO_YEAR)
    number = request.POST.get("staff_number", "").strip()[:32]
    teacher = (
        write_scoped(Teacher.objects.filter(archived_at__isnull=True), actor)
        .filter(staff_number=number)
        .first()
    )
    if teacher is None:
        raise DomainError(E.BAD_FIELD, field="教工号", reason=f"在您管辖的学校中找不到教工号“{number}”")
    try:
        occurred = dt.date.fromisoformat(request.POST.get("occurred_on", "").strip())
    except ValueError:
        raise DomainError(E.BAD_FIELD, field="发生日期", reason="请按“2026-03-01”的格式填写") from None
    return ethics.incident_create(
        actor=actor,
        teacher=teacher,
        school_year=year,
        category=request.POST.get("category", ""),
        occurred_on=occurred,
        summary=request.POST.get("summary", ""),
        today=timezone.localdate(),
    )


@login_required
@require_POST
def ethics_decide(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    ensure_can(actor, action("ethics_edit"))
    incident = get_object_or_404(ethics.incident_list(actor=actor), pk=pk)
    try:
        ethics.incident_decide(
            actor=actor,
            incident=incident,
            confirmed=request.POST.get("decision") == "confirm",
            handling=request.POST.get("handling", ""),
            effect=request.POST.get("effect", ""),
        )
        messages.success(request, "已处理师德师风事件")
    except PermissionDenied:
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(reverse("workforce:ethics") + f"?year={incident.school_year.start_year}")


@login_required
def appraisal_page(request: HttpRequest) -> HttpResponse:
    """Appraisal results against the cap, a quota shared out to schools with the rural tilt (and
    why), the monthly allowances, and the retired-teachers' programme against its age limit."""
    actor = request_actor(request)
    ensure_can(actor, action("appraisal_view"))
    year = _year(request)
    today = timezone.localdate()
    quota_raw = request.GET.get("quota", "").strip()
    quota_rows: list[appraisal.QuotaRow] = []
    quota_error = ""
    if quota_raw:
        try:
            quota_rows = appraisal.quota_allocation(actor=actor, year=year, total=quota_raw)
        except DomainError as exc:
            quota_error = exc.message
    limit, silver = appraisal.silver_programme(actor=actor, year=year, today=today)
    allowance_rows = appraisal.allowances(actor=actor, year=year)
    return render(
        request,
        "workforce/appraisal.html",
        {
            "year": year,
            "years": SchoolYear.objects.all(),
            "summary": appraisal.appraisal_summary(actor=actor, year=year),
            "cap_share": appraisal.excellent_cap_share(year=year.start_year if year else None),
            "quota": quota_raw[:10],
            "quota_rows": quota_rows,
            "quota_error": quota_error,
            "tilt": appraisal.rural_tilt(year=year.start_year if year else None),
            "allowances": allowance_rows[:200],
            "allowance_total": sum(r.monthly for r in allowance_rows),
            "silver_limit": limit,
            "silver": silver[:200],
            "silver_over": sum(1 for s in silver if s.over_limit),
        },
        status=400 if quota_error else 200,
    )
