"""The shadowing placements page (跟岗学习): the placements the reader may see, the personnel
department's entry form and the outcome of an ongoing placement. Both forms post to the page's
own address (a hidden `form` names which); a refusal re-renders the page with the message (400),
nothing written."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from edugov.accounts.actor import request_actor
from edugov.accounts.models import User
from edugov.accounts.policy import ensure_can, role_may
from edugov.common.errors import DomainError, PermissionDenied

from . import shadowing
from .forms import ShadowingForm, ShadowingOutcomeForm
from .models import MentoringOutcome
from .permissions import action
from .views import _ensure_reader

SHOWN = 300


def _page(
    request: HttpRequest,
    actor: User,
    *,
    form: ShadowingForm | None = None,
    outcome_form: ShadowingOutcomeForm | None = None,
) -> HttpResponse:
    may_edit = role_may(actor, action("exchange_edit"))
    if may_edit:
        form = form or ShadowingForm(user=actor)
        outcome_form = outcome_form or ShadowingOutcomeForm(user=actor)
    rows = list(shadowing.placement_list(actor=actor).order_by("-start_date", "-pk")[:SHOWN])
    today = timezone.localdate()
    ongoing = [r for r in rows if r.outcome == MentoringOutcome.ONGOING]
    return render(
        request,
        "workforce/shadowing.html",
        {
            "rows": rows,
            "today": today,
            "ongoing": len(ongoing),
            "ended_without_outcome": sum(1 for r in ongoing if r.end_date <= today),
            "may_edit": may_edit,
            "form": form,
            # Shown while a placement awaits its outcome, or to carry its refusal.
            "outcome_form": outcome_form if ongoing or (outcome_form and outcome_form.is_bound) else None,
        },
        status=400 if any(f is not None and f.is_bound and f.errors for f in (form, outcome_form)) else 200,
    )


@login_required
def shadowing_page(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    _ensure_reader(actor)
    if request.method != "POST":
        return _page(request, actor)
    ensure_can(actor, action("exchange_edit"))
    if request.POST.get("form") == "outcome":
        outcome_form = ShadowingOutcomeForm(request.POST, user=actor)
        if outcome_form.is_valid():
            d = outcome_form.cleaned_data
            try:
                row = shadowing.placement_outcome(
                    actor=actor, placement=d["placement"], outcome=d["outcome"], evaluation=d["evaluation"]
                )
            except PermissionDenied:
                raise
            except DomainError as exc:
                outcome_form.add_error(None, exc.message)
            else:
                messages.success(request, f"已评定{row.teacher.name}的跟岗成效：{row.get_outcome_display()}")
                return redirect("workforce:shadowing")
        return _page(request, actor, outcome_form=outcome_form)
    form = ShadowingForm(request.POST, user=actor)
    if form.is_valid():
        d = form.cleaned_data
        try:
            row = shadowing.placement_create(
                actor=actor,
                teacher=d["teacher"],
                host_school=d["host_school"],
                mentor=d["mentor"],
                start_date=d["start_date"],
                end_date=d["end_date"],
                goals=d["goals"],
            )
        except PermissionDenied:
            raise
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"已登记{row.teacher.name}到{row.host_school.name}跟岗学习")
            return redirect("workforce:shadowing")
    return _page(request, actor, form=form)
