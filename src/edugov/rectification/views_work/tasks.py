"""Pages of strategic tasks: the board, its export, a task's page with milestone progress, and the
goal, task and milestone forms for planners."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from edugov.accounts.actor import request_actor
from edugov.accounts.models import Department
from edugov.accounts.scope import scoped
from edugov.common.errors import DomainError
from edugov.web.exports import audited_export_response

from .. import strategy
from ..errors import RectificationError as E
from ..models import KeyTask, Rag
from .common import chosen, ensure, form_page, parse_date, refuse_as_page, saved, to_int

# Strategic tasks ---------------------------------------------------------------------------------


def _board(request: HttpRequest) -> tuple[strategy.Board, int | None, str]:
    actor = request_actor(request)
    year = to_int(request.GET.get("year"))
    year = year if year and 2000 <= year <= 2100 else None
    department = request.GET.get("department", "")
    department = department if department in Department.values else ""
    return strategy.task_board(user=actor, year=year, department=department), year, department


@login_required
def task_board(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    board, year, department = _board(request)
    goals = strategy.goal_list(user=actor)
    years = sorted(set(goals.values_list("year", flat=True)), reverse=True)
    may_plan = strategy.may_plan(actor)
    # The board is built from tasks: a goal not broken down yet would not appear on it at all.
    waiting = strategy.goal_list(user=actor, year=year).exclude(
        pk__in=scoped(KeyTask, actor).values("goal_id")
    )
    return render(
        request,
        "rectification/task_board.html",
        {
            "board": board,
            "chart": strategy.board_chart(board),
            "years": years,
            "year": year,
            "department": department,
            "departments": Department.choices,
            "rag_labels": dict(Rag.choices),
            "rule": {"red": strategy.RED_LAG, "amber": strategy.AMBER_LAG},
            "may_plan": may_plan,
            "own_goals": set(goals.values_list("pk", flat=True)) if may_plan else set(),
            "waiting_goals": waiting,
        },
    )


@login_required
def task_export(request: HttpRequest) -> HttpResponse:
    board, _, _ = _board(request)
    return audited_export_response(
        actor=request_actor(request),
        fmt="xlsx",
        filename="重点任务推进表",
        headers=strategy.EXPORT_HEADERS,
        rows=strategy.export_rows(board),
        model_label="rectification.KeyTask",
    )


@login_required
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    task = strategy.task_get(user=actor, pk=pk)
    if request.method == "POST":
        m = strategy.milestone_get(user=actor, pk=to_int(request.POST.get("milestone"), 0) or 0)
        if m.task_id != task.pk:
            raise Http404("任务节点不存在")
        try:
            strategy.milestone_report(
                user=actor, milestone=m, progress=request.POST.get("progress"),
                note=request.POST.get("note", ""),
            )  # fmt: skip
            messages.success(request, f"已更新节点“{m.title}”的进度")
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("rectification:task_detail", pk=task.pk)
    row = strategy.task_rows(tasks=[task], today=timezone.localdate())[0]
    for ms in row.milestones:
        ms["may_report"] = strategy.may_report(actor, ms["milestone"])
    return render(
        request,
        "rectification/task_detail.html",
        {"row": row, "task": task, "may_edit": strategy.may_edit_task(actor, task)},
    )


@login_required
def goal_new(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    ensure(actor, "goal_create")
    areas = strategy.goal_areas(user=actor)
    errors: list[str] = []
    if request.method == "POST":
        try:
            area = areas.filter(pk=to_int(request.POST.get("area"), 0) or 0).first()
            if area is None:
                raise DomainError(E.BAD_FIELD, field="区域", reason="请选择您数据范围内的区县或乡镇（街道）")
            goal = strategy.goal_create(
                user=actor, area=area, year=request.POST.get("year"),
                title=request.POST.get("title", ""), description=request.POST.get("description", ""),
            )  # fmt: skip
            url = reverse("rectification:task_new", args=[goal.pk])
            return saved(request, url, f"已制定工作目标“{goal.title}”，请分解重点任务")
        except DomainError as exc:
            refuse_as_page(exc)
            errors.append(exc.message)
    values = request.POST if request.method == "POST" else {
        "year": str(timezone.localdate().year), "area": str(actor.area_id or ""),
    }  # fmt: skip
    context = {"areas": areas, "v": values}
    return form_page(request, "rectification/goal_form.html", context, errors=errors)


def _task_input(request: HttpRequest, goal: Any) -> dict[str, Any]:
    """The task form's values as the services take them; an unknown school or account is refused."""
    actor = request_actor(request)
    post, user = request.POST, actor
    school = chosen(strategy.lead_schools(user=user, goal=goal), post.get("school"), E.UNKNOWN_UNIT)
    owner = chosen(strategy.owner_candidates(user=user, goal=goal), post.get("owner"), E.UNKNOWN_PERSON)
    return {
        "code": post.get("code", ""),
        "title": post.get("title", ""),
        "department": post.get("department", ""),
        "school": school,
        "owner": owner,
        "owner_name": post.get("owner_name", ""),
        "start_date": parse_date(post.get("start_date"), label="开始日期"),
        "deadline": parse_date(post.get("deadline"), label="完成期限"),
    }


def _task_form(
    request: HttpRequest, *, goal: Any, task: KeyTask | None, values: Any, errors: list[str]
) -> HttpResponse:
    actor = request_actor(request)
    context = {
        "goal": goal,
        "task": task,
        "v": values,
        "departments": Department.choices,
        "schools": strategy.lead_schools(user=actor, goal=goal)[:1000],
        "owners": strategy.owner_candidates(user=actor, goal=goal)[:1000],
    }
    return form_page(request, "rectification/task_form.html", context, errors=errors)


@login_required
def task_new(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    goal = strategy.goal_get(user=actor, pk=pk)
    ensure(actor, "task_create", goal)
    errors: list[str] = []
    if request.method == "POST":
        try:
            task = strategy.task_create(user=actor, goal=goal, **_task_input(request, goal))
            url = reverse("rectification:task_detail", args=[task.pk])
            return saved(request, url, f"已分解重点任务“{task.title}”，请设置任务节点")
        except DomainError as exc:
            refuse_as_page(exc)
            errors.append(exc.message)
    values = request.POST if request.method == "POST" else {
        "department": actor.department or "", "start_date": timezone.localdate().isoformat(),
    }  # fmt: skip
    return _task_form(request, goal=goal, task=None, values=values, errors=errors)


@login_required
def task_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    task = strategy.task_get(user=actor, pk=pk)
    ensure(actor, "task_edit", task)
    errors: list[str] = []
    if request.method == "POST":
        try:
            task = strategy.task_update(user=actor, task=task, **_task_input(request, task.goal))
            url = reverse("rectification:task_detail", args=[task.pk])
            return saved(request, url, f"已保存重点任务“{task.title}”")
        except DomainError as exc:
            refuse_as_page(exc)
            errors.append(exc.message)
    values = request.POST if request.method == "POST" else {
        "code": task.code, "title": task.title, "department": task.department,
        "school": str(task.school_id or ""), "owner": str(task.owner_id or ""), "owner_name": task.owner_name,
        "start_date": task.start_date.isoformat(), "deadline": task.deadline.isoformat(),
    }  # fmt: skip
    return _task_form(request, goal=task.goal, task=task, values=values, errors=errors)


def _milestone_input(request: HttpRequest) -> dict[str, Any]:
    post = request.POST
    return {
        "title": post.get("title", ""),
        "weight": post.get("weight", ""),
        "owner_name": post.get("owner_name", ""),
        "start_date": parse_date(post.get("start_date"), label="开始日期"),
        "deadline": parse_date(post.get("deadline"), label="节点期限"),
    }


@login_required
def milestone_new(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    task = strategy.task_get(user=actor, pk=pk)
    ensure(actor, "milestone_create", task)
    errors: list[str] = []
    if request.method == "POST":
        try:
            m = strategy.milestone_create(user=actor, task=task, **_milestone_input(request))
            again = request.POST.get("again") == "1"
            url = reverse(
                "rectification:milestone_new" if again else "rectification:task_detail", args=[task.pk]
            )
            return saved(request, url, f"已设置任务节点“{m.title}”")
        except DomainError as exc:
            refuse_as_page(exc)
            errors.append(exc.message)
    values = request.POST if request.method == "POST" else {
        "weight": "1", "start_date": max(task.start_date, timezone.localdate()).isoformat(),
    }  # fmt: skip
    context = {"task": task, "milestone": None, "v": values}
    return form_page(request, "rectification/milestone_form.html", context, errors=errors)


@login_required
def milestone_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    m = strategy.milestone_get(user=actor, pk=pk)
    ensure(actor, "milestone_edit", m)
    errors: list[str] = []
    if request.method == "POST":
        try:
            m = strategy.milestone_update(user=actor, milestone=m, **_milestone_input(request))
            url = reverse("rectification:task_detail", args=[m.task_id])
            return saved(request, url, f"已保存任务节点“{m.title}”")
        except DomainError as exc:
            refuse_as_page(exc)
            errors.append(exc.message)
    values = request.POST if request.method == "POST" else {
        "title": m.title, "weight": str(m.weight), "owner_name": m.owner_name,
        "start_date": m.start_date.isoformat(), "deadline": m.deadline.isoformat(),
    }  # fmt: skip
    context = {"task": m.task, "milestone": m, "v": values}
    return form_page(request, "rectification/milestone_form.html", context, errors=errors)
