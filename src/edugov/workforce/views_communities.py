"""The studio board page with its entry forms, and the forms posted to it besides the studio's: a
research community founded, an activity recorded; and a rural school's remoteness tier set from
the appraisal page. Each posts to its page's own address (a hidden `form` names which one); a
refusal re-renders the page with the message (400), nothing written."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from edugov.accounts.models import User
from edugov.accounts.policy import ensure_can, role_may
from edugov.common.errors import DomainError, PermissionDenied
from edugov.registry.models import SchoolYear

from . import appraisal, studios
from .forms import ActivityForm, CommunityForm, StudioForm, TierForm
from .permissions import action


def board_page(
    request: HttpRequest,
    actor: User,
    *,
    studio_form: StudioForm | None = None,
    community_form: CommunityForm | None = None,
    activity_form: ActivityForm | None = None,
) -> HttpResponse:
    """The studio board with its entry forms (a bound one carrying its refusal: 400)."""
    today = timezone.localdate()
    may_edit = role_may(actor, action("studio_edit"))
    if may_edit:
        studio_form = studio_form or StudioForm(user=actor)
        community_form = community_form or CommunityForm(user=actor)
        activity_form = activity_form or ActivityForm(user=actor)
    rows = studios.studio_board(actor=actor, today=today)
    bound = (studio_form, community_form, activity_form)
    return render(
        request,
        "workforce/studios.html",
        {
            "rows": rows,
            "today": today,
            "overdue": [r for row in rows for r in row.overdue],
            "communities": studios.communities(actor=actor),
            "may_edit": may_edit,
            "grace": studios.grace_days(),
            "studio_form": studio_form,
            "community_form": community_form,
            "activity_form": activity_form,
        },
        status=400 if any(f is not None and f.is_bound and f.errors for f in bound) else 200,
    )


def community_post(request: HttpRequest, actor: User) -> HttpResponse:
    ensure_can(actor, action("studio_edit"))
    form = CommunityForm(request.POST, user=actor)
    if form.is_valid():
        d = form.cleaned_data
        try:
            community = studios.community_create(
                actor=actor,
                name=d["name"],
                kind=d["kind"],
                lead=d["lead"],
                subject=d["subject"],
                members=list(d["members"]),
            )
        except PermissionDenied:
            raise
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"已成立{community.name}")
            return redirect(reverse("workforce:studios") + "#communities")
    return board_page(request, actor, community_form=form)


def activity_post(request: HttpRequest, actor: User) -> HttpResponse:
    ensure_can(actor, action("studio_edit"))
    form = ActivityForm(request.POST, user=actor)
    if form.is_valid():
        d = form.cleaned_data
        try:
            row = studios.activity_add(
                actor=actor,
                community=d["community"],
                held_on=d["held_on"],
                title=d["title"],
                participants=d["participants"],
                summary=d["summary"],
                today=timezone.localdate(),
            )
        except PermissionDenied:
            raise
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"已登记{row.community.name}活动：{row.title}")
            return redirect(reverse("workforce:studios") + "#communities")
    return board_page(request, actor, activity_form=form)


def tier_post(
    request: HttpRequest, actor: User, year: SchoolYear | None
) -> tuple[HttpResponse | None, TierForm]:
    """Sets a rural school's tier: the redirect when done, else the bound form with its refusal."""
    ensure_can(actor, action("tier_edit"))
    form = TierForm(request.POST, user=actor)
    if form.is_valid():
        school = form.cleaned_data["school"]
        try:
            row = appraisal.tier_set(actor=actor, school=school, tier=form.cleaned_data["tier"])
        except PermissionDenied:
            raise
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"已将{school.name}核定为艰苦边远{row.tier}档")
            suffix = f"?year={year.start_year}" if year else ""
            return redirect(reverse("workforce:appraisal") + suffix + "#allowances"), form
    return None, form
