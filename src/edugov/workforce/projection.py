"""The classes each school will run in five years, for the five-year projection of subject needs:
from the planning module's enrolment forecast (its public `school_enrolment_forecast` selector)
where the school has one, else today's classes (the fallback, said on the page).

A grade's classes in five years = today's classes + the change in classes the standard class size
needs for the forecast pupils: ceil(forecast / size) − ceil(today / size) (a school that runs
smaller classes than the standard keeps doing so), at least one class while pupils remain, none
when the forecast has no pupils left. Grades the forecast does not cover (senior high) stay as
today. A school has a forecast when planning projects it to the target year from a positive entry
ratio (its town's births recorded)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

HORIZON_YEARS = 5


@dataclass(frozen=True)
class Projection:
    """The classes by grade in the target year of the schools with a forecast, and who fell back."""

    target_year: int | None
    classes: dict[int, dict[int, int]] = field(default_factory=dict)  # school -> grade -> classes
    fallback: frozenset[int] = frozenset()  # schools projected on today's classes

    def basis(self, school_id: int) -> str:
        return "forecast" if school_id in self.classes else "today"

    def school_note(self, school_id: int) -> str:
        if school_id in self.classes:
            return (
                f"五年后缺口按学位规划模块的入学预测推算{self.target_year}学年班数计算，"
                "扣除届时达到退休年龄的持证教师。"
            )
        return "五年后缺口按现有班数计算（本校尚无入学预测），扣除届时达到退休年龄的持证教师。"

    @property
    def note(self) -> str:
        """What the page says about how the five-year gaps were computed."""
        n, m = len(self.classes), len(self.fallback)
        if not n:
            return "五年后缺口按现有班数计算（学位规划模块尚无入学预测），扣除届时达到退休年龄的持证教师。"
        head = f"五年后缺口按学位规划模块的入学预测（{self.target_year}学年班数）计算：{n}所学校"
        tail = f"；另有{m}所学校无入学预测，按现有班数计算" if m else ""
        return head + tail + "；均扣除届时达到退休年龄的持证教师。"


def future_classes(
    today: Mapping[int, tuple[int, int]],
    forecast: Mapping[int, float],
    class_size: Mapping[str, float],
    stage_of_grade: Any,
) -> dict[int, int]:
    """One school's classes by grade in the target year. `today`: grade -> (pupils, classes);
    `forecast`: grade -> pupils in the target year (the grades it covers)."""
    out = {g: classes for g, (_pupils, classes) in today.items()}
    for grade, expected in forecast.items():
        pupils_now, classes_now = today.get(grade, (0, 0))
        pupils = round(expected)
        if pupils <= 0:
            out[grade] = 0
            continue
        size = class_size.get(stage_of_grade(grade)) or 45.0
        change = math.ceil(round(pupils / size, 6)) - math.ceil(round(pupils_now / size, 6))
        out[grade] = max(1, classes_now + change)
    return {g: c for g, c in out.items() if c}


def projection(
    *,
    actor: Any,
    base_year: int,
    school_ids: Iterable[int],
    today: Mapping[int, Mapping[int, tuple[int, int]]],
    stage_of_grade: Any,
) -> Projection:
    """Every school's classes in `base_year` + 5 from planning's forecast, where it has one."""
    from edugov.planning import selectors as planning

    ids = list(school_ids)
    target = base_year + HORIZON_YEARS
    fc = planning.school_enrolment_forecast(
        actor=actor, school_ids=ids, base_year=base_year, horizon=HORIZON_YEARS
    )
    classes: dict[int, dict[int, int]] = {}
    for sid in ids:
        rows = fc.grades(sid, target)
        if not rows:
            continue
        classes[sid] = future_classes(today.get(sid, {}), rows, fc.class_size, stage_of_grade)
    return Projection(target, classes, frozenset(i for i in ids if i not in classes))
