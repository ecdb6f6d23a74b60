"""Pages of party leadership status: the district's progress toward the year-end target (by town,
the schools still to cover), and a school's page where the school or the office keeps its status
and a term's meeting counts. Statuses and counts only."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from edugov.accounts.actor import request_actor
from edugov.accounts.policy import can, ensure_can, role_may
from edugov.accounts.scope import scoped
from edugov.common.errors import DomainError, PermissionDenied
from edugov.registry.models import School

from . import selectors, services
from .errors import PartyError as E
from .models import OrgKind
from .permissions import action


@login_required
def coverage(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    ensure_can(actor, action("view"))
    today = timezone.localdate()
    term = services.term_of(today)
    c = selectors.coverage(actor=actor, today=today, term=term)
    errors: list[str] = []
    district = selectors.district_of(actor)
    may_target = district is not None and can(actor, action("target_edit"), district)
    if request.method == "POST":
        ensure_can(actor, action("target_edit"))
        if district is None:
            raise Http404
        try:
            if request.POST.get("form") == "tutoring":
                services.tutoring_counts_save(
                    actor=actor,
                    area=district,
                    year=today.year,
                    institutions=_int(request.POST.get("institutions", ""), "校外培训机构数"),
                    own_org=_int(request.POST.get("own_org", ""), "单独建立"),
                    joint_org=_int(request.POST.get("joint_org", ""), "联合建立或挂靠"),
                )
                messages.success(request, "已保存校外培训机构党组织覆盖情况")
                return redirect("party:coverage")
            services.target_set(
                actor=actor,
                area=district,
                year=today.year,
                deadline=_date(request.POST.get("deadline", ""), "完成期限"),
                share=_int(request.POST.get("share", "100"), "覆盖目标"),
            )
            messages.success(request, "已保存覆盖目标")
            return redirect("party:coverage")
        except PermissionDenied:
            raise
        except DomainError as exc:
            errors.append(exc.message)
    return render(
        request,
        "party/coverage.html",
        {
            "c": c,
            "charts": c.chart(),
            "uncovered": [r for r in c.rows if not r.covered],
            "tutoring": selectors.tutoring_counts(actor, today.year),
            "may_target": may_target,
            "may_report": role_may(actor, action("report")),
            "errors": errors,
            "year": today.year,
        },
        status=400 if errors else 200,
    )


def _date(raw: str, label: str) -> dt.date:
    try:
        return dt.date.fromisoformat((raw or "").strip()[:10])
    except ValueError:
        raise DomainError(E.BAD_FIELD, field=label, reason="请填写有效日期（如2026-12-31）") from None


def _int(raw: str, label: str) -> int:
    try:
        return int((raw or "0").strip()[:9])
    except ValueError:
        raise DomainError(E.BAD_FIELD, field=label, reason="应为整数") from None


@login_required
def my_school(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    ensure_can(actor, action("school_view"))
    if actor.school_id is None:
        raise Http404
    # Shown here rather than redirected, so the sidebar's 本校党建情况 stays highlighted.
    return school_page(request, pk=actor.school_id)


@login_required
def school_page(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    if not (role_may(actor, action("view")) or role_may(actor, action("school_view"))):
        ensure_can(actor, action("view"))
    school = scoped(School, actor).filter(pk=pk).select_related("area").first()
    if school is None:
        raise Http404
    if not (can(actor, action("view"), school) or can(actor, action("school_view"), school)):
        raise Http404
    may_edit = can(actor, action("status_edit"), school)
    errors: list[str] = []
    today = timezone.localdate()
    term = services.term_of(today)
    if request.method == "POST":
        ensure_can(actor, action("status_edit"), school)
        try:
            _save(actor, school, request.POST, term)
            messages.success(request, "已保存")
            return redirect(request.path)
        except PermissionDenied:
            raise
        except DomainError as exc:
            errors.append(exc.message)
    status, meetings = selectors.school_status(actor=actor, school=school)
    return render(
        request,
        "party/school.html",
        {
            "school": school,
            "status": status,
            "meetings": meetings,
            "term": term,
            "may_edit": may_edit,
            "org_kinds": OrgKind.choices,
            "attach_choices": scoped(School, actor)
            .filter(archived_at__isnull=True, is_teaching_point=False)
            .exclude(pk=school.pk)
            .order_by("name")[:300]
            if may_edit
            else [],
            "errors": errors,
        },
        status=400 if errors else 200,
    )


def _save(actor: Any, school: School, post: Any, term: str) -> None:
    if post.get("form") == "meetings":
        services.meetings_save(
            actor=actor,
            school=school,
            term=post.get("term", term),
            party_meetings=_int(post.get("party_meetings", ""), "党组织会议次数"),
            office_meetings=_int(post.get("office_meetings", ""), "校长办公会议次数"),
        )
        return
    attached = None
    raw = (post.get("attached_to") or "").strip()
    if raw:
        attached = scoped(School, actor).filter(pk=_int(raw, "联合或挂靠学校")).first()
    services.status_save(
        actor=actor,
        school=school,
        org_kind=post.get("org_kind", ""),
        attached_to=attached,
        rules_adopted=post.get("rules_adopted") == "on",
        office_rules_adopted=post.get("office_rules_adopted") == "on",
        demonstration=post.get("demonstration") == "on",
        brand=post.get("brand", ""),
    )
