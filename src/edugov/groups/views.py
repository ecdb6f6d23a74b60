"""Pages of school groups (集团化办学): the cockpit of every group the actor reads (an officer sets one
up there), a group's page (members, the term's eight unifications, activities, joint classes, the
effect chart) where members record activities and the head keeps plans, and a school's own groups."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from edugov.accounts.actor import request_actor
from edugov.accounts.policy import can, ensure_can, role_may
from edugov.accounts.scope import scoped, write_scoped
from edugov.common.errors import DomainError, PermissionDenied
from edugov.registry.models import School

from . import selectors, services
from .errors import GroupsError as E
from .models import ActivityKind, GroupKind, SchoolGroup, Unification
from .permissions import action


def _date(raw: str, label: str) -> dt.date:
    try:
        return dt.date.fromisoformat((raw or "").strip()[:10])
    except ValueError:
        raise DomainError(E.BAD_FIELD, field=label, reason="请填写有效日期（如2026-09-01）") from None


def _int(raw: str, label: str) -> int:
    try:
        return int((raw or "0").strip()[:9])
    except ValueError:
        raise DomainError(E.BAD_FIELD, field=label, reason="应为整数") from None


def _school(actor: Any, raw: str, label: str) -> School | None:
    if not (raw or "").strip():
        return None
    try:
        pk = int(raw.strip()[:12])
    except ValueError:
        raise DomainError(E.BAD_FIELD, field=label, reason="请选择学校") from None
    school = write_scoped(School.objects.all(), actor).filter(pk=pk).first()
    if school is None:
        raise DomainError(E.BAD_FIELD, field=label, reason="学校不存在或不在您的数据范围内")
    return school


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
    for g in groups:
        uni = selectors.unification_rows(g, term)
        rows.append(
            {
                "group": g,
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


def _group(request: HttpRequest, pk: int) -> tuple[Any, SchoolGroup]:
    actor = request_actor(request)
    if not (role_may(actor, action("view")) or role_may(actor, action("school_view"))):
        ensure_can(actor, action("view"))
    group = selectors.group_get(actor=actor, pk=pk)
    if group is None:
        raise Http404
    return actor, group


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
    effect = selectors.effect(group)
    chart = {
        "effect": {
            "key": "effect",
            "title": "与牵头学校的差距",
            "kind": "line",
            "unit": "项",
            "categories": effect.years,
            "series": [{"name": s.school_name, "data": s.gaps} for s in effect.series],
        }
    }
    return render(
        request,
        "groups/group.html",
        {
            "group": group,
            "members": members,
            "term": term,
            "terms": selectors.terms(group, today),
            "unifications": selectors.unification_rows(group, term),
            "credited": selectors.member_activity(group, term),
            "activities": selectors.activities(group, term)[:50],
            "joint_classes": selectors.joint_classes(group),
            "effect": effect,
            "charts": chart,
            "own_schools": own_schools,
            "may_plan": can(actor, action("plan_edit"), group),
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


def group_url(group: SchoolGroup) -> str:
    from django.urls import reverse

    return reverse("groups:group", kwargs={"pk": group.pk})


@login_required
def my_school(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    ensure_can(actor, action("school_view"))
    school = actor.school
    if school is None:
        raise Http404
    groups = list(selectors.groups_of_school(actor=actor, school=school))
    return render(request, "groups/my_school.html", {"school": school, "groups": groups})
