"""Pages of leader liaison: the leaders, a leader's page with linked schools, visits and open
items, and the visit entry with the problems found."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from edugov.accounts.actor import request_actor
from edugov.accounts.models import Department
from edugov.accounts.scope import scoped, write_scoped
from edugov.common.errors import DomainError
from edugov.registry.models import School

from .. import liaison
from ..errors import RectificationError as E
from ..models import Severity
from .common import ensure_bureau, may, parse_date, parse_ids, to_int

MAX_PROBLEMS = 5

# Leader liaison ----------------------------------------------------------------------------------


@login_required
def leader_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    ensure_bureau(actor)
    if liaison.is_leader(actor):
        return redirect("rectification:leader_detail", pk=actor.pk)
    leaders = [
        {
            "leader": u,
            "schools": liaison.liaison_schools(user=actor, leader=u).count(),
            "visits": liaison.visit_list(user=actor, leader=u).count(),
            "open_items": liaison.leader_open_items(user=actor, leader=u).count(),
        }
        for u in liaison.leader_list(user=actor)
    ]
    return render(request, "rectification/leader_list.html", {"leaders": leaders})


@login_required
def leader_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    ensure_bureau(actor)
    leader = liaison.leader_get(user=actor, pk=pk)
    may_link = may(actor, "liaison_set")
    if request.method == "POST" and may_link:
        try:
            liaison.liaison_set(
                user=actor, leader_id=leader.pk, school_ids=parse_ids(request.POST.getlist("schools"))
            )
            messages.success(request, "已更新挂钩联系学校")
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("rectification:leader_detail", pk=leader.pk)
    schools = liaison.liaison_schools(user=actor, leader=leader)
    context = {
        "leader": leader,
        "schools": schools,
        "visits": liaison.visit_list(user=actor, leader=leader)[:50],
        "items": liaison.leader_open_items(user=actor, leader=leader)[:200],
        "today": timezone.localdate(),
        "may_link": may_link,
        "all_schools": write_scoped(School, actor).order_by("area__path", "name")[:1000] if may_link else [],
        "linked_ids": {s.pk for s in schools},
        "may_record": liaison.may_record_for(actor, leader),
    }
    return render(request, "rectification/leader_detail.html", context)


def _problems(post: Any) -> list[liaison.ProblemInput]:
    out = []
    for i in range(MAX_PROBLEMS):
        title = (post.get(f"p{i}_title") or "").strip()
        if not title:
            continue
        school_id = to_int(post.get(f"p{i}_school"))
        if school_id is None:
            raise DomainError(E.BAD_FIELD, field=f"问题{i + 1}的学校", reason="请选择")
        out.append(
            liaison.ProblemInput(
                school_id=school_id,
                title=title,
                required_action=post.get(f"p{i}_action", ""),
                department=post.get(f"p{i}_department", ""),
                deadline=parse_date(post.get(f"p{i}_deadline"), label=f"问题{i + 1}的整改期限"),
                severity=post.get(f"p{i}_severity", Severity.MEDIUM),
            )
        )
    return out


@login_required
def leader_visit_new(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    ensure_bureau(actor)
    leader_id = to_int(request.GET.get("leader") or request.POST.get("leader"))
    if liaison.is_leader(actor):
        leader_id = actor.pk
    errors: list[str] = []
    if request.method == "POST":
        try:
            visit, raised = liaison.leader_visit_record(
                user=actor,
                leader_id=leader_id,
                visited_on=parse_date(request.POST.get("visited_on"), label="走访日期"),
                school_ids=parse_ids(request.POST.getlist("schools")),
                observations=request.POST.get("observations", ""),
                problems=_problems(request.POST),
            )
            messages.success(request, f"已登记走访记录，新生成整改事项{len(raised)}项")
            return redirect("rectification:leader_visit_detail", pk=visit.pk)
        except DomainError as exc:
            errors.append(exc.message)
    leader = liaison.leader_list(user=actor).filter(pk=leader_id).first() if leader_id else None
    linked = (
        set(liaison.liaison_schools(user=actor, leader=leader).values_list("pk", flat=True))
        if leader
        else set()
    )
    context = {
        "errors": errors,
        "leader": leader,
        "leaders": liaison.leader_list(user=actor),
        "schools": scoped(School, actor).order_by("area__path", "name")[:1000],
        "linked": linked,
        "rows": range(MAX_PROBLEMS),
        "departments": Department.choices,
        "severities": Severity.choices,
        "post": request.POST,
        "today": timezone.localdate().isoformat(),
    }
    return render(request, "rectification/leader_visit_new.html", context, status=400 if errors else 200)


@login_required
def leader_visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    visit = liaison.visit_get(user=actor, pk=pk)
    problems = visit.problems.select_related("school", "item")
    if not may(actor, "leader_view"):
        problems = problems.filter(school_id__in=scoped(School, actor).values("pk"))
    return render(request, "rectification/leader_visit_detail.html", {"visit": visit, "problems": problems})
