"""Pages of workforce (师资队伍): the bureau's overview (subject gaps by town, age structure,
vacancies), a school's staffing page, a teacher's records over the years, the teacher's own page
with correction requests, and the school administrator's decision on a request."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from edugov.accounts.actor import request_actor
from edugov.accounts.models import User
from edugov.accounts.policy import can, ensure_can, role_may
from edugov.accounts.scope import scoped
from edugov.common.bounds import BoundError, parse_bounded_int
from edugov.common.errors import DomainError, PermissionDenied
from edugov.registry.models import School, SchoolYear, Teacher

from . import exchanges, selectors, services
from .models import record_field_label
from .permissions import action


def _year(request: HttpRequest) -> SchoolYear | None:
    raw = request.GET.get("year", "")
    if raw:
        try:
            start = parse_bounded_int(raw, minimum=1900, maximum=2200)
        except BoundError:
            start = None
        found = SchoolYear.objects.filter(start_year=start).first() if start else None
        if found is not None:
            return found
    return selectors.current_year()


def _ensure_reader(actor: User, obj: Any = None) -> None:
    """Bureau readers and the school's administrators; the refusal names the bureau's action."""
    if can(actor, action("view"), obj) or can(actor, action("school_view"), obj):
        return
    if role_may(actor, action("school_view")):
        ensure_can(actor, action("school_view"), obj)
    ensure_can(actor, action("view"), obj)


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    ensure_can(actor, action("view"))
    year = _year(request)
    data = selectors.overview(actor=actor, year=year, today=timezone.localdate())
    worst = max((c.gap for cells in data.heat.values() for c in cells.values()), default=0.0)
    vacancies = sorted(
        (s for s in data.staffing.schools if s.vacancies > 0), key=lambda s: (-s.vacancies, s.school_name)
    )
    rotation = exchanges.rotation_shares(actor=actor, year=year) if year else []
    return render(
        request,
        "workforce/overview.html",
        {
            "rotation": sorted(rotation, key=lambda r: (r.met, r.share or 0.0))[:30],
            "rotation_rule": rotation[0] if rotation else None,
            "rotation_met": sum(1 for r in rotation if r.met),
            "rotation_total": len(rotation),
            "year": year,
            "years": selectors.year_choices(),
            "o": data,
            "heat_max": worst or 1.0,
            "vacancies": vacancies[:30],
            "schools": data.staffing.schools,
            "may_report": role_may(actor, action("report")),
        },
    )


@login_required
def my_school(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    ensure_can(actor, action("school_view"))
    if actor.school_id is None:
        raise Http404
    return redirect("workforce:school", pk=actor.school_id)


@login_required
def school_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    school = get_object_or_404(scoped(School, actor), pk=pk)
    _ensure_reader(actor, school)
    year = _year(request)
    st = selectors.staffing(actor=actor, year=year, school_ids=[school.pk])
    row = st.school(school.pk)
    records = selectors.school_records(actor=actor, school=school, year=year) if year else []
    may_decide = can(actor, action("correction_decide"), school)
    pending = (
        selectors.correction_list(actor=actor, pending_only=True).filter(teacher_year__school=school)
        if may_decide
        else []
    )
    return render(
        request,
        "workforce/school.html",
        {
            "school": school,
            "year": year,
            "years": selectors.year_choices(),
            "s": row,
            "norms": st.norms,
            "records": records,
            "pending": pending,
            "may_decide": may_decide,
        },
    )


@login_required
def teacher_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    teacher = get_object_or_404(scoped(Teacher, actor), pk=pk)
    if actor.teacher_id == teacher.pk:
        return redirect("workforce:me")
    _ensure_reader(actor, teacher.school)
    history = list(selectors.teacher_history(actor=actor, teacher=teacher))
    return render(request, "workforce/teacher.html", {"teacher": teacher, "history": history, "own": False})


@login_required
def me(request: HttpRequest) -> HttpResponse:
    """A teacher's own records, over the years, and their correction requests (on a phone)."""
    actor = request_actor(request)
    ensure_can(actor, action("own_view"))
    teacher = services.ensure_teacher(actor)
    history = list(selectors.teacher_history(actor=actor, teacher=teacher))
    errors: list[str] = []
    if request.method == "POST":
        record = next((r for r in history if str(r.pk) == request.POST.get("record", "")), None)
        if record is None:
            errors.append("请选择要更正的学年档案")
        else:
            try:
                services.correction_request(
                    actor=actor,
                    record=record,
                    field=request.POST.get("field", ""),
                    requested_value=request.POST.get("value", ""),
                    reason=request.POST.get("reason", ""),
                )
                messages.success(request, "已提交更正申请，等待学校审核")
                return redirect("workforce:me")
            except PermissionDenied:
                raise
            except DomainError as exc:
                errors.append(exc.message)
    fields = [(f, record_field_label(f)) for f in services.CORRECTABLE]
    return render(
        request,
        "workforce/teacher.html",
        {
            "teacher": teacher,
            "history": history,
            "own": True,
            "fields": fields,
            "requests": selectors.correction_list(actor=actor).filter(teacher_year__teacher=teacher)[:20],
            "errors": errors,
            "post": request.POST,
        },
        status=400 if errors else 200,
    )


@login_required
@require_POST
def correction_decide(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    req = get_object_or_404(selectors.correction_list(actor=actor), pk=pk)
    school_id = req.teacher_year.school_id
    try:
        services.correction_decide(
            actor=actor,
            request=req,
            approve=request.POST.get("decision") == "approve",
            note=request.POST.get("note", ""),
        )
        messages.success(request, "已审核更正申请")
    except PermissionDenied:
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("workforce:school", pk=school_id)
