"""Pages of planning: the bureau's places forecast (per town: demand against places by year, the
back-test beside it, a what-if), the layout list and the project board. No business logic here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from edugov.accounts.actor import request_actor
from edugov.accounts.models import User
from edugov.accounts.policy import can, ensure_can
from edugov.accounts.scope import scoped, write_scoped
from edugov.common.errors import DomainError, PermissionDenied
from edugov.registry.models import School

from . import selectors, services
from .errors import PlanningError as E
from .models import Closure, ClosureStepKind, ProjectList, ProjectStatus
from .permissions import action


def _int(params: Mapping[str, Any], name: str, label: str, low: int, high: int) -> int | None:
    raw = str(params.get(name, "") or "").strip()
    if not raw:
        return None
    try:
        value = int(raw)
    except ValueError:
        raise DomainError(E.BAD_FIELD, field=label, reason="应为整数") from None
    if not low <= value <= high:
        raise DomainError(E.BAD_FIELD, field=label, reason=f"应在{low}～{high}之间")
    return value


def parse_whatif(actor: User, params: Mapping[str, Any]) -> tuple[int, float | None, dict[str, Any] | None]:
    """horizon (default 5), a migration rate in percent for every town, a project not registered."""
    horizon = _int(params, "horizon", "预测年数", 1, selectors.MAX_HORIZON) or 5
    migration = None
    raw = str(params.get("migration", "") or "").strip()
    if raw:
        try:
            rate = float(raw)
        except ValueError:
            raise DomainError(E.BAD_FIELD, field="净迁移率", reason="应为数字（%）") from None
        if not -20 <= rate <= 20:
            raise DomainError(E.BAD_FIELD, field="净迁移率", reason="应在-20%～20%之间")
        migration = rate / 100
    project = None
    school_id = _int(params, "school", "假设项目的学校", 1, 2**31 - 1)
    if school_id is not None:
        school = scoped(School, actor).filter(pk=school_id).first()
        if school is None:
            raise DomainError(E.BAD_FIELD, field="假设项目的学校", reason="不存在或不在您的查看范围内")
        stage = str(params.get("stage", "primary"))
        if stage not in selectors.STAGE_LABELS:
            raise DomainError(E.BAD_FIELD, field="学段", reason="应为小学或初中")
        places = _int(params, "places", "新增学位", 1, 10000)
        year = _int(params, "year", "投用学年", 2000, 2100)
        if places is None or year is None:
            raise DomainError(E.BAD_FIELD, field="假设项目", reason="请填写新增学位和投用学年")
        project = {
            "school_id": school.pk,
            "school": school.name,
            "stage": stage,
            "places": places,
            "year": year,
        }
    return horizon, migration, project


def parse_zone_shift(params: Mapping[str, Any]) -> dict[str, Any] | None:
    """A zone change: pupils of a stage moved from one town's zone to another's from a school year
    (the towns are checked against the forecast by the selector)."""
    source = _int(params, "shift_from", "划出乡镇", 1, 2**31 - 1)
    if source is None:
        return None
    stage = str(params.get("shift_stage", "primary"))
    if stage not in selectors.STAGE_LABELS:
        raise DomainError(E.BAD_FIELD, field="学段", reason="应为小学或初中")
    return {
        "from_town": source,
        "to_town": _required_int(params, "shift_to", "划入乡镇", 1, 2**31 - 1),
        "stage": stage,
        "pupils": _required_int(params, "shift_pupils", "划转人数", 1, 100_000),
        "year": _required_int(params, "shift_year", "调整学年", 2000, 2100),
    }


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    ensure_can(actor, action("view"))
    error = ""
    try:
        horizon, migration, project = parse_whatif(actor, request.GET)
        shift = parse_zone_shift(request.GET)
        o = selectors.planning_overview(
            actor=actor, horizon=horizon, migration=migration, extra_project=project, zone_shift=shift
        )
    except DomainError as exc:
        error, horizon = exc.message, 5
        o = selectors.planning_overview(actor=actor, horizon=horizon)
    schools = scoped(School, actor).filter(archived_at__isnull=True, is_teaching_point=False).order_by("code")
    context = {
        "o": o,
        "error": error,
        "horizon": horizon,
        "schools": schools.values("pk", "name"),
        "params": request.GET,
        "short": [r for r in o.rows if r.first_short is not None],
        "towns": sorted({(r.town_id, r.town) for r in o.rows}, key=lambda t: t[1]),
        "may_save": can(actor, action("forecast_save")),
    }
    return render(request, "planning/overview.html", context)


def _date(params: Mapping[str, Any], name: str, label: str) -> dt.date:
    raw = str(params.get(name, "") or "").strip()
    if len(raw) == 7:  # a month input: 2026-05
        raw += "-01"
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise DomainError(E.BAD_FIELD, field=label, reason="应为日期（如2026-05-01）") from None


def _decimal(params: Mapping[str, Any], name: str, label: str, default: str = "0") -> Decimal:
    raw = str(params.get(name, "") or "").strip() or default
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise DomainError(E.BAD_FIELD, field=label, reason="应为数字") from None
    if not value.is_finite() or abs(value) >= Decimal("1e10"):
        raise DomainError(E.BAD_FIELD, field=label, reason="数值超出范围")
    return value


def _required_int(params: Mapping[str, Any], name: str, label: str, low: int, high: int) -> int:
    value = _int(params, name, label, low, high)
    if value is None:
        raise DomainError(E.BAD_FIELD, field=label, reason="必须填写")
    return value


def _post(
    request: HttpRequest,
    actor: User,
    write: Callable[[User, Mapping[str, Any]], str],
    page: str,
    errors: list[str],
) -> HttpResponse | None:
    """A page's form: the edit permission, the write, then back to the page with its message; a
    refusal is added to the page's errors and nothing is written (the write is one transaction).
    None on a GET or a refusal: the page renders."""
    if request.method != "POST":
        return None
    ensure_can(actor, action("edit"))
    try:
        messages.success(request, write(actor, request.POST))
    except PermissionDenied:
        raise
    except DomainError as exc:
        errors.append(exc.message)
        return None
    return redirect(page)


def _project_post(actor: User, params: Mapping[str, Any]) -> str:
    """One write of the project board: a month's progress, a completion, the month's list made or
    published. Returns the message of success."""
    op = str(params.get("op", ""))
    if op in ("progress", "complete"):
        pid = _required_int(params, "project", "项目", 1, 2**31 - 1)
        project = selectors.project_list(actor=actor).filter(pk=pid).first()
        if project is None:
            raise DomainError(E.BAD_FIELD, field="项目", reason="不存在或不在您的范围内")
        if op == "progress":
            services.progress_report(
                actor=actor,
                project=project,
                month=_date(params, "month", "月份"),
                planned_pct=_required_int(params, "planned_pct", "计划累计进度", -1000, 1000),
                actual_pct=_required_int(params, "actual_pct", "实际累计进度", -1000, 1000),
                note=str(params.get("note", ""))[:200],
            )
            return f"已登记{project.name}的月度进度"
        services.project_complete(
            actor=actor, project=project, completed_on=_date(params, "completed_on", "竣工日期")
        )
        return f"已登记{project.name}竣工，新增学位自其后学年计入供给"
    if op == "list_make":
        if actor.area_id is None:
            raise DomainError(E.BAD_FIELD, field="区域", reason="您的账号没有所属区域")
        from edugov.registry.models import Area

        area = Area.objects.get(pk=actor.area_id)
        plist = services.project_list_make(actor=actor, area=area, month=_date(params, "month", "月份"))
        return f"已生成{plist.title}（草稿）"
    if op == "list_publish":
        pid = _required_int(params, "list", "红黑榜", 1, 2**31 - 1)
        found = write_scoped(ProjectList, actor).filter(pk=pid).first()
        if found is None:
            raise DomainError(E.BAD_FIELD, field="红黑榜", reason="不存在或不在您的管理范围内")
        services.project_list_publish(actor=actor, plist=found)
        return f"已发布{found.title}"
    raise DomainError(E.BAD_FIELD, field="操作", reason="无法识别")


@login_required
def projects(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    ensure_can(actor, action("view"))
    errors: list[str] = []
    if done := _post(request, actor, _project_post, "planning:projects", errors):
        return done
    today = timezone.localdate()
    rows = selectors.project_board(actor=actor, today=today)
    late = [r for r in rows if r.late or r.overdue]
    lists = list(selectors.project_lists(actor=actor)[:6])
    context = {
        "rows": rows,
        "late": late,
        "lists": lists,
        "current": lists[0] if lists else None,
        "progress": selectors.progress_table(actor=actor)[:60],
        "open_projects": [r.project for r in rows if r.project.status != ProjectStatus.COMPLETED],
        "may_edit": can(actor, action("edit")),
        "this_month": today.strftime("%Y-%m"),
        "errors": errors,
        "post": request.POST,
    }
    return render(request, "planning/projects.html", context, status=400 if errors else 200)


def _quota_post(actor: User, params: Mapping[str, Any]) -> str:
    sid = _required_int(params, "school", "优质普通高中", 1, 2**31 - 1)
    school = write_scoped(School, actor).filter(pk=sid).first()
    if school is None:
        raise DomainError(E.BAD_FIELD, field="优质普通高中", reason="不存在或不在您的管理范围内")
    plan = services.quota_save(
        actor=actor,
        school=school,
        year=_required_int(params, "year", "招生年份", 2000, 2100),
        places=_required_int(params, "places", "招生计划", -(10**6), 10**6),
        share_pct=_decimal(params, "share_pct", "指标到校比例", "50"),
        rural_weight=_decimal(params, "rural_weight", "农村学校加权系数", "1"),
        source=str(params.get("source", ""))[:120],
        status=str(params.get("status", "draft")),
    )
    return f"已保存{plan}"


@login_required
def quota(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    ensure_can(actor, action("view"))
    errors: list[str] = []
    if done := _post(request, actor, _quota_post, "planning:quota", errors):
        return done
    year = None
    try:
        year = _int(request.GET, "year", "招生年份", 2000, 2100)
    except DomainError as exc:
        errors.append(exc.message)
    table = selectors.quota_table(actor=actor, year=year)
    seniors = write_scoped(School, actor).filter(
        archived_at__isnull=True, school_type__in=services.SENIOR_TYPES
    )
    rows = [
        {
            "school": j,
            "cells": [table.cells.get((p.pk, j.school_id), 0) for p in table.plans],
            "total": table.totals.get(j.school_id, 0),
        }
        for j in table.schools
    ]
    context = {
        "t": table,
        "rows": rows,
        "year": table.plans[0].year if table.plans else None,
        "seniors": seniors.order_by("code").values("pk", "name") if can(actor, action("edit")) else [],
        "may_edit": can(actor, action("edit")),
        "errors": errors,
        "post": request.POST,
    }
    return render(request, "planning/quota.html", context, status=400 if errors else 200)


def _private_post(actor: User, params: Mapping[str, Any]) -> str:
    sid = _required_int(params, "school", "民办学校", 1, 2**31 - 1)
    school = write_scoped(School, actor).filter(pk=sid).first()
    if school is None:
        raise DomainError(E.BAD_FIELD, field="民办学校", reason="不存在或不在您的管理范围内")
    big = 10**7
    row = services.private_year_save(
        actor=actor,
        school=school,
        year=_required_int(params, "year", "年份", 2000, 2100),
        approved_scale=_required_int(params, "approved_scale", "核定办学规模", -big, big),
        plan_enrolment=_required_int(params, "plan_enrolment", "招生计划", -big, big),
        actual_enrolment=_required_int(params, "actual_enrolment", "实际招生", -big, big),
        pupils=_required_int(params, "pupils", "在校生", -big, big),
        income=_decimal(params, "income", "总收入"),
        fee_income=_decimal(params, "fee_income", "学费收入"),
        related_party_payments=_decimal(params, "related_party_payments", "向举办者及关联方支付"),
    )
    return f"已保存{row}"


@login_required
def private(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    ensure_can(actor, action("view"))
    errors: list[str] = []
    if done := _post(request, actor, _private_post, "planning:private", errors):
        return done
    year = None
    try:
        year = _int(request.GET, "year", "年份", 2000, 2100)
    except DomainError as exc:
        errors.append(exc.message)
    may_edit = can(actor, action("edit"))
    privates = write_scoped(School, actor).filter(archived_at__isnull=True, ownership="private")
    context = {
        "o": selectors.private_overview(actor=actor, year=year),
        "schools": privates.order_by("code").values("pk", "name") if may_edit else [],
        "may_edit": may_edit,
        "errors": errors,
        "post": request.POST,
    }
    return render(request, "planning/private.html", context, status=400 if errors else 200)


def _school_in(actor: User, params: Mapping[str, Any], name: str, label: str, *, write: bool) -> School:
    sid = _required_int(params, name, label, 1, 2**31 - 1)
    qs = write_scoped(School, actor) if write else scoped(School, actor)
    school = qs.filter(pk=sid).first()
    if school is None:
        raise DomainError(E.BAD_FIELD, field=label, reason="不存在或不在您的范围内")
    return school


def _town_in(actor: User, params: Mapping[str, Any]) -> Any:
    from edugov.registry.models import Area

    tid = _required_int(params, "town", "乡镇（街道）", 1, 2**31 - 1)
    town = write_scoped(Area, actor).filter(pk=tid).first()
    if town is None:
        raise DomainError(E.BAD_FIELD, field="乡镇（街道）", reason="不存在或不在您的管理范围内")
    return town


def _layout_post(actor: User, params: Any) -> str:
    op = str(params.get("op", ""))
    if op == "zone":
        ids = [str(v) for v in params.getlist("schools")] if hasattr(params, "getlist") else []
        if any(not v.isdigit() or len(v) > 10 for v in ids):
            raise DomainError(E.BAD_FIELD, field="学校", reason="无法识别")
        schools = list(write_scoped(School, actor).filter(pk__in=[int(v) for v in ids]))
        if len(schools) != len(set(ids)):
            raise DomainError(E.BAD_FIELD, field="学校", reason="不存在或不在您的管理范围内")
        zone = services.zone_save(
            actor=actor,
            area=_town_in(actor, params),
            name=str(params.get("name", ""))[:60],
            stage=str(params.get("stage", "")),
            schools=schools,
        )
        return f"已保存施教区“{zone.name}”"
    if op == "village":
        village = services.village_save(
            actor=actor,
            area=_town_in(actor, params),
            name=str(params.get("name", ""))[:60],
            longitude=_decimal(params, "longitude", "经度", ""),
            latitude=_decimal(params, "latitude", "纬度", ""),
            children_primary=_int(params, "children_primary", "小学适龄儿童", -(10**6), 10**6) or 0,
            children_junior=_int(params, "children_junior", "初中适龄少年", -(10**6), 10**6) or 0,
            rural=str(params.get("rural", "")) == "1",
        )
        return f"已保存“{village.name}”"
    if op == "closure":
        closure = services.closure_propose(
            actor=actor,
            school=_school_in(actor, params, "school", "拟撤并学校", write=True),
            target=_school_in(actor, params, "target", "接收学校", write=True),
            reason=str(params.get("reason", ""))[:300],
        )
        return f"已提出：{closure}"
    if op in ("step", "drop"):
        cid = _required_int(params, "closure", "撤并", 1, 2**31 - 1)
        found = write_scoped(Closure, actor).filter(pk=cid).first()
        if found is None:
            raise DomainError(E.BAD_FIELD, field="撤并", reason="不存在或不在您的管理范围内")
        if op == "drop":
            services.closure_drop(actor=actor, closure=found)
            return f"已暂缓：{found}"
        step = services.closure_step(
            actor=actor,
            closure=found,
            kind=str(params.get("kind", "")),
            done_on=_date(params, "done_on", "完成日期"),
            note=str(params.get("note", ""))[:300],
        )
        return f"已登记：{step}"
    raise DomainError(E.BAD_FIELD, field="操作", reason="无法识别")


@login_required
def layout(request: HttpRequest) -> HttpResponse:
    """Hollowing, keep/merge/close/build proposals with reasons, the merge what-if (GET closing and
    target), zones, villages and the closure workflow."""
    actor = request_actor(request)
    ensure_can(actor, action("view"))
    errors: list[str] = []
    if done := _post(request, actor, _layout_post, "planning:layout", errors):
        return done
    merge = None
    if request.GET.get("closing") or request.GET.get("target"):
        try:
            closing = _school_in(actor, request.GET, "closing", "拟撤并学校", write=False)
            target = _school_in(actor, request.GET, "target", "接收学校", write=False)
            if closing.pk == target.pk:
                raise DomainError(E.CLOSURE_SAME)
            merge = selectors.merge_preview(actor=actor, closing_id=closing.pk, target_id=target.pk)
        except DomainError as exc:
            errors.append(exc.message)
    n = selectors.norms()
    may_edit = can(actor, action("edit"))
    schools = scoped(School, actor).filter(archived_at__isnull=True).order_by("code").values("pk", "name")
    context = {
        "rows": selectors.layout_list(actor=actor),
        "proposals": selectors.layout_proposals(actor=actor),
        "merge": merge,
        "params": request.GET,
        "schools": schools,
        "zones": selectors.zones(actor=actor),
        "villages": selectors.layout_points(actor=actor)[1],
        "closures": selectors.closures(actor=actor),
        "step_kinds": ClosureStepKind.choices,
        "rules": selectors.layout_rules(),
        "citations": n.citations()[3:],
        "may_edit": may_edit,
        "towns": _write_towns(actor) if may_edit else [],
        "errors": errors,
    }
    return render(request, "planning/layout.html", context, status=400 if errors else 200)


def _write_towns(actor: User) -> Any:
    from edugov.registry.models import Area, AreaLevel

    return write_scoped(Area, actor).filter(level=AreaLevel.TOWN).order_by("code").values("pk", "name")


@login_required
def layout_map(request: HttpRequest) -> HttpResponse:
    """The district map on plain longitude/latitude axes: schools sized by pupils and coloured by
    their places gap, villages, projects and service-radius rings (ECharts, no tiles)."""
    actor = request_actor(request)
    ensure_can(actor, action("view"))
    return render(request, "planning/map.html", {"map": selectors.map_data(actor=actor)})
