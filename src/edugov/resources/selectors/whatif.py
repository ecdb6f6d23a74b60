"""What-if: parse the requested adjustments, re-evaluate, and the gap list with its cost rules."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from edugov.common.errors import DomainError
from edugov.registry.models import Area, SchoolYear
from edugov.standards.loader import library

from ..evaluation import ADJUSTABLE, Adjustment, BalancedEvaluation, SchoolResult, evaluate_balanced
from ..gaps import gap_list
from .balanced_page import CVRow, StageSummary, cv_rows, stage_summaries
from .common import MAX_WHATIF_AMOUNT, MAX_WHATIF_LINES, ResourcesError, ensure_allowed

# ---- what-if ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WhatIfLine:
    school_id: str
    stage: str
    column: str
    amount: str


def parse_whatif(lines: list[WhatIfLine], evaluation: BalancedEvaluation) -> list[Adjustment]:
    """Form lines to adjustments; a wrong line raises a Chinese message naming it."""
    units = {(str(s.school_id), s.stage) for s in evaluation.schools}
    out = []
    for n, line in enumerate(lines[:MAX_WHATIF_LINES], start=1):
        if not (line.school_id or line.amount):
            continue
        if (line.school_id, line.stage) not in units:
            raise DomainError(ResourcesError.WHATIF_LINE, line=n, reason="请选择参评学校及其学段")
        if line.column not in ADJUSTABLE:
            raise DomainError(ResourcesError.WHATIF_LINE, line=n, reason="请选择调整项目")
        try:
            amount = Decimal(line.amount.replace(",", "")[:20])
        except InvalidOperation:
            raise DomainError(ResourcesError.WHATIF_LINE, line=n, reason="数量应为数字") from None
        if not amount.is_finite() or amount == 0 or abs(amount) > MAX_WHATIF_AMOUNT:
            raise DomainError(
                ResourcesError.WHATIF_LINE, line=n, reason="数量应为非零数字，且绝对值不超过10亿"
            )
        out.append(Adjustment(int(line.school_id), line.stage, line.column, float(amount)))
    if not out:
        raise DomainError(ResourcesError.WHATIF_EMPTY)
    return out


@dataclass
class WhatIfResult:
    before: BalancedEvaluation
    after: BalancedEvaluation
    schools: list[tuple[SchoolResult, SchoolResult]]
    cvs: list[tuple[CVRow, CVRow]]
    stages: list[tuple[StageSummary, StageSummary]]


def what_if(*, user: Any, school_year: SchoolYear, area: Area, adjustments: list[Adjustment]) -> WhatIfResult:
    """The evaluation with planned additions next to the current one. Nothing is written."""
    ensure_allowed(user, "resources.whatif")
    before = evaluate_balanced(school_year=school_year, area=area, user=user)
    after = evaluate_balanced(school_year=school_year, area=area, user=user, adjustments=adjustments)
    touched = {(a.school_id, a.stage) for a in adjustments}
    after_by = {(s.school_id, s.stage): s for s in after.schools}
    schools = [
        (s, after_by[(s.school_id, s.stage)]) for s in before.schools if (s.school_id, s.stage) in touched
    ]
    cvs = list(zip(cv_rows(before), cv_rows(after), strict=True))
    stages = list(zip(stage_summaries(before), stage_summaries(after), strict=True))
    return WhatIfResult(before, after, schools, cvs, stages)


def gap_page(evaluation: BalancedEvaluation) -> dict[str, Any]:
    lines, totals, grand = gap_list(evaluation)
    lib = library()
    costs = [
        lib.rule(code, area_path=evaluation.area.path, year=evaluation.school_year.start_year)
        for code in (
            "cost.teacher_per_year",
            "cost.building_per_m2",
            "cost.sports_ground_per_m2",
            "cost.multimedia_classroom",
        )
    ]
    return {"lines": lines, "totals": totals, "grand": grand, "cost_rules": costs}
