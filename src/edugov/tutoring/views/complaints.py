"""Complaints as the supervisor handles them (the public form is in public.py): the filtered list
with overdue flags, and a complaint's page with its steps and the forms of the steps open now."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from edugov.accounts.actor import request_actor
from edugov.accounts.policy import ensure_can
from edugov.accounts.scope import scoped
from edugov.common.text import mask_phone
from edugov.web.paging import paginate

from .. import forms as f
from .. import rules, selectors, services
from ..models import Complaint, ComplaintStep
from .common import _attempt, _may

DONE = {
    ComplaintStep.ACCEPT: "已受理",
    ComplaintStep.REFER: "已转办",
    ComplaintStep.INVESTIGATE: "调查核实情况已记录",
    ComplaintStep.REPLY: "已答复",
}


@login_required
def complaint_list(request: HttpRequest) -> HttpResponse:
    ensure_can(request.user, "tutoring.supervise")
    today = timezone.localdate()
    form = f.ComplaintFilterForm(request.GET or None, user=request.user)
    filters = selectors.ComplaintFilters()
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        filters = selectors.ComplaintFilters(
            status=d["status"],
            area_id=d["area"].pk if d["area"] else None,
            institution_id=d["institution"].pk if d["institution"] else None,
            overdue=d["overdue"],
            start=d["start"],
            end=d["end"],
            topic=d["topic"],
        )
    qs = selectors.complaint_list(user=request.user, today=today, filters=filters)
    page, query = paginate(request, qs)
    context = {
        "page": page,
        "query": query,
        "form": form,
        "institution": form.cleaned_data.get("institution") if form.is_bound and form.is_valid() else None,
        "counts": selectors.complaint_overdue_counts(user=request.user, today=today),
        "overdue_words": rules.OVERDUE_WORDS,
    }
    return render(request, "tutoring/complaint_list.html", context)


def _step_forms(request: HttpRequest, step: str) -> dict[str, forms.Form]:
    """One form per step, bound to the POST only for the step that was submitted."""
    data = request.POST if request.method == "POST" else None

    def bound(name: str) -> Any:
        return data if step == name else None

    return {
        ComplaintStep.ACCEPT: forms.Form(bound(ComplaintStep.ACCEPT)),
        ComplaintStep.REFER: f.ReferForm(bound(ComplaintStep.REFER), user=request.user),
        ComplaintStep.INVESTIGATE: f.InvestigateForm(
            bound(ComplaintStep.INVESTIGATE), initial={"investigated_on": timezone.localdate()}
        ),
        ComplaintStep.REPLY: f.ReplyForm(bound(ComplaintStep.REPLY)),
    }


@login_required
def complaint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    ensure_can(request.user, "tutoring.supervise")
    complaint = get_object_or_404(
        scoped(Complaint, request.user).select_related("institution", "area"), pk=pk
    )
    step = request.POST.get("step", "")
    step_forms = _step_forms(request, step)
    form = step_forms.get(step)
    if request.method == "POST" and form is not None and form.is_valid():
        actor, d = request_actor(request), form.cleaned_data
        run: dict[str, Callable[[], Any]] = {
            ComplaintStep.ACCEPT: lambda: services.complaint_accept(actor=actor, complaint=complaint),
            ComplaintStep.REFER: lambda: services.complaint_refer(
                actor=actor,
                complaint=complaint,
                referred_to=d.get("referred_to", ""),
                area=d.get("area"),
                note=d.get("note", ""),
            ),
            ComplaintStep.INVESTIGATE: lambda: services.complaint_investigate(
                actor=actor,
                complaint=complaint,
                investigators=d.get("investigators", ""),
                investigated_on=d.get("investigated_on"),
                findings=d.get("findings", ""),
                evidence=d.get("evidence", ""),
            ),
            ComplaintStep.REPLY: lambda: services.complaint_reply(
                actor=actor, complaint=complaint, reply=d.get("reply", "")
            ),
        }
        if _attempt(form, run[step]) is not None:
            messages.success(request, DONE[ComplaintStep(step)])
            return redirect("tutoring:complaint_detail", pk=pk)
    full = selectors.can_see_identity(request.user)
    may = _may(
        request.user,
        ("complaint_accept", "complaint_refer", "complaint_investigate", "complaint_reply"),
        complaint,
    )
    allowed = services.complaint_allowed_steps(complaint)
    open_steps = [(s, ComplaintStep(s).label, step_forms[s]) for s in allowed if may.get(f"complaint_{s}")]
    today = timezone.localdate()
    context = {
        "c": complaint,
        "phone": complaint.contact_phone if full else mask_phone(complaint.contact_phone),
        "events": selectors.complaint_events(complaint=complaint),
        "open_steps": open_steps,
        "overdue": rules.complaint_overdue(
            status=complaint.status,
            accept_deadline=complaint.accept_deadline,
            deadline=complaint.deadline,
            today=today,
        ),
        "overdue_words": rules.OVERDUE_WORDS,
    }
    return render(request, "tutoring/complaint_detail.html", context)
