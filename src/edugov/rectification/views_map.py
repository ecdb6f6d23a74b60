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

from edugov.accounts.actor import request_actor
from edugov.accounts.models import User
from edugov.accounts.policy import role_may
from edugov.common.errors import DomainError

from . import geo, permissions, selectors
from .forms import ItemFilterForm


def battle_map_payload(*, user: User, filters: dict[str, Any]) -> dict[str, Any]:
    """The map's data (selectors.battle_map) with the link pattern of an item's page, as the page's
    script and the JSON endpoint read it."""
    item_url = reverse("rectification:item_detail", args=[0]).replace("/0/", "/{id}/")
    return {**selectors.battle_map(actor=user, filters=filters), "item_url": item_url}


def _ensure_bureau(user: User) -> None:
    if not role_may(user, permissions.action("battle_map")):
        raise Http404("页面不存在")


@login_required
def battle_map(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    _ensure_bureau(actor)
    form = ItemFilterForm(request.GET or None, user=actor)
    district = selectors.battle_map_district(actor=actor)
    payload = battle_map_payload(user=actor, filters=form.filters)
    return render(
        request,
        "rectification/battle_map.html",
        {
            "form": form,
            "payload": payload,
            "district": district,
            "has_boundary": district is not None and geo.boundary_for(district) is not None,
            "can_upload": role_may(actor, permissions.action("boundary_upload")),
        },
    )


@login_required
def battle_map_data(request: HttpRequest) -> JsonResponse:
    actor = request_actor(request)
    _ensure_bureau(actor)
    form = ItemFilterForm(request.GET or None, user=actor)
    return JsonResponse(battle_map_payload(user=actor, filters=form.filters))


@login_required
def boundary_file(request: HttpRequest) -> JsonResponse:
    actor = request_actor(request)
    district = selectors.battle_map_district(actor=actor)
    data = geo.boundary_for(district) if district is not None else None
    if data is None:
        raise Http404("尚未生成或上传边界文件")
    return JsonResponse(data)


@login_required
def boundary_upload(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    if not role_may(actor, permissions.action("boundary_upload")):
        raise Http404("页面不存在")
    district = selectors.battle_map_district(actor=actor)
    error = ""
    if request.method == "POST" and district is not None:
        try:
            geo.boundary_replace(
                actor=actor,
                district=district,
                upload=request.FILES.get("file"),
                generate=bool(request.POST.get("generate")),
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
