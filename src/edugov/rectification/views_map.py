"""The battle map (挂图作战): the district's towns (offline GeoJSON), schools and institutions with
their open items by status and severity (overdue in red), filters, drill-down to the items; and
the administrator's upload of a real boundary file."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Case, Count, F, IntegerField, Max, Min, Sum, Value, When, Window
from django.db.models.functions import RowNumber
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from edugov.accounts.policy import role_may
from edugov.accounts.scope import scoped
from edugov.common.cache import cached_figure
from edugov.common.errors import DomainError
from edugov.registry.models import Area, AreaLevel

from . import geo, permissions, selectors
from .forms import ItemFilterForm
from .models import OPEN_STATUSES, SEVERITY_RANK, WORKING_STATUSES, ItemStatus, Severity

COLUMN_ITEMS = 8  # items shown in each board column
UNIT_ITEMS = 5  # items listed in a unit's map tooltip


def _district(user: Any) -> Area | None:
    area = scoped(Area, user).filter(level__lte=AreaLevel.DISTRICT).order_by("-level", "path").first()
    if area is None or area.level != AreaLevel.DISTRICT:
        return scoped(Area, user).filter(level=AreaLevel.DISTRICT).order_by("path").first()
    return area


def battle_map_payload(*, user: Any, filters: dict[str, Any]) -> dict[str, Any]:
    """Plain data for ECharts: one point per unit with open items, and the board's columns.

    Cached per scope, filters and day under the data generation (common.cache): the map is the
    page leaders keep open on the wall, and it changes only when an item does."""
    return _battle_map_payload(user=user, filters=tuple(sorted(filters.items())), on=selectors.today())


@cached_figure("rectification.battle_map")
def _battle_map_payload(*, user: Any, filters: tuple[tuple[str, Any], ...], on: dt.date) -> dict[str, Any]:
    # Counted in the database, grouped by unit and status: with 10,000 open items the page reads a
    # few hundred grouped rows and the first items of each column and unit, not every item.
    qs = (
        selectors.item_list_filtered(user=user, filters=dict(filters), open_only=True, on=on)
        .select_related(None)
        .order_by()
    )
    overdue = Case(
        When(status__in=WORKING_STATUSES, deadline__lt=on, then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    rank = Case(
        *(When(severity=s, then=Value(r)) for s, r in SEVERITY_RANK.items()),
        default=Value(0),
        output_field=IntegerField(),
    )
    columns = {
        s: {"status": s, "label": ItemStatus(s).label, "count": 0, "overdue": 0, "items": []}
        for s in OPEN_STATUSES
    }
    for row in qs.values("status").annotate(n=Count("id"), late=Sum(overdue)):
        columns[row["status"]]["count"] = row["n"]
        columns[row["status"]]["overdue"] = row["late"] or 0
    for status, col in columns.items():
        if not col["count"]:
            continue
        for pk, title, name, deadline, severity, late in (
            qs.filter(status=status)
            .annotate(late=overdue)
            .order_by("deadline", "pk")
            .values_list("pk", "title", "unit_name", "deadline", "severity", "late")[:COLUMN_ITEMS]
        ):
            col["items"].append(
                {
                    "id": pk,
                    "title": title,
                    "unit": name,
                    "overdue": bool(late),
                    "deadline": deadline.isoformat(),
                    "severity": severity,
                }
            )

    located = qs.filter(longitude__isnull=False, latitude__isnull=False)
    units: dict[tuple[str, int | None, int | None], dict[str, Any]] = {}
    grouped = (
        located.values("unit_kind", "school_id", "institution_id", "status")
        .annotate(
            name=Min("unit_name"),
            lon=Min("longitude"),
            lat=Min("latitude"),
            n=Count("id"),
            late=Sum(overdue),
            worst=Max(rank),
        )
        .order_by("unit_kind", "school_id", "institution_id")
    )
    for row in grouped:
        key = (row["unit_kind"], row["school_id"], row["institution_id"])
        u = units.setdefault(
            key,
            {
                "name": row["name"],
                "kind": row["unit_kind"],
                "value": [float(row["lon"]), float(row["lat"]), 0],
                "overdue": 0,
                "worst": Severity.LOW,
                "worst_rank": 0,
                "items": [],
                "statuses": {},
            },
        )
        u["value"][2] += row["n"]
        u["overdue"] += row["late"] or 0
        if row["worst"] > u["worst_rank"]:
            u["worst_rank"] = row["worst"]
            u["worst"] = next(s for s, r in SEVERITY_RANK.items() if r == row["worst"])
        u["statuses"][row["status"]] = row["n"]
    first = (
        located.values("unit_kind", "school_id", "institution_id", "pk", "title", "deadline")
        .annotate(
            nth=Window(
                RowNumber(),
                partition_by=[F("unit_kind"), F("school_id"), F("institution_id")],
                order_by=[F("deadline").asc(), F("pk").asc()],
            )
        )
        .filter(nth__lte=UNIT_ITEMS)
    )
    for kind, school_id, inst_id, pk, title in first.order_by("deadline", "pk").values_list(
        "unit_kind", "school_id", "institution_id", "pk", "title"
    ):
        units[(kind, school_id, inst_id)]["items"].append({"id": pk, "title": title})
    for u in units.values():
        del u["worst_rank"]
        u["statuses"] = {ItemStatus(s).label: u["statuses"][s] for s in OPEN_STATUSES if s in u["statuses"]}
    return {
        "units": list(units.values()),
        "columns": list(columns.values()),
        "total": sum(c["count"] for c in columns.values()),
        "overdue": sum(c["overdue"] for c in columns.values()),
        "item_url": reverse("rectification:item_detail", args=[0]).replace("/0/", "/{id}/"),
    }


def _ensure_bureau(user: Any) -> None:
    if not role_may(user, permissions.action("battle_map")):
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
            "can_upload": role_may(request.user, permissions.action("boundary_upload")),
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
    if not role_may(request.user, permissions.action("boundary_upload")):
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
