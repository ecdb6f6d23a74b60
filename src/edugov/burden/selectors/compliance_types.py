"""The homework-compliance report's records: class, class-week, groups and the report itself."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

from edugov.registry.models import Grade, Term

from .. import rules


@dataclass(frozen=True)
class ClassInfo:
    id: int
    name: str
    grade: int
    school_id: int
    school_name: str
    town_id: int
    town_name: str
    area_path: str


class ClassWeek(NamedTuple):
    """One class's week (a record per class-week: a province has a million of them)."""

    class_id: int
    grade: int
    school_id: int
    town_id: int
    week_start: dt.date
    school_days: int
    written_minutes: int
    average: Decimal
    limit: float
    over: bool
    excess: Decimal  # minutes above the limit (0 when within)
    days_over: int  # school days whose written total alone exceeded the limit


@dataclass
class ComplianceGroup:
    key: Any
    name: str
    class_weeks: int = 0
    over_weeks: int = 0
    average_sum: Decimal = Decimal(0)
    max_excess: Decimal = Decimal(0)
    classes: set[int] = field(default_factory=set)
    classes_over: set[int] = field(default_factory=set)
    limit: float | None = None

    def add(self, cw: ClassWeek) -> None:
        self.class_weeks += 1
        self.average_sum += cw.average
        self.classes.add(cw.class_id)
        if cw.over:
            self.over_weeks += 1
            self.classes_over.add(cw.class_id)
            self.max_excess = max(self.max_excess, cw.excess)

    @property
    def rate(self) -> Decimal | None:
        """Share of class-weeks within the limit (numerators and denominators summed, not averaged)."""
        if not self.class_weeks:
            return None
        return (Decimal(self.class_weeks - self.over_weeks) / self.class_weeks).quantize(Decimal("0.001"))

    @property
    def rate_percent(self) -> str:
        return "—" if self.rate is None else f"{self.rate * 100:.1f}%"

    @property
    def mean_average(self) -> Decimal:
        return rules.round1(self.average_sum / self.class_weeks) if self.class_weeks else Decimal(0)


@dataclass(frozen=True)
class ClassOverLimit:
    class_id: int
    class_name: str
    school_id: int
    school_name: str
    town_name: str
    grade: int
    limit: float
    weeks_measured: int
    weeks_over: int
    longest_run: int
    max_average: Decimal
    mean_excess: Decimal
    escalated: bool

    @property
    def grade_label(self) -> str:
        return Grade(self.grade).label


@dataclass
class ComplianceReport:
    term: Term | None
    start: dt.date
    end: dt.date
    weeks: list[dt.date]
    school_days_by_week: dict[dt.date, int]
    classes: dict[int, ClassInfo]
    class_weeks: list[ClassWeek]
    total: ComplianceGroup
    by_grade: list[ComplianceGroup]
    by_school: list[ComplianceGroup]
    by_town: list[ComplianceGroup]
    by_week: list[ComplianceGroup]
    over_classes: list[ClassOverLimit]
    escalate_after: int
    citations: list[str]
    classes_total: int
    classes_publishing: int
    # written minutes per class and published day, counted in 10-minute bins by grade:
    # {grade: {bin_start: class-days}}
    daily_bins: dict[int, dict[int, int]] = field(default_factory=dict)

    @property
    def escalated(self) -> list[ClassOverLimit]:
        return [c for c in self.over_classes if c.escalated]


DAILY_BIN = 10  # minutes
DAILY_BINS = 16  # 0-9, 10-19, ..., 150 and more
NARROW_TO_SCHOOLS = 200  # a user seeing at most this many schools: the query lists them
