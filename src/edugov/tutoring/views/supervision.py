"""Supervision pages: dashboard, the supervision report, violations, risk ranking, unlicensed sites,
inspections and enforcement."""

from __future__ import annotations

import datetime as dt
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from edugov.accounts.actor import request_actor
from edugov.accounts.policy import ensure_can
from edugov.accounts.scope import scoped
from edugov.reports import report_response
from edugov.web.paging import paginate

from .. import forms as f
from .. import selectors, services
from ..models import Alert, EnforcementAction, Inspection
from .common import _attempt, _may


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    ensure_can(request.user, "tutoring.supervise")
    today = timezone.localdate()
    data = selectors.dashboard(user=request.user, today=today)
    stats = selectors.enforcement_stats(user=request.user, start=dt.date(today.year, 1, 1), end=today)
    chart = {
        "status": data["status"],
        "points": data["points"],
        "top": [{"name": t["name"], "score": t["score"]} for t in data["top"]][::-1],
        "actions": [{"name": stats["labels"][k], "value": v} for k, v in stats["counts"].items()],
    }
    return render(request, "tutoring/dashboard.html", {"d": data, "stats": stats, "chart": json.dumps(chart)})


def _period(request: HttpRequest, today: dt.date) -> tuple[dt.date, dt.date] | None:
    """The report's period from ?start=&end= (default: this year to today); None when invalid."""
    try:
        start = dt.date.fromisoformat(request.GET.get("start") or f"{today.year}-01-01")
        end = dt.date.fromisoformat(request.GET.get("end") or today.isoformat())
    except ValueError:
        return None
    return (start, end) if start <= end else None


@login_required
def supervision_report(request: HttpRequest) -> HttpResponse:
    """The supervision report as PDF: headline figures, enforcement statistics, risk ranking."""
    ensure_can(request.user, "tutoring.report_export")
    today = timezone.localdate()
    period = _period(request, today)
    if period is None:
        messages.error(request, "统计期间无效：请按“年-月-日”填写起止日期，且起始日期不晚于截止日期")
        return redirect("tutoring:dashboard")
    params = {"start": period[0].isoformat(), "end": period[1].isoformat()}
    return report_response(request_actor(request), "tutoring.supervision", "pdf", params)


@login_required
def violation_list(request: HttpRequest) -> HttpResponse:
    ensure_can(request.user, "tutoring.view")
    rows = selectors.violation_rows(user=request.user)
    if request.GET.get("export") == "xlsx":
        return report_response(request_actor(request), "tutoring.violations", "xlsx")
    page, query = paginate(request, rows, per_page=50)
    return render(request, "tutoring/violation_list.html", {"page": page, "query": query, "total": len(rows)})


@login_required
def risk_list(request: HttpRequest) -> HttpResponse:
    ensure_can(request.user, "tutoring.supervise")
    if request.method == "POST":
        n = services.risk_compute(on=timezone.localdate(), actor=request_actor(request))
        messages.success(request, f"已重新计算{n}家机构的风险")
        return redirect("tutoring:risk_list")
    rows = selectors.latest_risk(user=request.user)
    if request.GET.get("export") == "pdf":
        return redirect("tutoring:supervision_report")
    if request.GET.get("export") == "xlsx":
        return report_response(request_actor(request), "tutoring.risk", "xlsx")
    page, query = paginate(request, rows)
    alerts = scoped(Alert, request.user).select_related("institution")[:30]
    context = {"page": page, "query": query, "alerts": alerts, "may": _may(request.user, ("risk_compute",))}
    return render(request, "tutoring/risk_list.html", context)


@login_required
def unlicensed_list(request: HttpRequest) -> HttpResponse:
    ensure_can(request.user, "tutoring.supervise")
    form = f.UnlicensedForm(request.POST or None, user=request.user)
    if (
        request.method == "POST"
        and form.is_valid()
        and _attempt(
            form,
            lambda: services.unlicensed_site_create(actor=request_actor(request), data=form.cleaned_data),
        )
    ):
        messages.success(request, "已登记无证无照培训点")
        return redirect("tutoring:unlicensed_list")
    page, query = paginate(request, selectors.open_unlicensed(user=request.user))
    context = {"page": page, "query": query, "form": form, "may": _may(request.user, ("unlicensed_create",))}
    return render(request, "tutoring/unlicensed_list.html", context)


@login_required
def inspection_list(request: HttpRequest) -> HttpResponse:
    user = request_actor(request)
    ensure_can(user, "tutoring.supervise")
    iform = f.InspectionForm(
        request.POST if request.POST.get("what") == "inspection" else None, request.FILES or None, user=user
    )
    eform = f.EnforcementForm(request.POST if request.POST.get("what") == "action" else None, user=user)
    if iform.is_bound and iform.is_valid():
        if _attempt(iform, lambda: services.inspection_record(actor=user, data=iform.cleaned_data)):
            messages.success(request, "检查记录已保存")
            return redirect("tutoring:inspection_list")
    elif eform.is_bound and eform.is_valid():  # noqa: SIM102
        if _attempt(eform, lambda: services.enforcement_create(actor=user, data=eform.cleaned_data)):
            messages.success(request, "处理决定已保存")
            return redirect("tutoring:inspection_list")
    sform = f.StatsForm(request.GET or None)
    today = timezone.localdate()
    start, end = dt.date(today.year, 1, 1), today
    if sform.is_valid():
        start = sform.cleaned_data["start"] or start
        end = sform.cleaned_data["end"] or end
    picked = iform.selected_institution()
    context = {
        "iform": iform,
        "picked": picked,
        "epicked": eform.selected_institution(),
        "eform": eform,
        "sform": sform,
        "stats": selectors.enforcement_stats(user=user, start=start, end=end),
        "inspections": scoped(Inspection, user)
        .select_related("institution", "unlicensed_site", "inspector")
        .prefetch_related("inspectors")[:50],
        "actions": scoped(EnforcementAction, user).select_related("institution", "unlicensed_site")[:50],
        "may": _may(user, ("inspection_record", "enforcement_create")),
    }
    return render(request, "tutoring/inspection_list.html", context)


PICK_LIMIT = 20


@login_required
def institution_pick(request: HttpRequest) -> HttpResponse:
    """The inspection form's institution search (HTMX swaps the results under the search box;
    without scripts the same URL answers a plain GET)."""
    user = request_actor(request)
    ensure_can(user, "tutoring.inspection_record")
    q = request.GET.get("institution_q", "").replace("\x00", "")[:50]
    rows = selectors.institution_pick(actor=user, search=q, limit=PICK_LIMIT)
    selected = request.GET.get("institution", "")
    context = {
        "rows": rows,
        "q": q,
        "limit": PICK_LIMIT,
        "selected": int(selected) if selected.isdigit() else None,
    }
    return render(request, "tutoring/_institution_pick.html", context)
