"""Pages of workforce (师资队伍): the bureau's overview (subject gaps by town, age structure,
vacancies), a school's staffing page, a teacher's records over the years, the teacher's own page
with correction requests and their 区管校聘 choices and appeal, and the school administrator's
decision on a request."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from edugov.accounts.actor import request_actor
from edugov.accounts.models import User
from edugov.accounts.policy import can, ensure_can, role_may
from edugov.accounts.scope import scoped
from edugov.common.bounds import BoundError, parse_bounded_int
from edugov.common.errors import DomainError, PermissionDenied
from edugov.registry.models import School, SchoolYear, Teacher

from . import appraisal, ethics, exchanges, mentoring, rounds, selectors, services, studios
from . import recruitment as recruitment_service
from .errors import WorkforceError
from .forms import MentorPairForm, RoundAppealForm, RoundChoicesForm
from .models import (
    RECRUIT_MAX,
    PostRound,
    RoundAppeal,
    RoundChoice,
    RoundResult,
    RoundStatus,
    record_field_label,
)
from .norms import Norms
from .permissions import action
from .pyramid import GROUPINGS, age_pyramids


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


def _norm_sources(norms: Norms) -> list[tuple[str, str]]:
    """Each standard the page applies as (name, citation): the name in the text, the source and
    its verification status behind a disclosure ({% source_info %}), never inline tags."""
    seen: dict[str, tuple[str, str]] = {}
    for r in norms.rules:
        # The curriculum's periods are one rule per subject from one file: one line for them all.
        periods = r.code.startswith("workforce.periods.")
        key = r.source.file_id if periods else r.code
        seen.setdefault(key, ("各学科周课时" if periods else r.name, r.citation()))
    return list(seen.values())


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
    pyramid_by = request.GET.get("pyramid", "locale")
    pyramid_by = pyramid_by if pyramid_by in ("locale", "town") else "locale"
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
            "norm_sources": _norm_sources(data.staffing.norms),
            "heat_max": worst or 1.0,
            "vacancies": vacancies[:30],
            "schools": data.staffing.schools,
            "may_report": role_may(actor, action("report")),
            "may_recruit": role_may(actor, action("recruitment_view")),
            "may_ethics": ethics.may_see_incidents(actor),
            "pyramid_by": pyramid_by,
            "pyramid_choices": GROUPINGS,
            "pyramids": age_pyramids(actor=actor, year=year, today=timezone.localdate(), by=pyramid_by),
        },
    )


@login_required
def my_school(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    ensure_can(actor, action("school_view"))
    if actor.school_id is None:
        raise Http404
    # Shown here rather than redirected, so the sidebar's 本校师资 stays highlighted.
    school = get_object_or_404(scoped(School, actor), pk=actor.school_id)
    return _school_page(request, actor, school, _year(request))


@login_required
def school_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    school = get_object_or_404(scoped(School, actor), pk=pk)
    return _school_page(request, actor, school, _year(request))


def _school_page(
    request: HttpRequest,
    actor: User,
    school: School,
    year: SchoolYear | None,
    *,
    pair_form: MentorPairForm | None = None,
) -> HttpResponse:
    _ensure_reader(actor, school)
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
            "projection_note": st.projection.school_note(school.pk),
            "norms": st.norms,
            "norm_sources": _norm_sources(st.norms),
            "records": records,
            "pending": pending,
            "may_decide": may_decide,
            "pairs": mentoring.school_pairs(actor=actor, school=school, year=year),
            "ethics": ethics.counts(actor=actor, year=year, school=school),
            "may_see_ethics": ethics.may_see_incidents(actor) or role_may(actor, action("ethics_counts")),
            "appraisals": appraisal.school_appraisals(actor=actor, school=school, year=year),
            "pyramids": age_pyramids(
                actor=actor, year=year, today=timezone.localdate(), by="school", school_ids=[school.pk]
            ),
            "pair_form": pair_form
            or (
                MentorPairForm(user=actor, school=school)
                if year and mentoring.may_pair(actor, school)
                else None
            ),
        },
        status=400 if pair_form is not None and pair_form.errors else 200,
    )


@login_required
@require_POST
def pair_create(request: HttpRequest, pk: int) -> HttpResponse:
    """The school page's entry form for a mentoring pair: the service checks who may pair and
    refuses in Chinese; a refusal re-renders the page with the message (400), nothing written."""
    actor = request_actor(request)
    school = get_object_or_404(scoped(School, actor), pk=pk)
    mentoring.ensure_may_pair(actor, school)
    year = _year(request)
    form = MentorPairForm(request.POST, user=actor, school=school)
    if year is None or not form.is_valid():
        if year is None:
            form.add_error(None, "尚未设置当前学年，不能结对")
        return _school_page(request, actor, school, year, pair_form=form)
    try:
        mentoring.pair_create(
            actor=actor,
            school=school,
            school_year=year,
            mentor=form.cleaned_data["mentor"],
            mentee=form.cleaned_data["mentee"],
            goals=form.cleaned_data["goals"],
        )
    except PermissionDenied:
        raise
    except DomainError as exc:
        form.add_error(None, exc.message)
        return _school_page(request, actor, school, year, pair_form=form)
    messages.success(request, "已添加青蓝结对")
    return redirect(reverse("workforce:school", args=[school.pk]) + f"?year={year.start_year}")


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
    rnd = rounds.open_round_for_teacher(teacher)
    round_context = _round_context(request, actor, teacher, rnd)
    if isinstance(round_context, HttpResponse):
        return round_context
    if request.method == "POST" and request.POST.get("do") not in ("choices", "appeal"):
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
            "studio_reports": studios.reports_to_file(teacher_id=teacher.pk, today=timezone.localdate()),
            "today": timezone.localdate(),
            "errors": errors,
            "post": request.POST if request.POST.get("do") not in ("choices", "appeal") else {},
            **round_context,
        },
        status=400 if errors or round_context.get("round_refused") else 200,
    )


def _round_context(
    request: HttpRequest, actor: User, teacher: Teacher, rnd: PostRound | None
) -> dict[str, Any] | HttpResponse:
    """The teacher's part of their district's 区管校聘 round on their own page: their choices while
    choosing, their result and an appeal once published. A POST files one (the service checks who
    may and refuses in Chinese); a refusal re-renders the page (400), nothing written."""
    do = request.POST.get("do", "") if request.method == "POST" else ""
    if rnd is None:
        if do in ("choices", "appeal"):
            return {"round_refused": True, "round_error": "目前没有进行中的区管校聘"}
        return {}
    chosen = [
        c.post
        for c in RoundChoice.objects.filter(round=rnd, teacher=teacher)
        .select_related("post__school")
        .order_by("rank")
    ]
    result = (
        RoundResult.objects.filter(round=rnd, teacher=teacher).select_related("post__school").first()
        if rnd.status == RoundStatus.ASSIGNED
        else None
    )
    appeal = RoundAppeal.objects.filter(result=result).first() if result else None
    choices_form = (
        RoundChoicesForm(request.POST if do == "choices" else None, rnd=rnd, current=chosen)
        if rnd.status == RoundStatus.CHOOSING
        else None
    )
    appeal_form = (
        RoundAppealForm(request.POST if do == "appeal" else None, rnd=rnd)
        if result is not None and appeal is None
        else None
    )
    context: dict[str, Any] = {
        "round": rnd,
        "round_chosen": chosen,
        "round_result": result,
        "round_appeal": appeal,
        "choices_form": choices_form,
        "appeal_form": appeal_form,
    }
    try:
        if do == "choices":
            if choices_form is None:
                raise DomainError(
                    WorkforceError.ROUND_STEP, now=rnd.get_status_display(), need=RoundStatus.CHOOSING.label
                )
            if choices_form.is_valid():
                rounds.choices_submit(actor=actor, rnd=rnd, teacher=teacher, posts=choices_form.posts())
                messages.success(request, "已提交选岗志愿")
                return redirect(reverse("workforce:me") + "#round")
        elif do == "appeal":
            if appeal_form is None or result is None:
                raise DomainError(
                    WorkforceError.ROUND_APPEALED if appeal else WorkforceError.ROUND_LINE_UNKNOWN
                )
            if appeal_form.is_valid():
                rounds.appeal_file(
                    actor=actor,
                    result=result,
                    reason=appeal_form.cleaned_data["reason"],
                    requested_post=appeal_form.cleaned_data["requested_post"],
                )
                messages.success(request, "已提交申诉，等待人事科复核")
                return redirect(reverse("workforce:me") + "#round")
    except PermissionDenied:
        raise
    except DomainError as exc:
        form = choices_form if do == "choices" else appeal_form
        if form is not None:
            form.add_error(None, exc.message)
        else:
            context["round_error"] = exc.message
    context["round_refused"] = bool(
        do
        and (
            context.get("round_error")
            or (choices_form is not None and choices_form.errors)
            or (appeal_form is not None and appeal_form.errors)
        )
    )
    return context


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


def _recruitment_edits(request: HttpRequest) -> dict[int, tuple[str, str]]:
    """{line id: (quantity, note)} from the form's `qty_<id>` and `note_<id>` fields."""
    edits: dict[int, tuple[str, str]] = {}
    for key, value in request.POST.items():
        if key.startswith("qty_"):
            try:
                pk = parse_bounded_int(key.removeprefix("qty_"), minimum=1)
            except BoundError:
                raise DomainError(WorkforceError.RECRUIT_LINE_UNKNOWN) from None
            edits[pk] = (str(value), str(request.POST.get(f"note_{pk}", "")))
    return edits


@login_required
def recruitment(request: HttpRequest) -> HttpResponse:
    """The year's recruitment plan: the personnel department builds it from the five-year gaps and
    edits each line's number and note; the bureau's leaders read it and download the report."""
    actor = request_actor(request)
    ensure_can(actor, action("recruitment_view"))
    year = _year(request)
    plan = recruitment_service.plan_for(year)
    may_edit = role_may(actor, action("recruitment_edit"))
    posted: dict[int, tuple[str, str]] = {}
    status = 200
    if request.method == "POST":
        ensure_can(actor, action("recruitment_edit"))
        suffix = f"?year={year.start_year}" if year else ""
        try:
            if request.POST.get("do") == "build":
                plan = recruitment_service.plan_build(actor=actor, year=year, today=timezone.localdate())
                messages.success(request, "已根据五年缺口生成招聘建议；已有明细的计划人数和备注保持不变。")
                return redirect(reverse("workforce:recruitment") + suffix)
            if plan is None:
                raise DomainError(WorkforceError.RECRUIT_NO_PLAN, year=str(year) if year else "本学年")
            posted = _recruitment_edits(request)
            changed = recruitment_service.lines_save(actor=actor, plan=plan, edits=posted)
            messages.success(request, f"已保存，修改{len(changed)}条明细。")
            return redirect(reverse("workforce:recruitment") + suffix)
        except PermissionDenied:
            raise
        except DomainError as exc:
            messages.error(request, exc.message)
            status = 400
    lines = list(recruitment_service.plan_lines(actor=actor, plan=plan))
    rows = [
        (
            line,
            posted[line.pk][0] if line.pk in posted else line.quantity,
            posted[line.pk][1] if line.pk in posted else line.note,
        )
        for line in lines
    ]
    return render(
        request,
        "workforce/recruitment.html",
        {
            "year": year,
            "years": selectors.year_choices(),
            "plan": plan,
            "rows": rows,
            "total_proposed": sum(line.proposed for line in lines),
            "total_quantity": sum(line.quantity for line in lines),
            "may_edit": may_edit,
            "quantity_max": RECRUIT_MAX,
        },
        status=status,
    )
