"""Complaints as the supervisor handles them (the public form is in public.py)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from edugov.accounts.actor import request_actor
from edugov.accounts.policy import ensure_can
from edugov.accounts.scope import scoped
from edugov.common.text import mask_phone
from edugov.web.paging import paginate

from .. import forms as f
from .. import selectors, services
from ..models import Complaint
from .common import _attempt, _may


@login_required
def complaint_list(request: HttpRequest) -> HttpResponse:
    ensure_can(request.user, "tutoring.supervise")
    qs = scoped(Complaint, request.user).select_related("institution", "area")
    page, query = paginate(request, qs)
    return render(
        request,
        "tutoring/complaint_list.html",
        {"page": page, "query": query, "full": selectors.can_see_identity(request.user)},
    )


@login_required
def complaint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    ensure_can(request.user, "tutoring.supervise")
    complaint = get_object_or_404(
        scoped(Complaint, request.user).select_related("institution", "area"), pk=pk
    )
    form = f.ReplyForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and _attempt(
            form,
            lambda: services.complaint_reply(
                actor=request_actor(request), complaint=complaint, reply=form.cleaned_data["reply"]
            ),
        )
    ):
        messages.success(request, "已答复")
        return redirect("tutoring:complaint_detail", pk=pk)
    phone = (
        complaint.contact_phone
        if selectors.can_see_identity(request.user)
        else mask_phone(complaint.contact_phone)
    )
    context = {
        "c": complaint,
        "form": form,
        "phone": phone,
        "may": _may(request.user, ("complaint_reply",), complaint),
    }
    return render(request, "tutoring/complaint_detail.html", context)
