"""Pages of strategic tasks (board, export, task and milestone progress; goal, task and milestone
forms for planners), leader liaison (leaders, a leader's page, visit entry) and supervision (plans
and their editing, progress, the inspectors' phone-friendly scoring form, the visit report). Reads
through selectors, writes through services; bad input is answered in Chinese and changes nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from edugov.accounts.actor import request_actor
from edugov.accounts.models import Department, User
from edugov.accounts.policy import ensure_can, role_may
from edugov.accounts.scope import scoped, write_scoped
from edugov.common.errors import DomainError, PermissionDenied
from edugov.registry.models import School
from edugov.web.exports import audited_export_response

from . import liaison, permissions, services, strategy, supervision
from .errors import RectificationError as E
from .models import KeyTask, Rag, Severity, SupervisionKind, SupervisionPlan

MAX_PROBLEMS = 5


def _may(user: Any, name: str) -> bool:
    return role_may(user, permissions.action(name))


def _bureau(user: Any) -> None:
    """Leader liaison pages are the bureau's."""
    if not _may(user, "leader_view"):
        raise Http404("页面不存在")


def parse_date(value: Any, *, label: str) -> dt.date:
    try:
        return dt.date.fromisoformat(str(value or "").strip())
    except ValueError:
        raise DomainError(E.BAD_FIELD, field=label, reason="日期格式应为YYYY-MM-DD") from None


def _int(value: Any, default: int | None = None) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return default


def _ids(values: list[str], *, invalid: DomainError | None = None) -> list[int]:
    ids = [_int(v) for v in values]
    if any(i is None or not 0 < i <= services.MAX_ID for i in ids):
        raise invalid or DomainError(E.UNKNOWN_UNIT)
    return [i for i in ids if i is not None]


def _chosen(rows: Any, raw: str | None, unknown: Any) -> Any:
    """The row a select names by id among `rows`; None when nothing is chosen, refused otherwise."""
    if not raw:
        return None
    row = rows.filter(pk=_int(raw, 0)).first()
    if row is None:
        raise DomainError(unknown)
    return row


def _inspector_ids(values: list[str]) -> list[int]:
    return _ids(values, invalid=DomainError(E.BAD_FIELD, field="督学", reason="请选择有效的督学账号"))


# Strategic tasks ---------------------------------------------------------------------------------


def _board(request: HttpRequest) -> tuple[strategy.Board, int | None, str]:
    year = _int(request.GET.get("year"))
    year = year if year and 2000 <= year <= 2100 else None
    department = request.GET.get("department", "")
    department = department if department in Department.values else ""
    return strategy.task_board(user=request.user, year=year, department=department), year, department


@login_required
def task_board(request: HttpRequest) -> HttpResponse:
    board, year, department = _board(request)
    goals = strategy.goal_list(user=request.user)
    years = sorted(set(goals.values_list("year", flat=True)), reverse=True)
    may_plan = strategy.may_plan(request.user)
    # The board is built from tasks: a goal not broken down yet would not appear on it at all.
    waiting = strategy.goal_list(user=request.user, year=year).exclude(
        pk__in=scoped(KeyTask, request.user).values("goal_id")
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
    task = strategy.task_get(user=request.user, pk=pk)
    if request.method == "POST":
        m = strategy.milestone_get(user=request.user, pk=_int(request.POST.get("milestone"), 0) or 0)
        if m.task_id != task.pk:
            raise Http404("任务节点不存在")
        try:
            strategy.milestone_report(
                user=request.user, milestone=m, progress=request.POST.get("progress"),
                note=request.POST.get("note", ""),
            )  # fmt: skip
            messages.success(request, f"已更新节点“{m.title}”的进度")
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("rectification:task_detail", pk=task.pk)
    row = strategy.task_rows(tasks=[task], today=timezone.localdate())[0]
    for ms in row.milestones:
        ms["may_report"] = strategy.may_report(request.user, ms["milestone"])
    return render(
        request,
        "rectification/task_detail.html",
        {"row": row, "task": task, "may_edit": strategy.may_edit_task(request.user, task)},
    )


# Planning forms: goals, key tasks, milestones ----------------------------------------------------


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-Boosted") != "true"


def _form_page(
    request: HttpRequest, template: str, context: dict[str, Any], *, errors: list[str]
) -> HttpResponse:
    """The form again, with the service's message on it. htmx 2 swaps only 2xx answers, so the
    form's own htmx post gets its message with 200; a plain post gets 400."""
    status = 400 if errors and not _is_htmx(request) else 200
    return render(request, template, {**context, "errors": errors}, status=status)


def _saved(request: HttpRequest, url: str, message: str) -> HttpResponse:
    messages.success(request, message)
    if _is_htmx(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


def _refused(exc: DomainError) -> None:
    """A refusal by role or scope is the page's 403, not a message on the form."""
    if isinstance(exc, PermissionDenied):
        raise exc


def _ensure(user: Any, name: str, obj: Any = None) -> None:
    """A refusal by role or scope is the page's 403."""
    ensure_can(user, permissions.action(name), obj)


@login_required
def goal_new(request: HttpRequest) -> HttpResponse:
    _ensure(request.user, "goal_create")
    areas = strategy.goal_areas(user=request.user)
    errors: list[str] = []
    if request.method == "POST":
        try:
            area = areas.filter(pk=_int(request.POST.get("area"), 0)).first()
            if area is None:
                raise DomainError(E.BAD_FIELD, field="区域", reason="请选择您数据范围内的区县或乡镇（街道）")
            goal = strategy.goal_create(
                user=request.user, area=area, year=request.POST.get("year"),
                title=request.POST.get("title", ""), description=request.POST.get("description", ""),
            )  # fmt: skip
            url = reverse("rectification:task_new", args=[goal.pk])
            return _saved(request, url, f"已制定工作目标“{goal.title}”，请分解重点任务")
        except DomainError as exc:
            _refused(exc)
            errors.append(exc.message)
    values = request.POST if request.method == "POST" else {
        "year": str(timezone.localdate().year), "area": str(request.user.area_id or ""),
    }  # fmt: skip
    context = {"areas": areas, "v": values}
    return _form_page(request, "rectification/goal_form.html", context, errors=errors)


def _task_input(request: HttpRequest, goal: Any) -> dict[str, Any]:
    """The task form's values as the services take them; an unknown school or account is refused."""
    post, user = request.POST, request.user
    school = _chosen(strategy.lead_schools(user=user, goal=goal), post.get("school"), E.UNKNOWN_UNIT)
    owner = _chosen(strategy.owner_candidates(user=user, goal=goal), post.get("owner"), E.UNKNOWN_PERSON)
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
    context = {
        "goal": goal,
        "task": task,
        "v": values,
        "departments": Department.choices,
        "schools": strategy.lead_schools(user=request.user, goal=goal)[:1000],
        "owners": strategy.owner_candidates(user=request.user, goal=goal)[:1000],
    }
    return _form_page(request, "rectification/task_form.html", context, errors=errors)


@login_required
def task_new(request: HttpRequest, pk: int) -> HttpResponse:
    goal = strategy.goal_get(user=request.user, pk=pk)
    _ensure(request.user, "task_create", goal)
    errors: list[str] = []
    if request.method == "POST":
        try:
            task = strategy.task_create(user=request.user, goal=goal, **_task_input(request, goal))
            url = reverse("rectification:task_detail", args=[task.pk])
            return _saved(request, url, f"已分解重点任务“{task.title}”，请设置任务节点")
        except DomainError as exc:
            _refused(exc)
            errors.append(exc.message)
    values = request.POST if request.method == "POST" else {
        "department": request.user.department or "", "start_date": timezone.localdate().isoformat(),
    }  # fmt: skip
    return _task_form(request, goal=goal, task=None, values=values, errors=errors)


@login_required
def task_edit(request: HttpRequest, pk: int) -> HttpResponse:
    task = strategy.task_get(user=request.user, pk=pk)
    _ensure(request.user, "task_edit", task)
    errors: list[str] = []
    if request.method == "POST":
        try:
            task = strategy.task_update(user=request.user, task=task, **_task_input(request, task.goal))
            url = reverse("rectification:task_detail", args=[task.pk])
            return _saved(request, url, f"已保存重点任务“{task.title}”")
        except DomainError as exc:
            _refused(exc)
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
    task = strategy.task_get(user=request.user, pk=pk)
    _ensure(request.user, "milestone_create", task)
    errors: list[str] = []
    if request.method == "POST":
        try:
            m = strategy.milestone_create(user=request.user, task=task, **_milestone_input(request))
            again = request.POST.get("again") == "1"
            url = reverse(
                "rectification:milestone_new" if again else "rectification:task_detail", args=[task.pk]
            )
            return _saved(request, url, f"已设置任务节点“{m.title}”")
        except DomainError as exc:
            _refused(exc)
            errors.append(exc.message)
    values = request.POST if request.method == "POST" else {
        "weight": "1", "start_date": max(task.start_date, timezone.localdate()).isoformat(),
    }  # fmt: skip
    context = {"task": task, "milestone": None, "v": values}
    return _form_page(request, "rectification/milestone_form.html", context, errors=errors)


@login_required
def milestone_edit(request: HttpRequest, pk: int) -> HttpResponse:
    m = strategy.milestone_get(user=request.user, pk=pk)
    _ensure(request.user, "milestone_edit", m)
    errors: list[str] = []
    if request.method == "POST":
        try:
            m = strategy.milestone_update(user=request.user, milestone=m, **_milestone_input(request))
            url = reverse("rectification:task_detail", args=[m.task_id])
            return _saved(request, url, f"已保存任务节点“{m.title}”")
        except DomainError as exc:
            _refused(exc)
            errors.append(exc.message)
    values = request.POST if request.method == "POST" else {
        "title": m.title, "weight": str(m.weight), "owner_name": m.owner_name,
        "start_date": m.start_date.isoformat(), "deadline": m.deadline.isoformat(),
    }  # fmt: skip
    context = {"task": m.task, "milestone": m, "v": values}
    return _form_page(request, "rectification/milestone_form.html", context, errors=errors)


# Leader liaison ----------------------------------------------------------------------------------


@login_required
def leader_list(request: HttpRequest) -> HttpResponse:
    _bureau(request.user)
    if liaison.is_leader(request.user):
        return redirect("rectification:leader_detail", pk=request.user.pk)
    leaders = [
        {
            "leader": u,
            "schools": liaison.liaison_schools(user=request.user, leader=u).count(),
            "visits": liaison.visit_list(user=request.user, leader=u).count(),
            "open_items": liaison.leader_open_items(user=request.user, leader=u).count(),
        }
        for u in liaison.leader_list(user=request.user)
    ]
    return render(request, "rectification/leader_list.html", {"leaders": leaders})


@login_required
def leader_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _bureau(request.user)
    leader = liaison.leader_get(user=request.user, pk=pk)
    may_link = _may(request.user, "liaison_set")
    if request.method == "POST" and may_link:
        try:
            liaison.liaison_set(
                user=request.user, leader_id=leader.pk, school_ids=_ids(request.POST.getlist("schools"))
            )
            messages.success(request, "已更新挂钩联系学校")
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("rectification:leader_detail", pk=leader.pk)
    schools = liaison.liaison_schools(user=request.user, leader=leader)
    context = {
        "leader": leader,
        "schools": schools,
        "visits": liaison.visit_list(user=request.user, leader=leader)[:50],
        "items": liaison.leader_open_items(user=request.user, leader=leader)[:200],
        "today": timezone.localdate(),
        "may_link": may_link,
        "all_schools": write_scoped(School, request.user).order_by("area__path", "name")[:1000]
        if may_link
        else [],
        "linked_ids": {s.pk for s in schools},
        "may_record": liaison.may_record_for(request.user, leader),
    }
    return render(request, "rectification/leader_detail.html", context)


def _problems(post: Any) -> list[liaison.ProblemInput]:
    out = []
    for i in range(MAX_PROBLEMS):
        title = (post.get(f"p{i}_title") or "").strip()
        if not title:
            continue
        school_id = _int(post.get(f"p{i}_school"))
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
    _bureau(request.user)
    leader_id = _int(request.GET.get("leader") or request.POST.get("leader"))
    if liaison.is_leader(request.user):
        leader_id = request.user.pk
    errors: list[str] = []
    if request.method == "POST":
        try:
            visit, raised = liaison.leader_visit_record(
                user=request.user,
                leader_id=leader_id,
                visited_on=parse_date(request.POST.get("visited_on"), label="走访日期"),
                school_ids=_ids(request.POST.getlist("schools")),
                observations=request.POST.get("observations", ""),
                problems=_problems(request.POST),
            )
            messages.success(request, f"已登记走访记录，新生成整改事项{len(raised)}项")
            return redirect("rectification:leader_visit_detail", pk=visit.pk)
        except DomainError as exc:
            errors.append(exc.message)
    leader = liaison.leader_list(user=request.user).filter(pk=leader_id).first() if leader_id else None
    linked = (
        set(liaison.liaison_schools(user=request.user, leader=leader).values_list("pk", flat=True))
        if leader
        else set()
    )
    context = {
        "errors": errors,
        "leader": leader,
        "leaders": liaison.leader_list(user=request.user),
        "schools": scoped(School, request.user).order_by("area__path", "name")[:1000],
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
    visit = liaison.visit_get(user=request.user, pk=pk)
    problems = visit.problems.select_related("school", "item")
    if not _may(request.user, "leader_view"):
        problems = problems.filter(school_id__in=scoped(School, request.user).values("pk"))
    return render(request, "rectification/leader_visit_detail.html", {"visit": visit, "problems": problems})


# Supervision -------------------------------------------------------------------------------------


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    errors: list[str] = []
    may_plan = supervision.may_plan(request.user)
    if request.method == "POST" and may_plan:
        try:
            plan = supervision.plan_create(
                user=request.user,
                title=request.POST.get("title", ""),
                kind=request.POST.get("kind", ""),
                checklist_code=request.POST.get("checklist", ""),
                start_date=parse_date(request.POST.get("start_date"), label="开始日期"),
                end_date=parse_date(request.POST.get("end_date"), label="结束日期"),
                school_ids=_ids(request.POST.getlist("schools")),
                inspector_ids=_inspector_ids(request.POST.getlist("inspectors")),
            )
            messages.success(request, "已制定督导计划")
            return redirect("rectification:plan_detail", pk=plan.pk)
        except DomainError as exc:
            errors.append(exc.message)
    context: dict[str, Any] = {
        "plans": supervision.plan_list(user=request.user),
        "visits": supervision.visit_list(user=request.user)[:100]
        if _may(request.user, "school_visits")
        else [],
        "may_plan": may_plan,
        "errors": errors,
        "post": request.POST,
    }
    if may_plan:
        context.update(_plan_choices(request.user))
    return render(request, "rectification/plan_list.html", context, status=400 if errors else 200)


def _plan_choices(user: Any) -> dict[str, Any]:
    return {
        "checklists": supervision.checklist_choices(),
        "kinds": SupervisionKind.choices,
        "schools": write_scoped(School, user).order_by("area__path", "name")[:1000],
        "inspectors": supervision.inspector_candidates(user=user),
    }


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = supervision.plan_get(user=request.user, pk=pk)
    progress = supervision.plan_progress(user=request.user, plan=plan)
    may_inspect = supervision.may_inspect(request.user, plan)
    may_edit = plan.n_submitted < plan.n_schools and supervision.may_edit_plan(request.user, plan)
    return render(
        request,
        "rectification/plan_detail.html",
        {"plan": plan, "progress": progress, "may_inspect": may_inspect, "may_edit": may_edit},
    )


@login_required
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = supervision.plan_get(user=request.user, pk=pk)
    supervision.ensure_may_edit_plan(request.user, plan)
    detail_url = reverse("rectification:plan_detail", args=[plan.pk])
    if plan.n_schools and plan.n_submitted >= plan.n_schools:
        messages.error(request, E.PLAN_DONE.message)
        return redirect(detail_url)
    errors: list[str] = []
    if request.method == "POST":
        try:
            plan = supervision.plan_update(
                user=request.user,
                plan=plan,
                title=request.POST.get("title", ""),
                kind=request.POST.get("kind", ""),
                checklist_code=request.POST.get("checklist", ""),
                start_date=parse_date(request.POST.get("start_date"), label="开始日期"),
                end_date=parse_date(request.POST.get("end_date"), label="结束日期"),
                school_ids=_ids(request.POST.getlist("schools")),
                inspector_ids=_inspector_ids(request.POST.getlist("inspectors")),
            )
            return _saved(request, detail_url, "已保存督导计划")
        except DomainError as exc:
            _refused(exc)
            errors.append(exc.message)
    if request.method == "POST":
        values: dict[str, Any] = {
            k: request.POST.get(k, "") for k in ("title", "kind", "checklist", "start_date", "end_date")
        }
        selected_schools = {str(v) for v in request.POST.getlist("schools")}
        selected_inspectors = {str(v) for v in request.POST.getlist("inspectors")}
    else:
        values = {
            "title": plan.title, "kind": plan.kind, "checklist": plan.checklist_code,
            "start_date": plan.start_date.isoformat(), "end_date": plan.end_date.isoformat(),
        }  # fmt: skip
        selected_schools = {str(pk) for pk in plan.schools.values_list("pk", flat=True)}
        selected_inspectors = {str(pk) for pk in plan.inspectors.values_list("pk", flat=True)}
    choices = _plan_choices(request.user)
    # The plan's own inspectors stay on offer even when anchored outside the planner's area.
    choices["inspectors"] = User.objects.filter(
        Q(pk__in=choices["inspectors"].values("pk")) | Q(pk__in=plan.inspectors.values("pk"))
    ).order_by("username")
    context = {
        "plan": plan,
        "v": values,
        "selected_schools": selected_schools,
        "selected_inspectors": selected_inspectors,
        "visited": plan.visits.exists(),
        **choices,
    }
    return _form_page(request, "rectification/plan_form.html", context, errors=errors)


def _entries(post: Any, plan: SupervisionPlan) -> dict[str, dict[str, Any]]:
    entries: dict[str, dict[str, Any]] = {}
    for key in post:
        if key.startswith("score_"):
            code = key[len("score_") :]
            entries[code] = {
                "score": post.get(key),
                "note": post.get(f"note_{code}", ""),
                "flagged": post.get(f"flag_{code}") == "on",
            }
    return entries


@login_required
def supervision_visit_form(request: HttpRequest, pk: int, school_pk: int) -> HttpResponse:
    plan = supervision.plan_get(user=request.user, pk=pk)
    school = scoped(School, request.user).filter(pk=school_pk, pk__in=plan.schools.values("pk")).first()
    if school is None:
        raise Http404("该学校不在本督导计划中")
    visit = supervision.visit_list(user=request.user).filter(plan=plan, school=school).first()
    if visit is not None and visit.status == "submitted":
        return redirect("rectification:supervision_visit_detail", pk=visit.pk)
    errors: list[str] = []
    values: dict[str, Any] = dict(visit.scores) if visit else {}
    visited_on = visit.visited_on.isoformat() if visit else timezone.localdate().isoformat()
    summary = visit.summary if visit else ""
    if request.method == "POST":
        entries = _entries(request.POST, plan)
        values = entries
        visited_on = request.POST.get("visited_on", "")
        summary = request.POST.get("summary", "")
        try:
            saved, raised = supervision.visit_save(
                user=request.user, plan=plan, school_id=school.pk,
                visited_on=parse_date(visited_on, label="督导日期"), entries=entries, summary=summary,
                submit=request.POST.get("submit") == "1",
            )  # fmt: skip
            if saved.status == "submitted":
                messages.success(request, f"已提交督导记录，发现问题{len(raised)}项，已生成整改事项")
                return redirect("rectification:supervision_visit_detail", pk=saved.pk)
            messages.success(request, "已暂存")
            return redirect("rectification:supervision_visit_form", pk=plan.pk, school_pk=school.pk)
        except DomainError as exc:
            errors.append(exc.message)
    sections: dict[str, list[dict[str, Any]]] = {}
    for item in plan.checklist["items"]:
        v = values.get(item["code"], {})
        entry = {**item, "value": v.get("score"), "note": v.get("note", ""), "flagged": v.get("flagged")}
        sections.setdefault(item["section"], []).append(entry)
    context = {"plan": plan, "school": school, "sections": sections, "errors": errors,
               "visited_on": visited_on, "summary": summary}  # fmt: skip
    return render(
        request, "rectification/supervision_visit_form.html", context, status=400 if errors else 200
    )


@login_required
def supervision_visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    visit = supervision.visit_get(user=request.user, pk=pk)
    from .models import RectificationItem

    items = scoped(RectificationItem, request.user).filter(
        visit_kind=supervision.VISIT_KIND, visit_id=visit.pk
    )
    return render(
        request,
        "rectification/supervision_visit_detail.html",
        {"visit": visit, "report": supervision.visit_report(visit), "items": items},
    )
