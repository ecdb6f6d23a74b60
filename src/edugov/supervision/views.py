"""Pages of supervision (督导检查): plans and their editing, progress, the inspectors' phone-friendly
scoring form and the visit report."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from edugov.accounts.actor import request_actor
from edugov.accounts.models import User
from edugov.accounts.policy import role_may
from edugov.accounts.scope import scoped, write_scoped
from edugov.common.errors import DomainError
from edugov.rectification.views_work.common import form_page, parse_date, parse_ids, refuse_as_page, saved
from edugov.registry.models import School

from . import permissions, selectors, services
from .errors import SupervisionError as E
from .models import SupervisionKind, SupervisionPlan, VisitStatus


def _counts(plan: SupervisionPlan) -> tuple[int, int]:
    """The plan's submitted visits and schools, as `plan_get` annotates them."""
    annotated: Any = plan
    return int(annotated.n_submitted), int(annotated.n_schools)


def _inspector_ids(values: list[str]) -> list[int]:
    return parse_ids(values, invalid=DomainError(E.BAD_FIELD, field="督学", reason="请选择有效的督学账号"))


# Supervision -------------------------------------------------------------------------------------


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    errors: list[str] = []
    may_plan = services.may_plan(actor)
    if request.method == "POST" and may_plan:
        try:
            plan = services.plan_create(
                actor=actor,
                title=request.POST.get("title", ""),
                kind=request.POST.get("kind", ""),
                checklist_code=request.POST.get("checklist", ""),
                start_date=parse_date(request.POST.get("start_date"), label="开始日期"),
                end_date=parse_date(request.POST.get("end_date"), label="结束日期"),
                school_ids=parse_ids(request.POST.getlist("schools")),
                inspector_ids=_inspector_ids(request.POST.getlist("inspectors")),
            )
            messages.success(request, "已制定督导计划")
            return redirect("supervision:plan_detail", pk=plan.pk)
        except DomainError as exc:
            errors.append(exc.message)
    context: dict[str, Any] = {
        "plans": selectors.plan_list(actor=actor),
        "visits": selectors.visit_list(actor=actor)[:100]
        if role_may(actor, permissions.action("school_visits"))
        else [],
        "may_plan": may_plan,
        "errors": errors,
        "post": request.POST,
    }
    if may_plan:
        context.update(_plan_choices(actor))
    return render(request, "supervision/plan_list.html", context, status=400 if errors else 200)


def _plan_choices(actor: User) -> dict[str, Any]:
    return {
        "checklists": selectors.checklist_choices(),
        "kinds": SupervisionKind.choices,
        "schools": write_scoped(School, actor).order_by("area__path", "name")[:1000],
        "inspectors": selectors.inspector_candidates(actor=actor),
    }


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    plan = selectors.plan_get(actor=actor, pk=pk)
    progress = selectors.plan_progress(actor=actor, plan=plan)
    may_inspect = services.may_inspect(actor, plan)
    submitted, schools = _counts(plan)
    may_edit = submitted < schools and services.may_edit_plan(actor, plan)
    return render(
        request,
        "supervision/plan_detail.html",
        {"plan": plan, "progress": progress, "may_inspect": may_inspect, "may_edit": may_edit},
    )


@login_required
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    plan = selectors.plan_get(actor=actor, pk=pk)
    services.ensure_may_edit_plan(actor, plan)
    detail_url = reverse("supervision:plan_detail", args=[plan.pk])
    submitted, schools = _counts(plan)
    if schools and submitted >= schools:
        messages.error(request, E.PLAN_DONE.message)
        return redirect(detail_url)
    errors: list[str] = []
    if request.method == "POST":
        try:
            plan = services.plan_update(
                actor=actor,
                plan=plan,
                title=request.POST.get("title", ""),
                kind=request.POST.get("kind", ""),
                checklist_code=request.POST.get("checklist", ""),
                start_date=parse_date(request.POST.get("start_date"), label="开始日期"),
                end_date=parse_date(request.POST.get("end_date"), label="结束日期"),
                school_ids=parse_ids(request.POST.getlist("schools")),
                inspector_ids=_inspector_ids(request.POST.getlist("inspectors")),
            )
            return saved(request, detail_url, "已保存督导计划")
        except DomainError as exc:
            refuse_as_page(exc)
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
    choices = _plan_choices(actor)
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
    return form_page(request, "supervision/plan_form.html", context, errors=errors)


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
def visit_form(request: HttpRequest, pk: int, school_pk: int) -> HttpResponse:
    actor = request_actor(request)
    plan = selectors.plan_get(actor=actor, pk=pk)
    school = scoped(School, actor).filter(pk=school_pk, pk__in=plan.schools.values("pk")).first()
    if school is None:
        raise Http404("该学校不在本督导计划中")
    visit = selectors.visit_list(actor=actor).filter(plan=plan, school=school).first()
    if visit is not None and visit.status == VisitStatus.SUBMITTED:
        return redirect("supervision:visit_detail", pk=visit.pk)
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
            saved, raised = services.visit_save(
                actor=actor, plan=plan, school_id=school.pk,
                visited_on=parse_date(visited_on, label="督导日期"), entries=entries, summary=summary,
                submit=request.POST.get("submit") == "1",
            )  # fmt: skip
            if saved.status == VisitStatus.SUBMITTED:
                messages.success(request, f"已提交督导记录，发现问题{len(raised)}项，已生成整改事项")
                return redirect("supervision:visit_detail", pk=saved.pk)
            messages.success(request, "已暂存")
            return redirect("supervision:visit_form", pk=plan.pk, school_pk=school.pk)
        except DomainError as exc:
            errors.append(exc.message)
    sections: dict[str, list[dict[str, Any]]] = {}
    for item in plan.checklist["items"]:
        v = values.get(item["code"], {})
        entry = {**item, "value": v.get("score"), "note": v.get("note", ""), "flagged": v.get("flagged")}
        sections.setdefault(item["section"], []).append(entry)
    context = {"plan": plan, "school": school, "sections": sections, "errors": errors,
               "visited_on": visited_on, "summary": summary}  # fmt: skip
    return render(request, "supervision/visit_form.html", context, status=400 if errors else 200)


@login_required
def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    visit = selectors.visit_get(actor=actor, pk=pk)
    items = selectors.visit_items(actor=actor, visit=visit)
    return render(
        request,
        "supervision/visit_detail.html",
        {"visit": visit, "report": selectors.visit_report(visit), "items": items},
    )
