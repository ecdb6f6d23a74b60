"""Pages of planning: the bureau's places forecast (per town: demand against places by year, the
back-test beside it, a what-if), the layout list and the project board. No business logic here."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from edugov.accounts.actor import request_actor
from edugov.accounts.models import User
from edugov.accounts.policy import can, ensure_can
from edugov.accounts.scope import scoped
from edugov.common.errors import DomainError
from edugov.registry.models import School

from . import selectors
from .errors import PlanningError as E
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


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    ensure_can(actor, action("view"))
    error = ""
    try:
        horizon, migration, project = parse_whatif(actor, request.GET)
    except DomainError as exc:
        error, horizon, migration, project = exc.message, 5, None, None
    o = selectors.planning_overview(actor=actor, horizon=horizon, migration=migration, extra_project=project)
    schools = scoped(School, actor).filter(archived_at__isnull=True, is_teaching_point=False).order_by("code")
    context = {
        "o": o,
        "error": error,
        "horizon": horizon,
        "schools": schools.values("pk", "name"),
        "params": request.GET,
        "short": [r for r in o.rows if r.first_short is not None],
        "may_save": can(actor, action("forecast_save")),
    }
    return render(request, "planning/overview.html", context)


@login_required
def layout(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    ensure_can(actor, action("view"))
    n = selectors.norms()
    return render(
        request,
        "planning/layout.html",
        {"rows": selectors.layout_list(actor=actor), "citations": n.citations()[3:]},
    )


@login_required
def projects(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    ensure_can(actor, action("view"))
    rows = selectors.project_board(actor=actor, today=timezone.localdate())
    late = [r for r in rows if r.late or r.overdue]
    return render(request, "planning/projects.html", {"rows": rows, "late": late})
