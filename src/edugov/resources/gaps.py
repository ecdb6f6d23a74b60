"""The 优质均衡 gap list: what each failing indicator of an evaluation lacks, in real units and in
yuan (unit costs from the standards library), with district totals per indicator and in all."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from edugov.standards.loader import StandardsLibrary, library

from .indicators import BALANCED_INDICATORS

if TYPE_CHECKING:
    from .evaluation import BalancedEvaluation


# Which unit cost prices each indicator's shortfall.
GAP_COSTS = {
    "balanced.R1": "cost.teacher_per_year",
    "balanced.R2": None,  # backbone status comes from training and selection, not purchase
    "balanced.R3": "cost.teacher_per_year",
    "balanced.R4": "cost.building_per_m2",
    "balanced.R5": "cost.sports_ground_per_m2",
    "balanced.R6": None,  # the gap is already in yuan
    "balanced.R7": "cost.multimedia_classroom",
}


@dataclass(frozen=True)
class GapLine:
    school_name: str
    stage: str
    code: str
    name: str
    gap: float
    gap_unit: str
    unit_cost: float | None
    cost: float | None
    school_code: str = ""  # traceability in exports


@dataclass(frozen=True)
class GapTotal:
    code: str
    name: str
    gap: float
    gap_unit: str
    cost: float | None


def gap_list(
    evaluation: BalancedEvaluation, *, standards: StandardsLibrary | None = None
) -> tuple[list[GapLine], list[GapTotal], float]:
    """What each failing indicator lacks, in real units and in yuan (unit costs from the standards
    library, which a district overrides), with district totals per indicator and in all."""
    lib = standards or library()
    path, year = evaluation.area.path, evaluation.school_year.start_year
    lines: list[GapLine] = []
    for school in evaluation.schools:
        for r in school.indicators:
            if r.gap is None or r.gap <= 0:
                continue
            cost_code = GAP_COSTS[r.code]
            if r.code == "balanced.R6":
                unit_cost, cost = 1.0, r.gap
            elif cost_code is None:
                unit_cost, cost = None, None
            else:
                unit_cost = lib.value(cost_code, area_path=path, year=year).value
                cost = r.gap * unit_cost
            lines.append(
                GapLine(
                    school.school_name,
                    school.stage_label,
                    r.code,
                    r.name,
                    r.gap,
                    r.gap_unit,
                    unit_cost,
                    cost,
                    school.school_code,
                )
            )
    totals = []
    for ind in BALANCED_INDICATORS:
        mine = [line for line in lines if line.code == ind.code]
        if mine:
            costs = [line.cost for line in mine if line.cost is not None]
            totals.append(
                GapTotal(
                    ind.code,
                    ind.name,
                    round(sum(line.gap for line in mine), 2),
                    ind.gap_unit,
                    round(sum(costs), 2) if costs else None,
                )
            )
    grand = round(sum(t.cost for t in totals if t.cost is not None), 2)
    return lines, totals, grand
