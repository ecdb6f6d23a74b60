"""The groups cockpit (the district's view) and a school's own groups page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from edugov.accounts.actor import request_actor
from edugov.accounts.policy import ensure_can, role_may
from edugov.accounts.scope import scoped
from edugov.common.errors import DomainError, PermissionDenied
from edugov.registry.models import School

from .. import selectors, services
from ..effect import narrowing_summary
from ..models import (
    GroupKind,
)
from ..permissions import action
from .common import _date, _school


@login_required
def cockpit(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    ensure_can(actor, action("view"))
    errors: list[str] = []
    may_create = role_may(actor, action("group_edit"))
    if request.method == "POST":
        ensure_can(actor, action("group_edit"))
        try:
            group = services.group_create(
                actor=actor,
                name=request.POST.get("name", ""),
                kind=request.POST.get("kind", ""),
                lead_school=_school(actor, request.POST.get("lead_school", ""), "牵头学校"),
                members=[
                    s
                    for raw in request.POST.getlist("members")
                    if (s := _school(actor, raw, "成员学校")) is not None
                ],
                start_date=_date(request.POST.get("start_date", ""), "成立日期"),
            )
            messages.success(request, f"已设立“{group.name}”")
            return redirect("groups:group", pk=group.pk)
        except PermissionDenied:
            raise
        except DomainError as exc:
            errors.append(exc.message)
    groups = list(selectors.group_list(actor=actor))
    term = services.term_of(timezone.localdate())
    rows = []
    narrowing = narrowing_summary(groups)  # stored figures: the cockpit computes nothing
    for g in groups:
        uni = selectors.unification_rows(g, term)
        rows.append(
            {
                "group": g,
                "narrowing": narrowing[g.pk],
                "ok": sum(1 for r in uni if r.status == "ok"),
                "missing": 8 - sum(1 for r in uni if r.status == "ok"),
            }
        )
    kinds = {k: sum(1 for g in groups if g.kind == k) for k in GroupKind.values}
    return render(
        request,
        "groups/cockpit.html",
        {
            "rows": rows,
            "term": term,
            "term_name": services.term_label(term),
            "kinds": [(label, kinds[k]) for k, label in GroupKind.choices],
            "kind_choices": GroupKind.choices,
            "schools": scoped(School, actor)
            .filter(archived_at__isnull=True, is_teaching_point=False)
            .order_by("name")
            if may_create
            else [],
            "may_create": may_create,
            "errors": errors,
            "post": request.POST,
        },
        status=400 if errors else 200,
    )


@login_required
def my_school(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    ensure_can(actor, action("school_view"))
    school = actor.school
    if school is None:
        raise Http404
    groups = list(selectors.groups_of_school(actor=actor, school=school))
    return render(request, "groups/my_school.html", {"school": school, "groups": groups})
