"""Pages of school appraisal: the district's results (bands and distribution, the burden on
schools, the scheme and the form that defines it), a school's scorecard with its evidence trail
and the forms where it enters its values and sets its own "N" items, the teaching-routine
inspections, and evidence downloads. Schools are scored here, never pupils."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from edugov.accounts.actor import request_actor
from edugov.accounts.policy import can, ensure_can, role_may
from edugov.accounts.scope import scoped, write_scoped
from edugov.common.errors import DomainError, PermissionDenied
from edugov.registry.models import School, SchoolYear
from edugov.registry.selectors import current_school_year

from . import selectors, services
from .errors import AppraisalError as E
from .models import DimensionKind, Entry, Indicator, Respondent, RoutineCategory, ScoringRule
from .permissions import action
from .sources import indicator_sources
from .template import CHARACTERISTIC_WEIGHT, one_four_n

SCHEME_ROWS = 16
N_ROWS = 5


def _year(raw: str | None) -> SchoolYear | None:
    if raw and raw.strip().isdigit() and len(raw.strip()) == 4:
        found = SchoolYear.objects.filter(start_year=int(raw.strip())).first()
        if found is not None:
            return found
    return current_school_year() or SchoolYear.objects.order_by("-start_year").first()


def _dec(raw: Any, label: str) -> Decimal:
    try:
        value = Decimal(str(raw or "").strip()[:20])
    except InvalidOperation:
        raise DomainError(E.BAD_FIELD, field=label, reason="应为数字") from None
    if not value.is_finite():
        raise DomainError(E.BAD_FIELD, field=label, reason="应为数字")
    return value


def _int(raw: Any, label: str) -> int:
    try:
        return int(str(raw or "").strip()[:9])
    except ValueError:
        raise DomainError(E.BAD_FIELD, field=label, reason="应为整数") from None


def _bands(raw: str, label: str) -> list[list[str]]:
    """ "95:100, 90:90" -> [["95", "100"], ["90", "90"]]."""
    out = []
    for part in (raw or "").replace("，", ",").replace("：", ":").split(","):
        if not part.strip():
            continue
        bound, _, score = part.partition(":")
        out.append([str(_dec(bound, label)), str(_dec(score, label))])
    return out


def _optional(raw: Any, label: str) -> Decimal | None:
    return _dec(raw, label) if str(raw or "").strip() else None


def _g(value: Decimal | None) -> str:
    return "" if value is None else f"{value.normalize():f}"


def _row(kind: str, dimension: str, ind: Any, pk: int | None = None) -> dict[str, Any]:
    return {
        "id": pk or "",
        "kind": kind,
        "dimension": dimension,
        "name": ind.name,
        "source": ind.source,
        "rule": ind.rule,
        "floor": _g(ind.floor),
        "target": _g(ind.target),
        "bands": ",".join(f"{a}:{b}" for a, b in ind.thresholds),
        "weight": _g(Decimal(ind.weight)),
    }


def _padded(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return rows + [{}] * max(SCHEME_ROWS - len(rows), 3)


def _template_rows() -> list[dict[str, Any]]:
    return _padded([_row(dim.kind, dim.name, ind) for dim in one_four_n() for ind in dim.indicators])


def _scheme_rows(scheme: Any) -> list[dict[str, Any]]:
    """The scheme's common indicators as the edit form's rows (with their ids)."""
    rows = Indicator.objects.filter(dimension__scheme=scheme, school__isnull=True).select_related("dimension")
    rows = rows.order_by("dimension__order", "order")
    return _padded([_row(i.dimension.kind, i.dimension.name, i, i.pk) for i in rows])


def _posted_rows(post: Any) -> list[dict[str, Any]]:
    """The rows as posted, to show them again beside the refusal."""
    keys = ("id", "kind", "dimension", "name", "source", "rule", "floor", "target", "bands", "weight")
    rows = [
        {k: str(post.get(f"{k}_{i}", ""))[:100] for k in keys}
        for i in range(services.MAX_INDICATORS)
        if (post.get(f"name_{i}") or "").strip()
    ]
    return _padded(rows)


def _row_pk(raw: Any) -> int | None:
    text = str(raw or "").strip()
    if not text:
        return None
    if not text.isdigit() or len(text) > 9:
        raise DomainError(E.NOT_THIS_SCHEME)
    return int(text)


def _scheme_from_post(post: Any) -> list[services.DimensionInput]:
    groups: dict[tuple[str, str], list[services.IndicatorInput]] = {}
    for i in range(services.MAX_INDICATORS + 1):
        name = (post.get(f"name_{i}") or "").strip()
        if not name:
            continue
        kind = post.get(f"kind_{i}", "")
        dim = (post.get(f"dimension_{i}") or "").strip()
        groups.setdefault((kind, dim), []).append(
            services.IndicatorInput(
                pk=_row_pk(post.get(f"id_{i}")),
                name=name,
                weight=_dec(post.get(f"weight_{i}"), f"“{name[:20]}”的权重"),
                rule=post.get(f"rule_{i}", ""),
                source=post.get(f"source_{i}", ""),
                floor=_optional(post.get(f"floor_{i}"), "下限"),
                target=_optional(post.get(f"target_{i}"), "目标"),
                thresholds=_bands(post.get(f"bands_{i}", ""), "分档"),
            )
        )
    return [services.DimensionInput(k, d, inds) for (k, d), inds in groups.items()]


@login_required
def district(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    ensure_can(actor, action("view"))
    year = _year(request.GET.get("year") or request.POST.get("year"))
    area = selectors.actor_district(actor)
    scheme = selectors.scheme_of_district(district=area, school_year=year)
    may_scheme = area is not None and scheme is None and can(actor, action("scheme_edit"), area)
    may_edit = area is not None and scheme is not None and can(actor, action("scheme_edit"), area)
    may_compute = area is not None and scheme is not None and can(actor, action("compute"), area)
    errors: list[str] = []
    form = request.POST.get("form")
    if request.method == "POST":
        try:
            if area is None or year is None:
                raise Http404
            if form in ("compute", "withdraw", "scheme_edit") and scheme is None:
                raise DomainError(E.NO_SCHEME)
            if form == "compute" and scheme is not None:
                ensure_can(actor, action("compute"), area)
                n = services.results_compute(actor=actor, scheme=scheme)
                messages.success(request, f"已计算{n}所学校的考核结果")
            elif form == "withdraw" and scheme is not None:
                ensure_can(actor, action("compute"), area)
                n = services.results_withdraw(actor=actor, scheme=scheme)
                messages.success(request, f"已撤销{n}所学校的考核结果，可修改方案后重新计算")
            elif form == "scheme_edit" and scheme is not None:
                ensure_can(actor, action("scheme_edit"), area)
                services.scheme_update(
                    actor=actor,
                    scheme=scheme,
                    name=request.POST.get("scheme_name", ""),
                    characteristic_weight=_dec(request.POST.get("n_weight"), "特色项目权重"),
                    dimensions=_scheme_from_post(request.POST),
                )
                messages.success(request, "已修改考核方案")
            else:
                ensure_can(actor, action("scheme_edit"), area)
                services.scheme_create(
                    actor=actor,
                    area=area,
                    school_year=year,
                    name=request.POST.get("scheme_name", ""),
                    characteristic_weight=_dec(request.POST.get("n_weight"), "特色项目权重"),
                    dimensions=_scheme_from_post(request.POST),
                )
                messages.success(request, "已保存考核方案")
            return redirect(f"{reverse('appraisal:district')}?year={year.start_year}")
        except PermissionDenied:
            raise
        except DomainError as exc:
            errors.append(exc.message)
    sort = "total" if request.GET.get("sort") == "total" else "name"
    results = selectors.district_results(actor=actor, scheme=scheme, sort=sort) if scheme else None
    return render(
        request,
        "appraisal/district.html",
        {
            "year": year,
            "years": SchoolYear.objects.order_by("-start_year")[:6],
            "district": area,
            "scheme": scheme,
            "indicators": selectors.scheme_indicators(scheme) if scheme else [],
            "results": results,
            "charts": results.chart() if results else {},
            "sort": sort,
            "may_scheme": may_scheme,
            "may_edit": may_edit,
            "may_compute": may_compute,
            "may_report": role_may(actor, action("report")),
            "template_rows": (
                _posted_rows(request.POST)
                if errors and form in ("scheme", "scheme_edit")
                else _template_rows()
                if may_scheme
                else _scheme_rows(scheme)
                if may_edit
                else []
            ),
            "posted": request.POST if errors else None,
            "n_weight": _g(scheme.characteristic_weight) if scheme else f"{CHARACTERISTIC_WEIGHT:g}",
            "kinds": DimensionKind.choices,
            "rules": ScoringRule.choices,
            "sources": [(s.code, s.label) for s in indicator_sources()],
            "errors": errors,
        },
        status=400 if errors else 200,
    )


@login_required
def my_school(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    ensure_can(actor, action("school_view"))
    if actor.school_id is None:
        raise Http404
    # Shown here rather than redirected, so the sidebar's 本校考核 stays highlighted.
    return school_page(request, pk=actor.school_id)


def _school(actor: Any, pk: int) -> School:
    if not (role_may(actor, action("view")) or role_may(actor, action("school_view"))):
        ensure_can(actor, action("view"))
    school = scoped(School, actor).filter(pk=pk).select_related("area").first()
    if school is None:
        raise Http404
    if not (can(actor, action("view"), school) or can(actor, action("school_view"), school)):
        raise Http404
    return school


@login_required
def school_page(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    school = _school(actor, pk)
    year = _year(request.GET.get("year") or request.POST.get("year"))
    scheme = selectors.scheme_for_school(school=school, school_year=year)
    may_enter = can(actor, action("entry_edit"), school)
    may_n = scheme is not None and can(actor, action("characteristic_edit"), school)
    may_survey = can(actor, action("survey_edit"), school)
    errors: list[str] = []
    if request.method == "POST":
        try:
            _school_post(actor, school, scheme, year, request)
            messages.success(request, "已保存")
            return redirect(f"{request.path}?year={year.start_year if year else ''}")
        except PermissionDenied:
            raise
        except DomainError as exc:
            errors.append(exc.message)
    card = selectors.school_card(actor=actor, scheme=scheme, school=school) if scheme else None
    own = selectors.scheme_indicators(scheme, school=school) if scheme else []
    manual = (
        list(
            Indicator.objects.filter(dimension__scheme=scheme, source="")
            .filter(school__isnull=True)
            .select_related("dimension")
            .order_by("dimension__order", "order")
        )
        + list(Indicator.objects.filter(dimension__scheme=scheme, source="", school=school).order_by("order"))
        if scheme
        else []
    )
    entries = selectors.school_entries(actor=actor, scheme=scheme, school=school) if scheme else {}
    n_items = [i for i in manual if i.school_id == school.pk]
    return render(
        request,
        "appraisal/school.html",
        {
            "school": school,
            "year": year,
            "scheme": scheme,
            "card": card,
            "own": own,
            "manual": [(i, entries.get(i.pk)) for i in manual],
            "n_items": n_items,
            "n_rows": [{"name": i.name, "weight": f"{i.weight:g}"} for i in n_items]
            + [{}] * max(0, N_ROWS - len(n_items)),
            "may_enter": may_enter,
            "may_n": may_n,
            "may_survey": may_survey,
            "surveys": selectors.surveys(actor=actor, school=school, school_year=year) if year else [],
            "respondents": Respondent.choices,
            "inspections": selectors.inspection_rows(actor=actor, school=school, limit=20),
            "errors": errors,
        },
        status=400 if errors else 200,
    )


def _school_post(
    actor: Any, school: School, scheme: Any, year: SchoolYear | None, request: HttpRequest
) -> None:
    post = request.POST
    form = post.get("form")
    if form == "survey":
        ensure_can(actor, action("survey_edit"), school)
        if year is None:
            raise DomainError(E.NO_SCHEME)
        services.survey_save(
            actor=actor,
            school=school,
            school_year=year,
            respondent=post.get("respondent", ""),
            respondents=_int(post.get("respondents"), "答卷数"),
            satisfied=_int(post.get("satisfied"), "满意数"),
        )
        return
    if scheme is None:
        raise DomainError(E.NO_SCHEME)
    if form == "n_items":
        ensure_can(actor, action("characteristic_edit"), school)
        items = []
        for i in range(N_ROWS):
            name = (post.get(f"n_name_{i}") or "").strip()
            if name:
                items.append(
                    services.IndicatorInput(
                        name=name, weight=_dec(post.get(f"n_weight_{i}"), f"“{name[:20]}”的权重")
                    )
                )
        services.characteristic_items_save(actor=actor, scheme=scheme, school=school, items=items)
        return
    ensure_can(actor, action("entry_edit"), school)
    indicator = (
        Indicator.objects.filter(dimension__scheme=scheme, pk=_int(post.get("indicator"), "指标"))
        .select_related("dimension__scheme__area")
        .first()
    )
    if indicator is None:
        raise DomainError(E.BAD_FIELD, field="指标", reason="不存在")
    services.entry_save(
        actor=actor,
        indicator=indicator,
        school=school,
        value=_dec(post.get("value"), "填报值"),
        note=post.get("note", ""),
        evidence=request.FILES.get("evidence"),
    )


@login_required
def routine(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    if not role_may(actor, action("inspect")):
        ensure_can(actor, action("view"))
    area = selectors.actor_district(actor)
    errors: list[str] = []
    may_checklist = area is not None and can(actor, action("checklist_edit"), area)
    lists = list(selectors.checklists(district=area))
    schools = (
        list(
            write_scoped(School, actor)
            .filter(archived_at__isnull=True, is_teaching_point=False)
            .order_by("name")[:300]
        )
        if role_may(actor, action("inspect"))
        else []
    )
    picked_school = next((s for s in schools if str(s.pk) == (request.GET.get("school") or "")), None)
    picked_list = next((c for c in lists if str(c.pk) == (request.GET.get("checklist") or "")), None)
    if picked_list is None and lists:
        picked_list = lists[0]
    if request.method == "POST":
        try:
            if area is None:
                raise Http404
            if request.POST.get("form") == "checklist":
                ensure_can(actor, action("checklist_edit"), area)
                services.checklist_create_default(actor=actor, area=area)
                messages.success(request, "已建立教学常规检查表")
            else:
                _inspect_post(actor, request.POST, lists)
                messages.success(request, "已记录检查结果，未达标项已列入问题清单")
            return redirect("appraisal:routine")
        except PermissionDenied:
            raise
        except DomainError as exc:
            errors.append(exc.message)
    return render(
        request,
        "appraisal/routine.html",
        {
            "checklists": lists,
            "picked_list": picked_list,
            "picked_school": picked_school,
            "schools": schools,
            "may_checklist": may_checklist and not lists,
            "may_inspect": role_may(actor, action("inspect")),
            "rows": selectors.inspection_rows(actor=actor, limit=100),
            "categories": dict(RoutineCategory.choices),
            "today": timezone.localdate(),
            "errors": errors,
        },
        status=400 if errors else 200,
    )


def _inspect_post(actor: Any, post: Any, lists: list[Any]) -> None:
    school = write_scoped(School, actor).filter(pk=_int(post.get("school"), "学校")).first()
    if school is None:
        raise DomainError(E.BAD_FIELD, field="学校", reason="请选择您可检查的学校")
    checklist = next((c for c in lists if str(c.pk) == str(post.get("checklist", "")).strip()), None)
    if checklist is None:
        raise DomainError(E.BAD_FIELD, field="检查表", reason="请选择")
    try:
        day = dt.date.fromisoformat((post.get("inspected_on") or "").strip()[:10])
    except ValueError:
        raise DomainError(E.BAD_FIELD, field="检查日期", reason="请填写有效日期") from None
    marks = [
        services.MarkInput(c.pk, post.get(f"mark_{c.pk}") == "pass", post.get(f"note_{c.pk}", ""))
        for c in checklist.checks.all()
        if post.get(f"mark_{c.pk}") in ("pass", "fail")
    ]
    services.inspection_record(
        actor=actor,
        school=school,
        checklist=checklist,
        inspected_on=day,
        marks=marks,
        note=post.get("note", ""),
    )


@login_required
def evidence(request: HttpRequest, pk: int) -> FileResponse:
    actor = request_actor(request)
    entry = scoped(Entry, actor).filter(pk=pk).select_related("school").first()
    if entry is None or not entry.evidence:
        raise Http404
    _school(actor, entry.school_id)
    return FileResponse(
        entry.evidence.open("rb"), as_attachment=True, filename=entry.evidence_name or "佐证材料"
    )
