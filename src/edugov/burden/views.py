"""Burden pages: the teacher's phone-sized homework entry, the homework list with the parents'
board links, the public class board (no login), the compliance pages for officers and schools,
and the XLSX export. Reads through selectors, writes through services."""

from __future__ import annotations

import datetime as dt
from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from edugov.accounts.actor import request_actor
from edugov.accounts.anchors import home_anchor
from edugov.accounts.policy import ensure_can, role_may
from edugov.accounts.scope import scoped, write_scoped
from edugov.common.dates import cn_date
from edugov.common.errors import DomainError, PermissionDenied
from edugov.registry.calendar import SchoolCalendar
from edugov.registry.models import Area, AreaLevel, School, SchoolClass, SchoolYear, Term
from edugov.reports import report_response

from . import rules, selectors, services
from .errors import BurdenError
from .forms import MINUTE_PRESETS, AfterSchoolForm, ComplianceFilterForm, ExamForm, HomeworkForm
from .models import Homework


def _own_school(user: Any) -> School | None:
    """The school an account hangs on (a school administrator's): its pages open on that school
    instead of offering a choice of schools. Data shaping, not permission."""
    anchor = home_anchor(user) if getattr(user, "is_authenticated", False) else None
    return user.school if anchor is not None and anchor.kind == "school" else None


# Homework entry and list -------------------------------------------------------------------------


def _default_homework_date() -> dt.date:
    """The last school day up to today by the term calendar: on a Sunday the form offers Friday
    (the service would refuse Sunday only after the teacher has typed everything)."""
    today = timezone.localdate()
    year = SchoolYear.objects.filter(start_date__lte=today, end_date__gte=today).first()
    if year is None:
        return today
    day = SchoolCalendar.for_year(year).last_school_day(today, earliest=year.start_date)
    return day or today


@login_required
def homework_new(request: HttpRequest) -> HttpResponse:
    ensure_can(request.user, "burden.homework_publish")
    assignments = selectors.teacher_assignments(user=request.user)
    form = HomeworkForm(
        request.POST or None, assignments=assignments, initial={"date": _default_homework_date()}
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            school_class = write_scoped(SchoolClass, request.user).filter(pk=data["class_id"]).first()
            try:
                if school_class is None:
                    raise PermissionDenied(BurdenError.NOT_OWN_CLASS)
                hw = services.homework_publish(
                    actor=request.user,
                    school_class=school_class,
                    subject=data["subject_value"],
                    date=data["date"],
                    homework_type=data["homework_type"],
                    content=data["content"],
                    estimated_minutes=data["estimated_minutes"],
                    layered=data["layered"],
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
                status = 403 if isinstance(exc, PermissionDenied) else 400
            else:
                total = selectors.written_total(school_class_id=school_class.pk, date=hw.date)
                limit = rules.written_limit(school_class.grade, area_path=school_class.school.area.path)
                kind = hw.get_homework_type_display()
                text = f"已发布：{school_class} {hw.subject} {kind} {hw.estimated_minutes}分钟。"
                if limit is not None and limit.value == 0:
                    messages.success(request, text + "一、二年级不布置家庭书面作业。")
                elif limit is not None:
                    text += f"本班{hw.date:%m月%d日}书面作业合计{total}分钟（日均上限{limit.value:g}分钟）。"
                    if total > limit.value:
                        messages.warning(request, text + "当天已超过日均上限，请注意一周内统筹。")
                    else:
                        messages.success(request, text)
                else:
                    messages.success(request, text)
                return redirect("burden:homework_new")
        else:
            status = 400
    return render(
        request,
        "burden/homework_new.html",
        {"form": form, "presets": MINUTE_PRESETS, "has_assignments": bool(assignments)},
        status=status,
    )


def parent_link_qr(url: str, school_class: SchoolClass) -> str:
    """The link as a QR code in inline SVG, drawn on the server (no script, no image request).

    The title is the code's text alternative; segno escapes it."""
    return segno.make(url).svg_inline(
        scale=4, border=2, svgclass="qr-code", title=f"{school_class}家长查看链接二维码"
    )


def parent_link(request: HttpRequest, school_class: SchoolClass, token: str | None) -> dict[str, Any]:
    """One class's card on the teacher's page: its parent link in full, and the link as a QR code."""
    if token is None:
        return {"obj": school_class, "url": "", "qr": ""}
    url = request.build_absolute_uri(reverse("burden:board", args=[token]))
    # segno writes only its own markup and escapes the title, so the SVG is safe to inline.
    return {"obj": school_class, "url": url, "qr": mark_safe(parent_link_qr(url, school_class))}


@login_required
def homework_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    ensure_can(user, "burden.view")
    mine = role_may(user, "burden.homework_publish")  # a teacher's own classes are listed too
    items = list(selectors.homework_list(user=user, mine=False)[:200])
    class_ids = {h.school_class_id for h in items}
    if mine:
        class_ids |= {a.class_id for a in selectors.teacher_assignments(user=user)}
    classes = list(scoped(SchoolClass, user).filter(pk__in=class_ids).select_related("school"))
    boards = selectors.board_list(user=user, class_ids=class_ids)
    return render(
        request,
        "burden/homework_list.html",
        {
            "items": items,
            "classes": [parent_link(request, c, boards.get(c.pk)) for c in classes],
            "teacher_id": user.teacher_id,
            "can_publish_board": role_may(user, "burden.board_publish"),
        },
    )


@login_required
@require_POST
def homework_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    homework = get_object_or_404(scoped(Homework, request.user), pk=pk)
    services.homework_withdraw(actor=request.user, homework=homework)
    messages.success(request, "已撤回该条作业")
    return redirect("burden:homework_list")


@login_required
@require_POST
def board_create(request: HttpRequest, class_id: int) -> HttpResponse:
    ensure_can(request.user, "burden.board_publish")
    school_class = get_object_or_404(scoped(SchoolClass, request.user), pk=class_id)
    services.class_board_ensure(actor=request.user, school_class=school_class)
    messages.success(request, f"已生成{school_class}的家长查看链接")
    return redirect("burden:homework_list")


@never_cache
def board(request: HttpRequest, token: str) -> HttpResponse:
    """Public and read-only: no login, no personal data, not indexed, no referrer leaks."""
    data = selectors.board_for_token(token)
    if data is None:
        raise Http404("链接无效或已失效")
    response = render(request, "burden/board.html", {"board": data})
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _export_url(*, term: Term, town: Area | None = None, school: School | None = None) -> str:
    params: dict[str, int] = {"term": term.pk}
    if town is not None:
        params["town"] = town.pk
    if school is not None:
        params["school"] = school.pk
    return f"{reverse('burden:compliance_export')}?{urlencode(params)}"


# Compliance --------------------------------------------------------------------------------------


def _filters(request: HttpRequest) -> tuple[ComplianceFilterForm, Term | None, Area | None]:
    user = request.user
    terms = selectors.term_list()
    towns = list(
        scoped(Area, user).filter(level=AreaLevel.TOWN, archived_at__isnull=True).values_list("pk", "name")
    )
    form = ComplianceFilterForm(request.GET or None, terms=terms, towns=towns)
    term = selectors.default_term(user=user)
    town = None
    if form.is_bound and form.is_valid():
        if form.cleaned_data.get("term"):
            term = next((t for t in terms if t.pk == form.cleaned_data["term"]), term)
        if form.cleaned_data.get("town"):
            town = scoped(Area, user).filter(pk=form.cleaned_data["town"]).first()
    elif form.is_bound:
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
    if term is not None:
        form.initial["term"] = term.pk
    return form, term, town


@login_required
def compliance(request: HttpRequest) -> HttpResponse:
    user = request.user
    ensure_can(user, "burden.compliance")
    own = _own_school(user)
    if own is not None:
        return redirect("burden:compliance_school", pk=own.pk)
    form, term, town = _filters(request)
    context: dict[str, Any] = {"form": form, "term": term, "town": town}
    if term is not None:
        context["export_url"] = _export_url(term=term, town=town)
        page = selectors.compliance_page(user=user, term=term, area_path=town.path if town else "")
        context.update(
            report_month=f"{page.latest_week:%Y-%m}",
            report=page.report,
            charts=page.charts,
            exam_violations=page.exam_violations[:50],
            after_school=page.after_school,
        )
    return render(request, "burden/compliance.html", context)


@login_required
def compliance_school(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    ensure_can(user, "burden.view")
    school = get_object_or_404(scoped(School, user).select_related("area"), pk=pk)
    form, term, _ = _filters(request)
    context: dict[str, Any] = {
        "form": form,
        "term": term,
        "school": school,
        "district_link": role_may(user, "burden.compliance") and _own_school(user) is None,
    }
    if term is not None:
        context["export_url"] = _export_url(term=term, school=school)
        page = selectors.compliance_page(user=user, term=term, school=school)
        context.update(
            report=page.report,
            charts=page.charts,
            exam_violations=page.exam_violations,
            after_school=page.after_school,
            surveys=page.surveys,
        )
    return render(request, "burden/compliance_school.html", context)


@login_required
def school_rules(request: HttpRequest) -> HttpResponse:
    """Exams, after-school services and questionnaires of the term, for the area or the school."""
    user = request.user
    ensure_can(user, "burden.view")
    form, term, _ = _filters(request)
    context: dict[str, Any] = {"form": form, "term": term}
    if term is not None:
        page = selectors.compliance_page(user=user, term=term)
        context.update(
            exam_violations=page.exam_violations, after_school=page.after_school, surveys=page.surveys
        )
    return render(request, "burden/school_rules.html", context)


@login_required
def compliance_export(request: HttpRequest) -> HttpResponse:
    """The term's compliance workbook (the registered report burden.compliance)."""
    return report_response(request_actor(request), "burden.compliance", "xlsx", request.GET.dict())


# Entry by schools: exams and after-school services -----------------------------------------------


def _int_param(request: HttpRequest, name: str) -> int | None:
    raw = request.POST.get(name) or request.GET.get(name) or ""
    return int(raw) if raw.isdigit() and len(raw) < 10 else None


def _pick_term(request: HttpRequest, terms: list[Term]) -> Term | None:
    wanted = _int_param(request, "term")
    found = next((t for t in terms if t.pk == wanted), None)
    return found or selectors.default_term(user=request.user)


@login_required
def exam_entry(request: HttpRequest) -> HttpResponse:
    """Exam registration: a phone-sized form, the rules an exam breaks shown as soon as it is
    saved, and the term's registered exams below."""
    from edugov.registry.models import SCHOOL_TYPE_GRADES, SchoolType

    user = request.user
    ensure_can(user, "burden.entry_view")
    if request.method == "POST":
        ensure_can(user, "burden.exam_register")
    terms = selectors.term_list()
    own = _own_school(user)
    writes = role_may(user, "burden.exam_register")
    schools = None if own is not None else selectors.school_choices(user=user, writable=writes)
    offered = SCHOOL_TYPE_GRADES[SchoolType(own.school_type)] if own is not None else range(1, 10)
    grades = sorted(g for g in offered if g <= 9)
    term = _pick_term(request, terms)
    form = ExamForm(
        request.POST or None,
        terms=terms,
        schools=schools,
        grades=grades,
        initial={"term": term.pk if term else None, "school": _int_param(request, "school")},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            term = next(t for t in terms if t.pk == data["term"])
            school = own or write_scoped(School, user).filter(pk=data.get("school")).first()
            try:
                if school is None:
                    raise DomainError(BurdenError.BAD_SCHOOL)
                exam = services.exam_register(
                    actor=user,
                    school=school,
                    term=term,
                    grade=data["grade"],
                    subject=data["subject"],
                    kind=data["kind"],
                    date=data["date"],
                    is_paper=data["is_paper"],
                    result_form=data["result_form"],
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
                status = 403 if isinstance(exc, PermissionDenied) else 400
            else:
                problems = selectors.exam_problems(user=user, exam=exam)
                text = (
                    f"已登记：{school.name} {cn_date(exam.date)} {exam.grade}年级{exam.subject}"
                    f"{exam.get_kind_display()}。"
                )
                if problems:
                    messages.warning(request, text + "该考试不符合规定：" + "；".join(problems))
                else:
                    messages.success(request, text + "符合考试管理规定。")
                query = urlencode({"term": term.pk, **({"school": school.pk} if own is None else {})})
                return redirect(f"{reverse('burden:exam_entry')}?{query}")
        else:
            status = 400
    rows = []
    if term is not None:
        chosen = own
        if chosen is None and _int_param(request, "school"):
            chosen = scoped(School, user).filter(pk=_int_param(request, "school")).first()
        rows = selectors.exam_rows(user=user, term=term, school=chosen)
    return render(
        request,
        "burden/exam_entry.html",
        {"form": form, "term": term, "rows": rows, "own_school": own},
        status=status,
    )


@login_required
def after_school_entry(request: HttpRequest) -> HttpResponse:
    """A school's after-school service of a term: created on first save, edited afterwards."""
    user = request.user
    ensure_can(user, "burden.entry_view")
    if request.method == "POST":
        ensure_can(user, "burden.after_school_register")
    terms = selectors.term_list()
    term = _pick_term(request, terms)
    own = _own_school(user)
    if own is not None:
        school = own
    else:
        wanted = _int_param(request, "school")
        school = scoped(School, user).filter(pk=wanted).first() if wanted else None
    context: dict[str, Any] = {
        "terms": terms,
        "term": term,
        "school": school,
        "schools": selectors.school_choices(
            user=user, writable=role_may(user, "burden.after_school_register")
        )
        if own is None
        else [],
    }
    if term is None or school is None:
        return render(request, "burden/after_school_entry.html", context)
    existing = selectors.after_school_service(user=user, school=school, term=term)
    initial = AfterSchoolForm.initial_from(existing) if existing else {}
    form = AfterSchoolForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.service_data()
            try:
                if existing is None:
                    services.after_school_register(actor=user, school=school, term=term, **data)
                else:
                    services.after_school_update(actor=user, service=existing, **data)
            except DomainError as exc:
                form.add_error(None, exc.message)
                status = 403 if isinstance(exc, PermissionDenied) else 400
            else:
                check = rules.after_school_check(
                    days_per_week=data["days_per_week"],
                    start_time=data["start_time"],
                    end_time=data["end_time"],
                    area_path=school.area.path,
                    year=term.school_year.start_year,
                )
                if check.problems:
                    messages.warning(request, "已保存。不符合课后服务要求：" + "；".join(check.problems))
                else:
                    messages.success(request, "已保存，符合“5+2”和结束时间要求。")
                query = {"term": term.pk}
                if own is None:
                    query["school"] = school.pk
                return redirect(f"{reverse('burden:after_school_entry')}?{urlencode(query)}")
        else:
            status = 400
    context.update(form=form, existing=existing)
    return render(request, "burden/after_school_entry.html", context, status=status)


# Monthly report ----------------------------------------------------------------------------------


@login_required
def monthly_report(request: HttpRequest) -> HttpResponse:
    """双减工作月报 as PDF or XLSX for a month (?month=2025-10&fmt=pdf|xlsx[&town=]): the registered
    report burden.monthly, audited by the registry's download path."""
    params = request.GET.dict()
    return report_response(request_actor(request), "burden.monthly", params.pop("fmt", "pdf"), params)
