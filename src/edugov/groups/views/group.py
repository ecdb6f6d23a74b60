"""A group's page and its forms: record an activity, keep a term's plan, edit the group."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from edugov.accounts.policy import can, ensure_can
from edugov.common.errors import DomainError, PermissionDenied

from .. import selectors, services
from ..effect import effect_stored
from ..errors import GroupsError as E
from ..models import (
    ActivityKind,
    GroupKind,
    SchoolGroup,
    Unification,
)
from ..permissions import action
from .common import (
    _current_term,
    _date,
    _group,
    _int,
    _required_school,
    _school,
    _school_choices,
    _teacher_choices,
    group_url,
)


@login_required
def group_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor, group = _group(request, pk)
    today = timezone.localdate()
    terms = selectors.terms(group, today)
    term = request.GET.get("term", "")
    if term not in terms:
        term = services.term_of(today)
    return _render_group(request, actor, group, term)


def _render_group(
    request: HttpRequest, actor: Any, group: SchoolGroup, term: str, errors: list[str] | None = None
) -> HttpResponse:
    today = timezone.localdate()
    members = selectors.members(group)
    own_schools = [m.school for m in members if can(actor, action("activity_edit"), m.school)]
    stored = effect_stored(group)  # computed when the data changed, never on the page
    effect = stored.effect
    may_edit = can(actor, action("group_edit"), group)
    may_joint = can(actor, action("joint_class_edit"), group.lead_school)
    current = [m for m in members if m.left_on is None]
    # One line per member, named in a legend, drawn straight between the years (a smoothed curve
    # would show gaps between school years that were never measured).
    chart = {
        "effect": {
            "key": "effect",
            "title": "与牵头学校的差距",
            "kind": "line",
            "unit": "项",
            "legend": True,
            "smooth": False,
            "categories": effect.years,
            "series": [{"name": s.school_name, "data": s.gaps} for s in effect.series],
        }
    }
    for m in stored.measures:
        if m.available:
            chart[f"measure_{m.code}"] = {
                "key": f"measure_{m.code}",
                "title": f"{m.label}：与牵头学校的差距",
                "kind": "line",
                "unit": m.unit,
                "legend": True,
                "smooth": False,
                "categories": m.years,
                "series": [{"name": s.school_name, "data": s.gaps} for s in m.series],
            }
    return render(
        request,
        "groups/group.html",
        {
            "group": group,
            "members": members,
            "term": term,
            "term_name": services.term_label(term),
            "terms": [(t, services.term_label(t)) for t in selectors.terms(group, today)],
            "unifications": selectors.unification_rows(group, term),
            "credited": selectors.member_activity(group, term),
            "activities": selectors.activities(group, term)[:50],
            "joint_classes": selectors.joint_classes(group),
            "joint_totals": selectors.joint_totals(group),
            "effect": effect,
            "stored": stored,
            "charts": chart,
            "own_schools": own_schools,
            "may_plan": can(actor, action("plan_edit"), group),
            "may_edit": may_edit and group.end_date is None,
            "may_joint": may_joint and group.end_date is None,
            "current_members": current,
            "add_choices": _school_choices(actor).exclude(pk__in=[m.school_id for m in members])
            if may_edit
            else [],
            "teacher_choices": _teacher_choices(actor, [m.school_id for m in current]) if may_joint else [],
            "evidence": selectors.evidence_files(group, term),
            "kind_choices": GroupKind.choices,
            "measures": stored.measures,
            "may_report": can(actor, action("report"), group),
            "unification_choices": Unification.choices,
            "activity_kinds": ActivityKind.choices,
            "today": today,
            "errors": errors or [],
            "post": request.POST,
        },
        status=400 if errors else 200,
    )


@login_required
@require_POST
def activity_new(request: HttpRequest, pk: int) -> HttpResponse:
    actor, group = _group(request, pk)
    ensure_can(actor, action("activity_edit"))
    term = services.term_of(timezone.localdate())
    try:
        school = _school(actor, request.POST.get("school", ""), "承办学校")
        if school is None:
            raise DomainError(E.BAD_FIELD, field="承办学校", reason="请选择学校")
        row = services.activity_record(
            actor=actor,
            group=group,
            school=school,
            unification=request.POST.get("unification", ""),
            kind=request.POST.get("kind", ""),
            title=request.POST.get("title", ""),
            held_on=_date(request.POST.get("held_on", ""), "日期"),
            participants=_int(request.POST.get("participants", ""), "参与人次"),
        )
    except PermissionDenied:
        raise
    except DomainError as exc:
        return _render_group(request, actor, group, term, [exc.message])
    messages.success(request, f"已登记“{row.title}”，计入全部成员校")
    return redirect(f"{group_url(group)}?term={row.term}")


@login_required
@require_POST
def plan_save(request: HttpRequest, pk: int) -> HttpResponse:
    actor, group = _group(request, pk)
    term = request.POST.get("term", "")
    try:
        services.plan_save(
            actor=actor,
            group=group,
            term=term,
            unification=request.POST.get("unification", ""),
            plan=request.POST.get("plan", ""),
            evidence=request.POST.get("evidence", ""),
        )
    except PermissionDenied:
        raise
    except DomainError as exc:
        return _render_group(request, actor, group, services.term_of(timezone.localdate()), [exc.message])
    messages.success(request, "已保存工作计划")
    return redirect(f"{group_url(group)}?term={term}")


@login_required
@require_POST
def group_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The officer's forms on the group page: edit, end, a member joins or leaves."""
    actor, group = _group(request, pk)
    ensure_can(actor, action("group_edit"), group)
    form = request.POST.get("form", "")
    try:
        if form == "update":
            services.group_update(
                actor=actor,
                group=group,
                name=request.POST.get("name", ""),
                kind=request.POST.get("kind", ""),
                lead_school=_school(actor, request.POST.get("lead_school", ""), "牵头学校"),
            )
            done = "已保存集团信息"
        elif form == "end":
            services.group_end(
                actor=actor, group=group, end_date=_date(request.POST.get("end_date", ""), "结束日期")
            )
            done = "集团已结束，成员校同日退出"
        elif form == "add":
            school = _required_school(actor, request.POST.get("school", ""), "成员学校")
            services.member_add(
                actor=actor,
                group=group,
                school=school,
                joined_on=_date(request.POST.get("joined_on", ""), "加入日期"),
            )
            done = f"{school.name}已加入集团"
        elif form == "leave":
            school = _required_school(actor, request.POST.get("school", ""), "成员学校")
            services.member_leave(
                actor=actor,
                group=group,
                school=school,
                left_on=_date(request.POST.get("left_on", ""), "退出日期"),
            )
            done = f"{school.name}已退出集团"
        else:
            raise DomainError(E.BAD_FIELD, field="操作", reason="无法识别")
    except PermissionDenied:
        raise
    except DomainError as exc:
        group.refresh_from_db()
        return _render_group(request, actor, group, _current_term(request), [exc.message])
    messages.success(request, done)
    return redirect(group_url(group))
