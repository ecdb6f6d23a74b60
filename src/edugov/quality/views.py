"""Pages of quality monitoring: the bureau's overview (assessments, bands per school), the
value-added page (the interval chart) and a school's own page. Bands and aggregates only."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from edugov.accounts.actor import request_actor
from edugov.accounts.models import User
from edugov.accounts.policy import can, ensure_can
from edugov.accounts.scope import scoped
from edugov.common.errors import DomainError
from edugov.registry.models import School

from . import selectors
from .models import BAND_ORDER, Assessment, Band
from .permissions import action

BAND_LABELS = [str(Band(b).label) for b in BAND_ORDER]


def _pick(actor: User, raw: str | None) -> Assessment | None:
    if raw:
        return selectors.assessment_get(actor=actor, pk=raw)
    return selectors.assessment_list(actor=actor).first()


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    ensure_can(actor, action("view"))
    assessments = list(selectors.assessment_list(actor=actor))
    current = _pick(actor, request.GET.get("assessment"))
    context: dict[str, Any] = {
        "assessments": assessments,
        "current": current,
        "band_labels": BAND_LABELS,
        "min_group": selectors.MIN_GROUP,
    }
    if current is not None:
        context.update(
            schools=selectors.school_bands(actor=actor, assessment=current),
            total=selectors.total_bands(actor=actor, assessment=current),
            charts={"histogram": selectors.score_histogram(actor=actor, assessment=current)},
        )
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
    return redirect("quality:school", pk=actor.school_id)


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
    return render(request, "quality/school.html", context)
