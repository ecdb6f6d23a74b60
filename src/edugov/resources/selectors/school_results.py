"""Each school's 优质均衡 resource-allocation result as plain data, for other modules (the school
appraisal's data source): indicators met over indicators with a value, stages summed, and the
verdict of each stage. Read through the scoping point when a reader is given."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from edugov.registry.models import Area, SchoolYear

from ..evaluation import evaluate_balanced


@dataclass(frozen=True)
class SchoolBalanced:
    school_id: int
    met: int  # indicators met, the school's stages summed
    assessed: int  # indicators with a value, stages summed
    stages: tuple[str, ...]  # stage labels (小学, 初中)
    passed: tuple[bool | None, ...]  # each stage's verdict (None: data incomplete)
    verdicts: tuple[str, ...]


def school_balanced_results(
    *, user: Any, area: Area, school_year: SchoolYear, school_ids: Iterable[int] | None = None
) -> dict[int, SchoolBalanced]:
    """The district's evaluation for the year (cached rows), one entry per school it assesses."""
    evaluation = evaluate_balanced(school_year=school_year, area=area, user=user)
    wanted = set(school_ids) if school_ids is not None else None
    out: dict[int, SchoolBalanced] = {}
    for s in sorted(evaluation.schools, key=lambda s: (s.school_id, s.stage != "primary")):
        if wanted is not None and s.school_id not in wanted:
            continue
        assessed = sum(1 for r in s.indicators if r.value is not None)
        met = sum(1 for r in s.indicators if r.met)
        old = out.get(s.school_id)
        out[s.school_id] = SchoolBalanced(
            s.school_id,
            met + (old.met if old else 0),
            assessed + (old.assessed if old else 0),
            (*(old.stages if old else ()), str(s.stage_label)),
            (*(old.passed if old else ()), s.passed),
            (*(old.verdicts if old else ()), s.verdict),
        )
    return out
