"""The outcomes page: 中考 and 高考 lines reached by school over three years and awards as counts,
and, for the basic-education office, the forms that enter one line count or one award (the same
checks as the import). No pupil, no score, no top scorer; schools by town and code, never by rate."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from edugov.accounts.actor import request_actor
from edugov.accounts.models import User
from edugov.accounts.policy import ensure_can, role_may
from edugov.accounts.scope import write_scoped
from edugov.common.errors import DomainError, PermissionDenied
from edugov.registry.models import School, SchoolYear

from . import outcomes, services
from .errors import QualityError as E
from .models import EXAM_LINES, AwardLevel, Exam, ExamLine, Recipient
from .outcome_rules import JUNIOR_TYPES, SENIOR_TYPES
from .permissions import action


def _int(raw: Any, label: str) -> int:
    text = str(raw or "").strip()
    if not text.isdigit() or len(text) > 9:
        raise DomainError(E.BAD_PARAM, field=label, reason="应为非负整数")
    return int(text)


def _writable_schools(actor: User) -> list[School]:
    return list(
        write_scoped(School, actor)
        .filter(archived_at__isnull=True, school_type__in=JUNIOR_TYPES | SENIOR_TYPES)
        .order_by("area__code", "code")[:500]
    )


def _post(actor: User, post: Any) -> str:
    school = write_scoped(School, actor).filter(pk=_int(post.get("school"), "学校")).first()
    if school is None:
        raise DomainError(E.BAD_PARAM, field="学校", reason="请选择您可登记的学校")
    year = SchoolYear.objects.filter(pk=_int(post.get("school_year"), "学年")).first()
    if year is None:
        raise DomainError(E.BAD_PARAM, field="学年", reason="请选择学年")
    if post.get("form") == "award":
        services.award_save(
            actor=actor,
            school=school,
            school_year=year,
            recipient=str(post.get("recipient", "")),
            level=str(post.get("level", "")),
            contest=str(post.get("contest", ""))[:200],
            prize=str(post.get("prize", ""))[:50],
            count=_int(post.get("count"), "获奖人次"),
        )
        return "已登记获奖人次"
    services.line_result_save(
        actor=actor,
        school=school,
        school_year=year,
        line=str(post.get("line", "")),
        candidates=_int(post.get("candidates"), "参考人数"),
        reached=_int(post.get("reached"), "上线人数"),
    )
    return "已登记上线人数"


def labelled(board: outcomes.LineBoard) -> dict[str, Any]:
    """The board's cells each with its year and line, for the phone's stacked rows (one label
    per cell where the desktop has the two header rows)."""
    labels = [f"{y} {label}" for y in board.years for _, label in board.lines]
    return {
        "rows": [{**row, "cells": list(zip(labels, row["cells"], strict=True))} for row in board.grid()],
        "totals": list(zip(labels, board.total_cells(), strict=True)),
    }


@login_required
def outcomes_overview(request: HttpRequest) -> HttpResponse:
    """中考 and 高考 lines reached by school over three years, and awards as counts."""
    actor = request_actor(request)
    ensure_can(actor, action("view"))
    may_enter = role_may(actor, action("import_outcomes"))
    errors: list[str] = []
    if request.method == "POST":
        ensure_can(actor, action("import_outcomes"))
        try:
            messages.success(request, _post(actor, request.POST))
            return redirect("quality:outcomes")
        except PermissionDenied:
            raise
        except DomainError as exc:
            errors.append(exc.message)
    labels = dict(ExamLine.choices)
    board = outcomes.line_board(actor=actor)
    gaokao = outcomes.line_board(actor=actor, exam=Exam.GAOKAO)
    return render(
        request,
        "quality/outcomes.html",
        {
            "board": board,
            "board_cells": labelled(board),
            "gaokao": gaokao,
            "gaokao_cells": labelled(gaokao),
            "awards": outcomes.award_summary(actor=actor),
            "may_enter": may_enter,
            "schools": _writable_schools(actor) if may_enter else [],
            "years": SchoolYear.objects.order_by("-start_year")[:6] if may_enter else [],
            "line_choices": [
                (str(Exam(exam).label), [(v, labels[v]) for v in lines]) for exam, lines in EXAM_LINES.items()
            ],
            "recipients": Recipient.choices,
            "levels": AwardLevel.choices,
            "posted": request.POST if errors else None,
            "errors": errors,
        },
        status=400 if errors else 200,
    )
