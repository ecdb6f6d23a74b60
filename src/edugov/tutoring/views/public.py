"""Public pages (no login, rate-limited): institution lookup and detail, the complaint form and its
tracking page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from edugov.common.text import normalize_cell
from edugov.registry.models import Area, AreaLevel

from .. import forms as f
from .. import rules, selectors, services
from ..models import Category, Complaint, Institution, InstitutionStatus, ListStatus
from .common import (
    PUBLIC_COMPLAINTS_PER_HOUR,
    PUBLIC_LOOKUPS_PER_MINUTE,
    _attempt,
    _clean,
    _too_many,
    rate_limited,
)


def public_lookup(request: HttpRequest) -> HttpResponse:
    if rate_limited(request, "lookup", PUBLIC_LOOKUPS_PER_MINUTE, 60):
        return _too_many(request)
    q = _clean(request.GET.get("q", ""))[:50]
    area_code = _clean(request.GET.get("area", ""))[:12]
    towns = Area.objects.filter(level=AreaLevel.TOWN, archived_at__isnull=True).values_list("code", "name")
    rows: list[dict[str, Any]] | None = None
    if q or area_code:
        rows = [
            dict(r)
            for r in selectors.public_search(search=q, area_code=area_code).values(
                "pk", "name", "category", "status", "list_status", "area__name"
            )[:50]
        ]
        labels: dict[str, dict[Any, Any]] = {
            "category": dict(Category.choices),
            "status": dict(InstitutionStatus.choices),
            "list_status": dict(ListStatus.choices),
        }
        for r in rows:
            for key, names in labels.items():
                r[f"{key}_display"] = names.get(r[key], "")
    return render(
        request, "tutoring/public_lookup.html", {"q": q, "area": area_code, "towns": towns, "rows": rows}
    )


def public_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if rate_limited(request, "lookup", PUBLIC_LOOKUPS_PER_MINUTE, 60):
        return _too_many(request)
    row = selectors.public_detail(pk=pk)
    if row is None:
        raise Http404("机构不存在")
    return render(request, "tutoring/public_detail.html", {"i": row})


def _public_institution(raw: str) -> Institution | None:
    return selectors.public_search().filter(pk=int(raw)).first() if raw.isdigit() else None


def public_complaint(request: HttpRequest) -> HttpResponse:
    # "投诉该机构" on an institution's public page names it (?institution=<pk>): the form carries the
    # institution itself in a hidden field, so the parent types neither its name nor its town.
    target = _public_institution((request.POST or request.GET).get("institution", ""))
    form = f.ComplaintPublicForm(request.POST or None, institution=target)
    if request.method == "POST":
        if rate_limited(request, "complaint", PUBLIC_COMPLAINTS_PER_HOUR, 3600):
            return _too_many(request)
        if form.is_valid():
            data = form.cleaned_data
            if data["website"]:  # a bot filled the hidden field: pretend success, store nothing
                done = {"code": "", "limits": rules.complaint_limits()}
                return render(request, "tutoring/public_complaint_done.html", done)
            if target is not None:
                inst: Institution | None = target
                name = target.name
            else:
                name = normalize_cell(data["institution_name"])
                inst = Institution.objects.filter(name=name).select_related("area").first()
            if inst is None and data["area"] is None:
                form.add_error("area", "未找到该机构，请选择其所在乡镇街道")
            else:
                complaint = _attempt(
                    form,
                    lambda: services.complaint_submit(
                        data={
                            "institution": inst,
                            "institution_text": name,
                            "area": data["area"],
                            "topic": data["topic"],
                            "content": data["content"],
                            "contact_name": data["contact_name"],
                            "contact_phone": data["contact_phone"],
                        }
                    ),
                )
                if complaint is not None:
                    done = {
                        "code": complaint.tracking_code,
                        "limits": rules.complaint_limits(complaint.area.path),
                    }
                    return render(request, "tutoring/public_complaint_done.html", done)
    limits = rules.complaint_limits(target.area.path if target is not None else "")
    context = {"form": form, "target": target, "limits": limits}
    return render(request, "tutoring/public_complaint.html", context)


def public_complaint_track(request: HttpRequest) -> HttpResponse:
    if rate_limited(request, "lookup", PUBLIC_LOOKUPS_PER_MINUTE, 60):
        return _too_many(request)
    form = f.RateForm(request.POST or request.GET or None)
    complaint = None
    if form.is_bound and form.is_valid():
        code = form.cleaned_data["code"].strip().upper()
        complaint = Complaint.objects.filter(tracking_code=code).first()
        if complaint is None:
            form.add_error("code", "查询码不存在")
        elif request.method == "POST" and form.cleaned_data.get("rating"):
            done = _attempt(
                form, lambda: services.complaint_rate(tracking_code=code, rating=form.cleaned_data["rating"])
            )
            if done is not None:
                complaint = done
                messages.success(request, "感谢您的评价")
    steps = selectors.complaint_public_steps(complaint=complaint) if complaint is not None else []
    return render(
        request, "tutoring/public_complaint_track.html", {"form": form, "c": complaint, "steps": steps}
    )
