"""Institution pages: list, registration and edits, detail, status and list changes, and the records an
operator keeps under an institution (staff, courses, timetable)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import ChoiceField
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from edugov.accounts.actor import request_actor
from edugov.accounts.policy import ensure_can
from edugov.accounts.scope import scoped
from edugov.common.text import normalize_cell
from edugov.reports import report_response
from edugov.web.paging import paginate

from .. import forms as f
from .. import selectors, services
from ..models import TRANSITIONS, Alert, Course, Institution, InstitutionStatus, Order, RiskSnapshot, Session
from .common import _attempt, _institution, _may


@login_required
def institution_list(request: HttpRequest) -> HttpResponse:
    ensure_can(request.user, "tutoring.view")
    form = f.InstitutionFilterForm(request.GET or None)
    filters: dict[str, Any] = {}
    if form.is_valid():
        filters = {
            "search": normalize_cell(form.cleaned_data["q"]),
            "status": form.cleaned_data["status"],
            "category": form.cleaned_data["category"],
            "list_status": form.cleaned_data["list_status"] or None,
        }
    qs = selectors.institution_list(user=request.user, **filters)
    if request.GET.get("export") == "xlsx":  # the registered report, with the page's filters
        params = {k: request.GET.get(k, "") for k in ("q", "status", "category", "list_status")}
        return report_response(request_actor(request), "tutoring.institutions", "xlsx", params)
    page, query = paginate(request, qs)
    context = {"form": form, "page": page, "query": query, "may": _may(request.user, ("institution_create",))}
    return render(request, "tutoring/institution_list.html", context)


@login_required
def institution_create(request: HttpRequest) -> HttpResponse:
    ensure_can(request.user, "tutoring.institution_create")
    form = f.InstitutionForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        inst = _attempt(
            form, lambda: services.institution_create(actor=request_actor(request), data=form.cleaned_data)
        )
        if inst is not None:
            messages.success(request, "机构已登记")
            return redirect("tutoring:institution_detail", pk=inst.pk)
    return render(request, "tutoring/form.html", {"form": form, "title": "登记培训机构"})


@login_required
def institution_edit(request: HttpRequest, pk: int) -> HttpResponse:
    inst = _institution(request, pk)
    ensure_can(request.user, "tutoring.institution_edit", inst)
    form = f.InstitutionForm(request.POST or None, instance=Institution.objects.get(pk=pk), user=request.user)
    if request.method == "POST" and form.is_valid():
        done = _attempt(
            form,
            lambda: services.institution_update(
                institution=inst, actor=request_actor(request), data=form.cleaned_data
            ),
        )
        if done is not None:
            messages.success(request, "已保存")
            return redirect("tutoring:institution_detail", pk=pk)
    return render(request, "tutoring/form.html", {"form": form, "title": f"修改：{inst.name}"})


@login_required
def institution_detail(request: HttpRequest, pk: int) -> HttpResponse:
    inst = _institution(request, pk)
    user = request.user
    risk = scoped(RiskSnapshot, user).filter(institution=inst).order_by("-date").first()
    allowed = TRANSITIONS.get(inst.status, frozenset())
    transition_form = f.TransitionForm()
    cast(ChoiceField, transition_form.fields["to_status"]).choices = [
        c for c in InstitutionStatus.choices if c[0] in allowed
    ]
    orders = scoped(Order, user).filter(institution=inst)
    context = {
        "inst": inst,
        "risk": risk,
        "history": inst.status_changes.select_related("actor")[:50],
        "staff": selectors.staff_rows(user=user, institution=inst),
        "courses": scoped(Course, user).filter(institution=inst).select_related("tutor"),
        "sessions": scoped(Session, user).filter(course__institution=inst).select_related("course")[:100],
        "orders": orders.order_by("-paid_on", "-pk")[:50],
        "full_identity": selectors.can_see_identity(user),
        "alerts": scoped(Alert, user).filter(institution=inst)[:20],
        "may": _may(
            user,
            (
                "institution_edit",
                "institution_transition",
                "institution_set_list",
                "staff_create",
                "course_create",
                "session_create",
                "order_create",
                "export",
            ),
            inst,
        ),
        "transition_form": transition_form,
        "list_form": f.ListForm(initial={"list_status": inst.list_status, "reason": inst.list_reason}),
        "staff_form": f.StaffForm(),
        "course_form": f.CourseForm(institution=inst, user=user),
        "session_form": f.SessionForm(institution=inst, user=user),
        "order_form": f.OrderForm(institution=inst, user=user),
    }
    return render(request, "tutoring/institution_detail.html", context)


@login_required
@require_POST
def institution_transition(request: HttpRequest, pk: int) -> HttpResponse:
    inst = _institution(request, pk)
    form = f.TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择新状态并填写原因")
    else:
        done = _attempt(
            form,
            lambda: services.institution_transition(
                institution=inst,
                actor=request_actor(request),
                to_status=form.cleaned_data["to_status"],
                reason=form.cleaned_data["reason"],
            ),
        )
        if done is not None:
            messages.success(request, "状态已变更")
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, str(e))
    return redirect("tutoring:institution_detail", pk=pk)


@login_required
@require_POST
def institution_set_list(request: HttpRequest, pk: int) -> HttpResponse:
    inst = _institution(request, pk)
    form = f.ListForm(request.POST)
    if form.is_valid():
        done = _attempt(
            form,
            lambda: services.institution_set_list(
                institution=inst,
                actor=request_actor(request),
                list_status=form.cleaned_data["list_status"],
                reason=form.cleaned_data["reason"],
            ),
        )
        if done is not None:
            messages.success(request, "名单已更新")
    for errors in form.errors.values():
        for e in errors:
            messages.error(request, str(e))
    return redirect("tutoring:institution_detail", pk=pk)


def _child_create(
    request: HttpRequest,
    pk: int,
    action: str,
    form_cls: Any,
    run: Callable[[Institution, Any], Any],
    done_message: str,
) -> HttpResponse:
    inst = _institution(request, pk)
    ensure_can(request.user, action, inst)
    kwargs = {} if form_cls is f.StaffForm else {"institution": inst, "user": request.user}
    form = form_cls(request.POST or None, **kwargs)
    if request.method == "POST" and form.is_valid() and _attempt(form, lambda: run(inst, form.cleaned_data)):
        messages.success(request, done_message)
        return redirect("tutoring:institution_detail", pk=pk)
    return render(request, "tutoring/form.html", {"form": form, "title": f"{inst.name}：{done_message[:-3]}"})


@login_required
def staff_create(request: HttpRequest, pk: int) -> HttpResponse:
    return _child_create(
        request,
        pk,
        "tutoring.staff_create",
        f.StaffForm,
        lambda i, d: services.staff_create(actor=request_actor(request), institution=i, data=d),
        "从业人员已登记",
    )


@login_required
def staff_export(request: HttpRequest, pk: int) -> HttpResponse:
    inst = _institution(request, pk)
    return report_response(request_actor(request), "tutoring.staff", "xlsx", {"institution": str(inst.pk)})


@login_required
def course_create(request: HttpRequest, pk: int) -> HttpResponse:
    return _child_create(
        request,
        pk,
        "tutoring.course_create",
        f.CourseForm,
        lambda i, d: services.course_create(actor=request_actor(request), institution=i, data=d),
        "课程已登记",
    )


@login_required
def session_create(request: HttpRequest, pk: int) -> HttpResponse:
    return _child_create(
        request,
        pk,
        "tutoring.session_create",
        f.SessionForm,
        lambda i, d: services.session_create(
            actor=request_actor(request),
            course=d["course"],
            date=d["date"],
            start_time=d["start_time"],
            end_time=d["end_time"],
        ),
        "课表已登记",
    )
