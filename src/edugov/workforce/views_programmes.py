"""Pages of workforce's programmes: the studio board (master studios and research communities), a
studio report filed by its lead or the personnel department, the ethics incidents (personnel
department and leaders only), and appraisal, quotas and allowances."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from edugov.accounts.actor import request_actor
from edugov.accounts.models import User
from edugov.accounts.policy import ensure_can, role_may
from edugov.accounts.scope import scoped, write_scoped
from edugov.common.bounds import BoundError, parse_bounded_int
from edugov.common.errors import DomainError, PermissionDenied
from edugov.registry.models import Area, AreaLevel, School, SchoolYear, Teacher

from . import appraisal, ethics, rounds, studios
from .forms import AppraisalForm, StudioForm, TierForm
from .models import EthicsCategory, EthicsHandling, EthicsIncident, PostRound, StudioReport
from .permissions import action
from .views import _year
from .views_communities import activity_post, board_page, community_post, tier_post


def _suffix(year: SchoolYear | None) -> str:
    return f"?year={year.start_year}" if year else ""


@login_required
def studio_board(request: HttpRequest) -> HttpResponse:
    """Master studios with their reports (filed, due, overdue, next) and research communities with
    their activities."""
    actor = request_actor(request)
    ensure_can(actor, action("studio_view"))
    form: StudioForm | None = None
    if request.method == "POST":
        ensure_can(actor, action("studio_edit"))
        which = request.POST.get("form", "")
        if which == "community":
            return community_post(request, actor)
        if which == "activity":
            return activity_post(request, actor)
        form = StudioForm(request.POST, user=actor)
        if form.is_valid():
            d = form.cleaned_data
            try:
                studio = studios.studio_create(
                    actor=actor,
                    name=d["name"],
                    kind=d["kind"],
                    lead=d["lead"],
                    members=list(d["members"]),
                    plan=d["plan"],
                    cadence=d["cadence"],
                    started_on=d["started_on"],
                )
            except PermissionDenied:
                raise
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, f"已成立{studio.name}，并生成首年报告期")
                return redirect("workforce:studios")
    return board_page(request, actor, studio_form=form)


def _next_url(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


@login_required
@require_POST
def studio_report_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """A period's report, filed by the studio's lead teacher (from their own page) or the personnel
    department (from the board); a refusal is a Chinese message, nothing written."""
    actor = request_actor(request)
    report = get_object_or_404(scoped(StudioReport, actor).select_related("studio"), pk=pk)
    if not studios.may_report(actor, report.studio):
        ensure_can(actor, action("studio_report"), report.studio)
    try:
        studios.report_submit(
            actor=actor, report=report, summary=request.POST.get("summary", ""), today=timezone.localdate()
        )
        messages.success(request, f"已报送{report.studio.name}{report.period_label}报告")
    except PermissionDenied:
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(_next_url(request, reverse("workforce:studios")))


@login_required
def ethics_page(request: HttpRequest) -> HttpResponse:
    """The year's incidents for the personnel department and the leaders; the department registers
    one (the teacher by staff number, in its write scope), handles it, and brings in the tutoring
    module's matches."""
    actor = request_actor(request)
    ensure_can(actor, action("ethics_view"))
    year = _year(request)
    may_edit = role_may(actor, action("ethics_edit"))
    errors: list[str] = []
    if request.method == "POST":
        ensure_can(actor, action("ethics_edit"))
        try:
            if request.POST.get("do") == "sync":
                n = ethics.sync_tutoring_matches(year=year, today=timezone.localdate())
                messages.success(request, f"已从校外培训从业人员比对结果导入{n}条待处理线索")
                return redirect(reverse("workforce:ethics") + _suffix(year))
            _incident_from_post(request, year)
            messages.success(request, "已登记师德师风事件，待处理")
            return redirect(reverse("workforce:ethics") + _suffix(year))
        except PermissionDenied:
            raise
        except DomainError as exc:
            errors.append(exc.message)
    incidents = ethics.incident_list(actor=actor, year=year).order_by("status", "-occurred_on", "-pk")
    return render(
        request,
        "workforce/ethics.html",
        {
            "year": year,
            "years": SchoolYear.objects.all(),
            "incidents": incidents[:300],
            "counts": ethics.counts(actor=actor, year=year),
            "categories": EthicsCategory.choices,
            "handlings": [c for c in EthicsHandling.choices if c[0]],
            "may_edit": may_edit,
            "errors": errors,
            "post": request.POST,
        },
        status=400 if errors else 200,
    )


def _incident_from_post(request: HttpRequest, year: SchoolYear | None) -> EthicsIncident:
    from .errors import WorkforceError as E

    actor = request_actor(request)
    if year is None:
        raise DomainError(E.RECRUIT_NO_YEAR)
    number = request.POST.get("staff_number", "").strip()[:32]
    teacher = (
        write_scoped(Teacher.objects.filter(archived_at__isnull=True), actor)
        .filter(staff_number=number)
        .first()
    )
    if teacher is None:
        raise DomainError(E.BAD_FIELD, field="教工号", reason=f"在您管辖的学校中找不到教工号“{number}”")
    try:
        occurred = dt.date.fromisoformat(request.POST.get("occurred_on", "").strip())
    except ValueError:
        raise DomainError(E.BAD_FIELD, field="发生日期", reason="请按“2026-03-01”的格式填写") from None
    return ethics.incident_create(
        actor=actor,
        teacher=teacher,
        school_year=year,
        category=request.POST.get("category", ""),
        occurred_on=occurred,
        summary=request.POST.get("summary", ""),
        today=timezone.localdate(),
    )


@login_required
@require_POST
def ethics_decide(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    ensure_can(actor, action("ethics_edit"))
    incident = get_object_or_404(ethics.incident_list(actor=actor), pk=pk)
    try:
        ethics.incident_decide(
            actor=actor,
            incident=incident,
            confirmed=request.POST.get("decision") == "confirm",
            handling=request.POST.get("handling", ""),
            effect=request.POST.get("effect", ""),
        )
        messages.success(request, "已处理师德师风事件")
    except PermissionDenied:
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(reverse("workforce:ethics") + f"?year={incident.school_year.start_year}")


@login_required
def appraisal_page(request: HttpRequest) -> HttpResponse:
    """Appraisal results against the cap, a quota shared out to schools with the rural tilt (and
    why), the monthly allowances, and the retired-teachers' programme against its age limit."""
    actor = request_actor(request)
    ensure_can(actor, action("appraisal_view"))
    year = _year(request)
    today = timezone.localdate()
    may_enter = role_may(actor, action("appraisal_edit"))
    entry_schools = (
        write_scoped(School.objects.filter(archived_at__isnull=True), actor)
        .only("id", "name")
        .order_by("name")
        if may_enter
        else School.objects.none()
    )
    source = request.POST if request.method == "POST" else request.GET
    entry_school = entry_schools.filter(pk=_int(source.get("school", ""))).first() if may_enter else None
    entry_form: AppraisalForm | None = None
    entry_error = ""
    tier_form = TierForm(user=actor) if role_may(actor, action("tier_edit")) else None
    if request.method == "POST" and request.POST.get("form") == "tier":
        done, tier_form = tier_post(request, actor, year)
        if done is not None:
            return done
    elif request.method == "POST":
        ensure_can(actor, action("appraisal_edit"))
        if year is None:
            entry_error = "尚未设置当前学年，不能录入考核结果"
        elif entry_school is None:
            entry_error = "学校：请选择您管辖的学校"
        else:
            entry_form = AppraisalForm(request.POST, school=entry_school, year=year)
            if entry_form.is_valid():
                try:
                    saved = appraisal.appraisal_save(
                        actor=actor, school=entry_school, year=year, grades=entry_form.grades()
                    )
                except PermissionDenied:
                    raise
                except DomainError as exc:
                    entry_form.add_error(None, exc.message)
                else:
                    messages.success(request, f"已录入{entry_school.name}考核结果{len(saved)}人")
                    return redirect(reverse("workforce:appraisal") + _suffix(year))
    elif entry_school is not None and year is not None:
        entry_form = AppraisalForm(school=entry_school, year=year)
    quota_raw = request.GET.get("quota", "").strip()
    quota_rows: list[appraisal.QuotaRow] = []
    quota_error = ""
    if quota_raw:
        try:
            quota_rows = appraisal.quota_allocation(actor=actor, year=year, total=quota_raw)
        except DomainError as exc:
            quota_error = exc.message
    limit, silver = appraisal.silver_programme(actor=actor, year=year, today=today)
    allowance_rows = appraisal.allowances(actor=actor, year=year)
    return render(
        request,
        "workforce/appraisal.html",
        {
            "year": year,
            "years": SchoolYear.objects.all(),
            "summary": appraisal.appraisal_summary(actor=actor, year=year),
            "cap_share": appraisal.excellent_cap_share(year=year.start_year if year else None),
            "quota": quota_raw[:10],
            "quota_rows": quota_rows,
            "quota_error": quota_error,
            "tilt": appraisal.rural_tilt(year=year.start_year if year else None),
            "allowances": allowance_rows[:200],
            "allowance_total": sum(r.monthly for r in allowance_rows),
            "silver_limit": limit,
            "silver": silver[:200],
            "silver_over": sum(1 for s in silver if s.over_limit),
            "may_enter": may_enter,
            "entry_schools": entry_schools,
            "entry_school": entry_school,
            "entry_form": entry_form,
            "entry_error": entry_error,
            "tier_form": tier_form,
        },
        status=400
        if quota_error or entry_error or any(f is not None and f.errors for f in (entry_form, tier_form))
        else 200,
    )


def _district_of(actor: Any) -> Area | None:
    """The actor's district (their area, or its ancestor at district level)."""
    area = getattr(actor, "area", None)
    while area is not None and area.level not in (AreaLevel.DISTRICT,):
        area = area.parent
    return area


@login_required
def rounds_page(request: HttpRequest) -> HttpResponse:
    """The year's 区管校聘 round of the actor's district: posts, choices, results, appeals and the
    audited trail; the personnel department moves it step by step."""
    actor = request_actor(request)
    ensure_can(actor, action("round_view"))
    year = _year(request)
    district = _district_of(actor)
    rnd = rounds.rounds(actor=actor).filter(school_year=year, district=district).first() if year else None
    may_edit = role_may(actor, action("round_edit"))
    status = 200
    if request.method == "POST":
        ensure_can(actor, action("round_edit"))
        try:
            _round_step(request, actor, rnd, district, year)
            return redirect(reverse("workforce:rounds") + _suffix(year))
        except PermissionDenied:
            raise
        except DomainError as exc:
            messages.error(request, exc.message)
            status = 400
    return render(
        request,
        "workforce/rounds.html",
        {
            "year": year,
            "years": SchoolYear.objects.all(),
            "round": rnd,
            "posts": rounds.round_posts(actor=actor, rnd=rnd) if rnd else [],
            "results": rounds.round_results(actor=actor, rnd=rnd)[:500] if rnd else [],
            "appeals": rounds.round_appeals(actor=actor, rnd=rnd) if rnd else [],
            "trail": rounds.trail(rnd) if rnd else [],
            "may_edit": may_edit,
            "schools": write_scoped(School.objects.filter(archived_at__isnull=True), actor).order_by("name")
            if may_edit and rnd and rnd.status == "draft"
            else [],
        },
        status=status,
    )


def _round_step(
    request: HttpRequest, actor: User, rnd: PostRound | None, district: Area | None, year: SchoolYear | None
) -> None:
    from .errors import WorkforceError as E

    do = request.POST.get("do", "")
    if do == "open":
        if district is None or year is None:
            raise DomainError(E.RECRUIT_NO_YEAR)
        rounds.round_open(actor=actor, district=district, year=year)
        messages.success(request, "已创建本学年区管校聘，请核定各校岗位")
        return
    if rnd is None:
        raise DomainError(E.ROUND_LINE_UNKNOWN)
    if do == "post":
        school = write_scoped(School, actor).filter(pk=_int(request.POST.get("school", ""))).first()
        if school is None:
            raise DomainError(E.BAD_FIELD, field="学校", reason="请选择您管辖的学校")
        try:
            posts = parse_bounded_int(request.POST.get("posts", ""), minimum=0, maximum=200)
        except BoundError:
            raise DomainError(E.BAD_FIELD, field="岗位数", reason="应为0～200的整数") from None
        rounds.posts_set(
            actor=actor, rnd=rnd, school=school, subject=request.POST.get("subject", ""), posts=posts
        )
        messages.success(request, "已核定岗位")
    elif do == "choosing":
        rounds.choosing_open(actor=actor, rnd=rnd)
        messages.success(request, "已开放选岗")
    elif do == "assign":
        rounds.assign(actor=actor, rnd=rnd)
        messages.success(request, "已按志愿和任职先后公布聘用结果")
    elif do == "appeal":
        appeal = (
            rounds.round_appeals(actor=actor, rnd=rnd).filter(pk=_int(request.POST.get("appeal", ""))).first()
        )
        if appeal is None:
            raise DomainError(E.ROUND_LINE_UNKNOWN)
        rounds.appeal_decide(
            actor=actor,
            appeal=appeal,
            upheld=request.POST.get("decision") == "uphold",
            note=request.POST.get("note", ""),
        )
        messages.success(request, "已复核申诉")
    elif do == "close":
        rounds.round_close(actor=actor, rnd=rnd)
        messages.success(request, "本轮区管校聘已结束")
    else:
        raise DomainError(E.ROUND_LINE_UNKNOWN)


def _int(raw: str) -> int:
    try:
        return parse_bounded_int(raw or "", minimum=1)
    except BoundError:
        return 0
