"""Pages of quality monitoring: the bureau's overview (assessments, bands per school), the
value-added page (the interval chart) and a school's own page. Bands and aggregates only."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from edugov.accounts.actor import request_actor
from edugov.accounts.models import User
from edugov.accounts.policy import can, ensure_can, role_may
from edugov.accounts.scope import scoped
from edugov.common.errors import DomainError
from edugov.registry.models import School, SchoolYear
from edugov.web.exports import audited_export_response

from . import fitness, fitness_selectors, fitness_tables, outcome_views, outcomes, page_selectors, selectors
from .models import BAND_ORDER, FITNESS_BAND_ORDER, Assessment, Band, Exam, FitnessBand
from .permissions import action
from .targets import targets

BAND_LABELS = [str(Band(b).label) for b in BAND_ORDER]


def _pick(actor: User, raw: str | None) -> Assessment | None:
    if raw:
        return selectors.assessment_get(actor=actor, pk=raw)
    return selectors.assessment_list(actor=actor).first()


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    ensure_can(actor, action("view"))
    current = _pick(actor, request.GET.get("assessment"))
    # Every figure below is the read scope's, cached per data generation (page_selectors).
    figures = page_selectors.overview_figures(user=actor, current=current)
    assessments = figures.assessments
    context: dict[str, Any] = {
        "assessments": assessments,
        "current": current,
        "band_labels": BAND_LABELS,
        "min_group": selectors.MIN_GROUP,
    }
    if current is not None:
        context.update(
            schools=figures.schools,
            total=figures.total,
            charts={"histogram": figures.histogram},
        )
    # The cockpit: bands by subject and town, value-added counts, fitness rates and trend.
    context["cockpit"] = figures.cockpit
    context["cockpit_va"] = figures.va
    if figures.fitness_year is not None:
        context.update(
            fitness_year=figures.fitness_year,
            fitness_total=figures.fitness_total,
            fitness_trend=figures.fitness_trend,
        )
        context.setdefault("charts", {})["fitness_trend"] = figures.fitness_chart
    return render(request, "quality/overview.html", context)


def _value_added_context(
    actor: User,
    params: Any,
    assessments: list[Assessment],
    *,
    school: School | None = None,
    allow_sort: bool = True,
) -> dict[str, Any]:
    """The value-added block's context: the chosen pair among `assessments` (or the default one),
    the view or the Chinese reason it cannot be computed."""
    context: dict[str, Any] = {"va_error": "", "va": None}
    try:
        if params.get("prior") and params.get("post"):
            prior = selectors.pick_assessment(assessments, params.get("prior"))
            post = selectors.pick_assessment(assessments, params.get("post"))
        else:
            pair = selectors.default_pair(assessments)
            if pair is None:
                context["va_error"] = "暂无可比较的两次测评（同一学科、先后两次、有共同参加的学生）"
                return context
            prior, post = pair
        context.update(prior=prior, post=post)
        sort = params.get("sort", "name") if allow_sort else "name"
        context["va"] = selectors.value_added(
            actor=actor, prior=prior, post=post, level=params.get("level", "school"), school=school, sort=sort
        )
    except DomainError as exc:
        context["va_error"] = exc.message
    return context


@login_required
def value_added(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    ensure_can(actor, action("view"))
    assessments = list(selectors.assessment_list(actor=actor))
    context = _value_added_context(actor, request.GET, assessments)
    context.update(
        assessments=assessments,
        level=request.GET.get("level", "school"),
        sort=request.GET.get("sort", "name"),
    )
    if context["va"] is not None:
        context["chart"] = context["va"].chart()
    return render(request, "quality/value_added.html", context)


@login_required
def my_school(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    ensure_can(actor, action("school_view"))
    if not actor.school_id:
        raise Http404("您的账号未关联学校")
    # Shown here rather than redirected, so the sidebar's 本校质量监测 stays highlighted.
    return school(request, pk=actor.school_id)


@login_required
def school(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    found = scoped(School, actor).filter(pk=pk).first()
    if found is None:
        raise Http404("学校不存在，或不在您的数据范围内")
    if not can(actor, action("view"), found):
        ensure_can(actor, action("school_view"), found)
    assessments = list(selectors.assessments_for_school(actor=actor, school=found))
    current = None
    if assessments:
        raw = request.GET.get("assessment")
        current = next((a for a in assessments if str(a.pk) == raw), assessments[0])
    context: dict[str, Any] = {
        "school": found,
        "assessments": assessments,
        "current": current,
        "band_labels": BAND_LABELS,
        "min_group": selectors.MIN_GROUP,
    }
    if current is not None:
        context.update(
            total=selectors.total_bands(actor=actor, assessment=current, school=found),
            classes=selectors.class_bands(actor=actor, assessment=current, school=found),
            charts={"histogram": selectors.score_histogram(actor=actor, assessment=current, school=found)},
        )
    context.update(_value_added_context(actor, request.GET, assessments, school=found, allow_sort=False))
    fitness_years = fitness_selectors.fitness_years(actor=actor)
    if fitness_years:
        context.update(
            fitness_year=fitness_years[0],
            fitness_total=fitness_selectors.total_rates(actor=actor, year=fitness_years[0], school=found),
        )
    context["va_history"] = selectors.school_value_added([found.pk]).get(found.pk, [])
    lines = outcomes.line_board(actor=actor, school=found)
    gaokao = outcomes.line_board(actor=actor, school=found, exam=Exam.GAOKAO)
    context.update(
        lines=lines,
        lines_cells=outcome_views.labelled(lines),
        gaokao=gaokao,
        gaokao_cells=outcome_views.labelled(gaokao),
        awards=outcomes.award_summary(actor=actor, school=found),
    )
    return render(request, "quality/school.html", context)


# Physical fitness and outcomes ------------------------------------------------------------------

FITNESS_BAND_LABELS = [str(FitnessBand(b).label) for b in FITNESS_BAND_ORDER]


def _pick_year(years: list[SchoolYear], raw: str | None) -> SchoolYear | None:
    if not years:
        return None
    return next((y for y in years if str(y.start_year) == (raw or "").strip()), years[0])


@login_required
def fitness_overview(request: HttpRequest) -> HttpResponse:
    """The district's fitness page: rates by town, urban and rural, school; items; the trend."""
    actor = request_actor(request)
    ensure_can(actor, action("view"))
    years = page_selectors.fitness_years(user=actor)
    year = _pick_year(years, request.GET.get("year"))
    t = targets()
    context: dict[str, Any] = {
        "years": years,
        "year": year,
        "band_labels": FITNESS_BAND_LABELS,
        "targets": t,
        "standard": fitness.standard(),
        "tables_status": fitness_tables.tables().status,
        "may_import": role_may(actor, action("import_fitness")),
    }
    if year is not None:
        figures = page_selectors.fitness_figures(user=actor, year=year)
        context.update(
            total=figures.total,
            towns=figures.towns,
            areas=figures.areas,
            schools=figures.schools,
            items=figures.items,
            trend=figures.trend,
            charts={"fitness_trend": figures.chart},
        )
    return render(request, "quality/fitness.html", context)


def _school_for(actor: User, pk: int) -> School:
    found = scoped(School, actor).filter(pk=pk).first()
    if found is None:
        raise Http404("学校不存在，或不在您的数据范围内")
    if not can(actor, action("view"), found):
        ensure_can(actor, action("school_view"), found)
    return found


@login_required
def fitness_school(request: HttpRequest, pk: int) -> HttpResponse:
    """A school's fitness page: its rates by class, items and trend, and the national upload."""
    actor = request_actor(request)
    found = _school_for(actor, pk)
    years = [y for y in fitness_selectors.fitness_years(actor=actor)]
    year = _pick_year(years, request.GET.get("year"))
    context: dict[str, Any] = {
        "school": found,
        "years": years,
        "year": year,
        "band_labels": FITNESS_BAND_LABELS,
        "may_export": can(actor, action("fitness_export"), found),
    }
    if year is not None:
        points = fitness_selectors.trend(actor=actor, school=found)
        context.update(
            total=fitness_selectors.total_rates(actor=actor, year=year, school=found),
            classes=fitness_selectors.class_rates(actor=actor, year=year, school=found),
            items=fitness_selectors.item_pass_rates(actor=actor, year=year, school=found),
            trend=points,
            charts={"fitness_trend": fitness_selectors.trend_chart(points)},
        )
    return render(request, "quality/fitness_school.html", context)


@login_required
def fitness_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The school's own rows in the national upload's column order, the pupil key in place of the
    student number and the name (the only download with pupil rows: the school's administrator
    alone, ordered by grade, class and key)."""
    actor = request_actor(request)
    found = scoped(School, actor).filter(pk=pk).first()
    if found is None:
        raise Http404("学校不存在，或不在您的数据范围内")
    ensure_can(actor, action("fitness_export"), found)
    years = fitness_selectors.fitness_years(actor=actor)
    year = _pick_year(years, request.GET.get("year"))
    if year is None:
        raise Http404("本校暂无体质健康测试成绩")
    return audited_export_response(
        actor=actor,
        fmt="xlsx",
        filename=f"体质健康数据上报_{found.code}_{year.start_year}",
        headers=fitness_selectors.UPLOAD_HEADERS,
        rows=fitness_selectors.upload_rows(school=found, year=year),
        model_label="quality.FitnessResult",
        changes={"school": found.pk, "year": year.start_year},
    )
