"""The battle map (挂图作战): the district's towns (offline GeoJSON), schools and institutions with
their open items by status and severity (overdue in red), filters, drill-down to the items; and
the administrator's upload of a real boundary file."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from edugov.accounts.models import Role
from edugov.accounts.scope import scoped
from edugov.common.errors import DomainError
from edugov.registry.models import Area, AreaLevel

from . import geo, selectors
from .forms import ItemFilterForm
from .models import OPEN_STATUSES, SEVERITY_RANK, ItemStatus, Severity


def _district(user: Any) -> Area | None:
    area = scoped(Area, user).filter(level__lte=AreaLevel.DISTRICT).order_by("-level", "path").first()
    if area is None or area.level != AreaLevel.DISTRICT:
        return scoped(Area, user).filter(level=AreaLevel.DISTRICT).order_by("path").first()
    return area


def battle_map_payload(*, user: Any, filters: dict[str, Any]) -> dict[str, Any]:
    """Plain data for ECharts: one point per unit with open items, and the board's columns."""
    today = selectors.today()
    qs = selectors.item_list(
        user=user,
        source=filters.get("source", ""),
        department=filters.get("department", ""),
        status=filters.get("status", ""),
        severity=filters.get("severity", ""),
        unit_kind=filters.get("unit_kind", ""),
        overdue=bool(filters.get("overdue")),
        open_only=True,
    ).select_related(None)
    rows = qs.values_list(
        "pk",
        "title",
        "unit_kind",
        "school_id",
        "institution_id",
        "unit_name",
        "longitude",
        "latitude",
        "status",
        "severity",
        "deadline",
    ).order_by("deadline")
    units: dict[str, dict[str, Any]] = {}
    columns = {
        s: {"status": s, "label": ItemStatus(s).label, "count": 0, "overdue": 0, "items": []}
        for s in OPEN_STATUSES
    }
    for pk, title, kind, school_id, inst_id, name, lon, lat, status, severity, deadline in rows:
        overdue = (
            status in (ItemStatus.OPEN, ItemStatus.ASSIGNED, ItemStatus.IN_RECTIFICATION, ItemStatus.RETURNED)
            and deadline < today
        )
        col = columns[status]
        col["count"] += 1
        col["overdue"] += overdue
        if len(col["items"]) < 8:
            col["items"].append(
                {
                    "id": pk,
                    "title": title,
                    "unit": name,
                    "overdue": overdue,
                    "deadline": deadline.isoformat(),
                    "severity": severity,
                }
            )
        if lon is None or lat is None:
            continue
        key = f"{kind}:{school_id or inst_id}"
        u = units.setdefault(
            key,
            {
                "name": name,
                "kind": kind,
                "value": [float(lon), float(lat), 0],
                "overdue": 0,
                "worst": Severity.LOW,
                "items": [],
                "statuses": {},
            },
        )
        u["value"][2] += 1
        u["overdue"] += overdue
        if SEVERITY_RANK[severity] > SEVERITY_RANK[u["worst"]]:
            u["worst"] = severity
        u["statuses"][status] = u["statuses"].get(status, 0) + 1
        if len(u["items"]) < 5:
            u["items"].append({"id": pk, "title": title})
    for u in units.values():
        u["statuses"] = {ItemStatus(k).label: v for k, v in u["statuses"].items()}
    return {
        "units": list(units.values()),
        "columns": list(columns.values()),
        "total": sum(c["count"] for c in columns.values()),
        "overdue": sum(c["overdue"] for c in columns.values()),
        "item_url": reverse("rectification:item_detail", args=[0]).replace("/0/", "/{id}/"),
    }


BUREAU = (Role.DISTRICT_ADMIN, Role.DEPARTMENT_OFFICER, Role.INSPECTOR, Role.LEADER)


def _ensure_bureau(user: Any) -> None:
    if not (user.is_superuser or user.role in BUREAU):
        raise Http404("页面不存在")


@login_required
def battle_map(request: HttpRequest) -> HttpResponse:
    _ensure_bureau(request.user)
    form = ItemFilterForm(request.GET or None, user=request.user)
    district = _district(request.user)
    payload = battle_map_payload(user=request.user, filters=form.filters)
    return render(
        request,
        "rectification/battle_map.html",
        {
            "form": form,
            "payload": payload,
            "district": district,
            "has_boundary": district is not None and geo.boundary_for(district) is not None,
            "can_upload": request.user.is_superuser or request.user.role == Role.DISTRICT_ADMIN,
        },
    )


@login_required
def battle_map_data(request: HttpRequest) -> JsonResponse:
    _ensure_bureau(request.user)
    form = ItemFilterForm(request.GET or None, user=request.user)
    return JsonResponse(battle_map_payload(user=request.user, filters=form.filters))


@login_required
def boundary_file(request: HttpRequest) -> JsonResponse:
    district = _district(request.user)
    data = geo.boundary_for(district) if district is not None else None
    if data is None:
        raise Http404("尚未生成或上传边界文件")
    return JsonResponse(data)


@login_required
def boundary_upload(request: HttpRequest) -> HttpResponse:
    if not (request.user.is_superuser or request.user.role == Role.DISTRICT_ADMIN):
        raise Http404("页面不存在")
    district = _district(request.user)
    error = ""
    if request.method == "POST" and district is not None:
        upload = request.FILES.get("file")
        if request.POST.get("generate"):
            try:
                geo.boundary_save(
                    district=district,
                    geojson=geo.generate_boundary(district),
                    user=request.user,
                    generated=True,
                    original_name="系统生成",
                )
            except DomainError as exc:
                error = exc.message
        elif upload is None:
            error = "请选择边界文件（GeoJSON）"
        elif upload.size and upload.size > geo.MAX_BOUNDARY_BYTES:
            error = geo.BoundaryError.TOO_LARGE.message.format(limit=geo.MAX_BOUNDARY_BYTES // (1024 * 1024))
        else:
            try:
                data = geo.validate_boundary(upload.read(), district=district)
                geo.boundary_save(
                    district=district, geojson=data, user=request.user, original_name=upload.name or ""
                )
            except DomainError as exc:
                error = exc.message
        if not error:
            messages.success(request, "边界文件已更新")
            return redirect("rectification:battle_map")
    return render(
        request,
        "rectification/boundary_upload.html",
        {"district": district, "error": error},
        status=400 if error else 200,
    )
