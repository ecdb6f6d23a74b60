"""Prepaid fees: orders, the order's consumption and refunds, settling a refund."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from edugov.accounts.actor import request_actor
from edugov.accounts.policy import ensure_can
from edugov.accounts.scope import scoped
from edugov.common.errors import DomainError, PermissionDenied
from edugov.common.text import mask_phone

from .. import forms as f
from .. import selectors, services
from ..models import Consumption, Order, Refund
from .common import _attempt, _may
from .institutions import _child_create


@login_required
def order_create(request: HttpRequest, pk: int) -> HttpResponse:
    return _child_create(
        request,
        pk,
        "tutoring.order_create",
        f.OrderForm,
        lambda i, d: services.order_create(actor=request_actor(request), institution=i, data=d),
        "收费订单已登记",
    )


@login_required
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    ensure_can(request.user, "tutoring.view")
    order = get_object_or_404(scoped(Order, request.user).select_related("institution", "course"), pk=pk)
    cform = f.ConsumptionForm(request.POST if request.POST.get("what") == "consume" else None)
    rform = f.RefundForm(request.POST if request.POST.get("what") == "refund" else None)
    if request.method == "POST":
        if cform.is_bound and cform.is_valid():
            if (
                _attempt(
                    cform,
                    lambda: services.consumption_record(
                        actor=request_actor(request), order=order, **cform.cleaned_data
                    ),
                )
                is not None
            ):
                messages.success(request, "已记录课消")
                return redirect("tutoring:order_detail", pk=pk)
        elif (
            rform.is_bound
            and rform.is_valid()
            and (
                _attempt(
                    rform,
                    lambda: services.refund_request(
                        actor=request_actor(request), order=order, **rform.cleaned_data
                    ),
                )
                is not None
            )
        ):
            messages.success(request, "已登记退费申请")
            return redirect("tutoring:order_detail", pk=pk)
    context = {
        "order": order,
        "parent_phone": order.parent_phone
        if selectors.can_see_identity(request.user)
        else mask_phone(order.parent_phone),
        "consumptions": scoped(Consumption, request.user).filter(order=order).order_by("date"),
        "refunds": scoped(Refund, request.user).filter(order=order),
        "unconsumed": services.order_unconsumed(order),
        "cform": cform,
        "rform": rform,
        "may": _may(request.user, ("consumption_record", "refund_request", "refund_settle"), order),
    }
    return render(request, "tutoring/order_detail.html", context)


@login_required
@require_POST
def refund_settle(request: HttpRequest, pk: int) -> HttpResponse:
    ensure_can(request.user, "tutoring.view")
    refund = get_object_or_404(scoped(Refund, request.user).select_related("order__institution"), pk=pk)
    try:
        services.refund_settle(
            actor=request_actor(request),
            refund=refund,
            paid=request.POST.get("paid") == "1",
            on=timezone.localdate(),
        )
        messages.success(request, "退费已处理")
    except PermissionDenied:
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("tutoring:order_detail", pk=refund.order_id)
