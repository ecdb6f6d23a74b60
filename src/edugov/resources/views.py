"""优质均衡 pages: district overview, school card, guarantee items, gap list, what-if, data-quality
findings, and the exports; the 普及普惠 page, kindergarten card and exports.
Thin: every figure comes from selectors (and so through scope)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from edugov.accounts.actor import request_actor
from edugov.accounts.policy import role_may
from edugov.reports import report_response

from . import selectors
from .evaluation import ADJUSTABLE, evaluate_balanced
from .indicators import ALL_PRESCHOOL_INDICATORS, BALANCED_INDICATORS
from .selectors import WhatIfLine


def _year_and_area(request: HttpRequest) -> tuple[Any, Any]:
    year = selectors.school_year_for(request.GET.get("year"))
    return year, selectors.district_for(request.user)


def _year(request: HttpRequest) -> dict[str, str]:
    """The exports' one parameter a page passes: the school year (the district is the user's)."""
    return {"year": request.GET.get("year", "")}


def _context(request: HttpRequest, tab: str, year: Any, area: Any, **extra: Any) -> dict[str, Any]:
    return {
        "tab": tab,
        "year": year,
        "area": area,
        "years": list(selectors.SchoolYear.objects.order_by("start_year")),
        "indicators": BALANCED_INDICATORS,
        **extra,
    }


def _own_card_only(user: Any, *, own: str, district: str) -> bool:
    """A school's administrator, who reads its own card but not the district's evaluation."""
    return role_may(user, own) and not role_may(user, district)


@login_required
def balanced(request: HttpRequest) -> HttpResponse:
    if _own_card_only(request.user, own="resources.own_school_card", district="resources.view"):
        return redirect("resources:my_card")
    selectors.ensure_allowed(request.user, "resources.view")
    year, area = _year_and_area(request)
    page = selectors.balanced_page(
        user=request.user, school_year=year, area=area, town=request.GET.get("town", "")
    )
    return render(
        request,
        "resources/balanced.html",
        _context(request, "balanced", year, area, page=page, ev=page.evaluation),
    )


@login_required
def my_card(request: HttpRequest) -> HttpResponse:
    school_id = request_actor(request).school_id
    if not school_id:
        return redirect("resources:balanced")
    url = reverse("resources:school_card", args=[school_id])
    year = request.GET.get("year")
    return redirect(f"{url}?year={year[:12]}" if year else url)


@login_required
def school_card(request: HttpRequest, pk: int) -> HttpResponse:
    year = selectors.school_year_for(request.GET.get("year"))
    card = selectors.school_card(user=request.user, school_id=pk, school_year=year)
    return render(
        request,
        "resources/school_card.html",
        _context(
            request,
            "card",
            year,
            card.evaluation.area,
            card=card,
            district_link=role_may(request.user, "resources.view"),
        ),
    )


def _district_evaluation(request: HttpRequest, action: str = "resources.view") -> tuple[Any, Any, Any]:
    selectors.ensure_allowed(request.user, action)
    year, area = _year_and_area(request)
    return year, area, evaluate_balanced(school_year=year, area=area, user=request.user)


@login_required
def guarantee(request: HttpRequest) -> HttpResponse:
    year, area, ev = _district_evaluation(request)
    return render(request, "resources/guarantee.html", _context(request, "guarantee", year, area, ev=ev))


@login_required
def gaps(request: HttpRequest) -> HttpResponse:
    year, area, ev = _district_evaluation(request)
    return render(
        request,
        "resources/gaps.html",
        _context(request, "gaps", year, area, ev=ev, **selectors.gap_page(ev)),
    )


@login_required
def findings(request: HttpRequest) -> HttpResponse:
    year, area, ev = _district_evaluation(request)
    return render(request, "resources/findings.html", _context(request, "findings", year, area, ev=ev))


WHATIF_ROWS = 5


@login_required
def whatif(request: HttpRequest) -> HttpResponse:
    year, area, ev = _district_evaluation(request, "resources.whatif")
    lines = []
    for i in range(1, WHATIF_ROWS + 1):
        school_id, _, stage = request.GET.get(f"unit_{i}", "")[:40].partition(":")
        lines.append(
            WhatIfLine(
                school_id=school_id,
                stage=stage,
                column=request.GET.get(f"item_{i}", "")[:32],
                amount=request.GET.get(f"amount_{i}", "").strip()[:20],
            )
        )
    result, error = None, ""
    if request.GET.get("run"):
        try:
            adjustments = selectors.parse_whatif(lines, ev)
            result = selectors.what_if(
                user=request.user, school_year=year, area=area, adjustments=adjustments
            )
        except selectors.DomainError as exc:
            error = exc.message
    units = [(f"{s.school_id}", s.stage, f"{s.school_name}（{s.stage_label}）") for s in ev.schools]
    return render(
        request,
        "resources/whatif.html",
        _context(
            request,
            "whatif",
            year,
            area,
            ev=ev,
            lines=list(enumerate(lines, start=1)),
            units=units,
            items=list(ADJUSTABLE.items()),
            result=result,
            error=error,
        ),
        status=400 if error else 200,
    )


@login_required
def export(request: HttpRequest) -> HttpResponse:
    """The self-assessment data annex (the registered report resources.balanced)."""
    return report_response(
        request_actor(request), "resources.balanced", request.GET.get("fmt", "xlsx"), _year(request)
    )


# ---- 普及普惠 -------------------------------------------------------------------------------------


def _preschool_context(year: Any, area: Any, **extra: Any) -> dict[str, Any]:
    return {
        "year": year,
        "area": area,
        "years": list(selectors.SchoolYear.objects.order_by("start_year")),
        "indicators": ALL_PRESCHOOL_INDICATORS,
        **extra,
    }


@login_required
def preschool(request: HttpRequest) -> HttpResponse:
    if _own_card_only(
        request.user, own="resources.own_kindergarten_card", district="resources.preschool_view"
    ):
        return redirect("resources:my_kindergarten")
    selectors.ensure_allowed(request.user, "resources.preschool_view")
    year, area = _year_and_area(request)
    page = selectors.preschool_page(
        user=request.user, school_year=year, area=area, town=request.GET.get("town", "")
    )
    return render(
        request,
        "resources/preschool.html",
        _preschool_context(year, area, tab="preschool", page=page, ev=page.evaluation),
    )


@login_required
def my_kindergarten(request: HttpRequest) -> HttpResponse:
    school_id = request_actor(request).school_id
    if not school_id:
        return redirect("resources:preschool")
    url = reverse("resources:kindergarten_card", args=[school_id])
    year = request.GET.get("year")
    return redirect(f"{url}?year={year[:12]}" if year else url)


@login_required
def kindergarten_card(request: HttpRequest, pk: int) -> HttpResponse:
    year = selectors.school_year_for(request.GET.get("year"))
    card = selectors.kindergarten_card(user=request.user, school_id=pk, school_year=year)
    return render(
        request,
        "resources/kindergarten_card.html",
        _preschool_context(
            year,
            card.evaluation.area,
            tab="card",
            card=card,
            ev=card.evaluation,
            district_link=role_may(request.user, "resources.preschool_view"),
        ),
    )


@login_required
def preschool_export(request: HttpRequest) -> HttpResponse:
    """The 普及普惠 data annex (the registered report resources.preschool)."""
    return report_response(
        request_actor(request), "resources.preschool", request.GET.get("fmt", "xlsx"), _year(request)
    )
