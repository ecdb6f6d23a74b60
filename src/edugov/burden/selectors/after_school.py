"""After-school service (课后服务): one school's record of a term and the overview of the schools
in scope."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from edugov.accounts.scope import scoped
from edugov.registry.models import School, Term

from .. import rules
from ..models import (
    AfterSchoolService,
    ProgrammeKind,
)
from .terms import COMPULSORY_TYPES


def after_school_service(*, user: Any, school: School, term: Term) -> AfterSchoolService | None:
    return scoped(AfterSchoolService, user).filter(school=school, term=term).first()


@dataclass(frozen=True)
class AfterSchoolRow:
    school_id: int
    school_name: str
    provided: bool
    days_per_week: int | None = None
    start_time: dt.time | None = None
    end_time: dt.time | None = None
    programmes: tuple[str, ...] = ()
    pupils_total: int = 0
    pupils_requested: int = 0
    pupils_enrolled: int = 0
    average_attendance: int = 0
    staff_own: int = 0
    staff_external: int = 0
    problems: tuple[str, ...] = ()
    flexible_dismissal: bool = False
    fee_per_term: Decimal | None = None
    satisfaction_rate: Decimal | None = None

    @property
    def compliant(self) -> bool:
        return self.provided and not self.problems


@dataclass(frozen=True)
class AfterSchoolSummary:
    rows: list[AfterSchoolRow]
    schools: int
    providing: int
    end_time_ok: int
    pupils_total: int
    pupils_requested: int
    pupils_enrolled: int
    average_attendance: int
    flexible: int = 0
    charging: int = 0
    satisfaction_mean: Decimal | None = None

    @staticmethod
    def _pct(num: int, den: int) -> str:
        return "—" if not den else f"{num * 100 / den:.1f}%"

    @property
    def providing_rate(self) -> str:
        return self._pct(self.providing, self.schools)

    @property
    def enrolled_rate(self) -> str:
        return self._pct(self.pupils_enrolled, self.pupils_total)

    @property
    def requested_served_rate(self) -> str:
        return self._pct(min(self.pupils_enrolled, self.pupils_requested), self.pupils_requested)

    @property
    def attendance_rate(self) -> str:
        return self._pct(self.average_attendance, self.pupils_enrolled)

    @property
    def end_time_rate(self) -> str:
        return self._pct(self.end_time_ok, self.providing)

    @property
    def flexible_rate(self) -> str:
        return self._pct(self.flexible, self.providing)

    @property
    def satisfaction_percent(self) -> str:
        return "—" if self.satisfaction_mean is None else f"{self.satisfaction_mean * 100:.1f}%"


def school_ids_under(*, user: Any, area_path: str) -> set[int]:
    return set(scoped(School, user).filter(area__path__startswith=area_path).values_list("pk", flat=True))


def after_school_overview(
    *, user: Any, term: Term, school: School | None = None, school_ids: set[int] | None = None
) -> AfterSchoolSummary:
    """Every compulsory school in scope with its after-school service of the term (or none)."""
    schools = scoped(School, user).filter(
        archived_at__isnull=True, school_type__in=COMPULSORY_TYPES, is_teaching_point=False
    )
    if school is not None:
        schools = schools.filter(pk=school.pk)
    if school_ids is not None:
        schools = schools.filter(pk__in=school_ids)
    services = {
        s.school_id: s
        for s in scoped(AfterSchoolService, user).filter(term=term).select_related("school__area")
    }
    labels = dict(ProgrammeKind.choices)
    rows = []
    for pk, name, path in schools.values_list("pk", "name", "area__path").order_by("code"):
        s = services.get(pk)
        if s is None:
            rows.append(AfterSchoolRow(pk, name, False, problems=("未开展课后服务",)))
            continue
        check = rules.after_school_check(
            days_per_week=s.days_per_week,
            start_time=s.start_time,
            end_time=s.end_time,
            area_path=path,
            year=term.school_year.start_year,
        )
        rows.append(
            AfterSchoolRow(
                pk,
                name,
                True,
                s.days_per_week,
                s.start_time,
                s.end_time,
                tuple(labels.get(p, p) for p in s.programmes),
                s.pupils_total,
                s.pupils_requested,
                s.pupils_enrolled,
                s.average_attendance,
                s.staff_own,
                s.staff_external,
                tuple(check.problems),
                s.flexible_dismissal,
                s.fee_per_term,
                s.satisfaction_rate,
            )
        )
    provided = [r for r in rows if r.provided]
    rated = [(r.satisfaction_rate, r.pupils_enrolled) for r in provided if r.satisfaction_rate is not None]
    # Satisfaction weighted by the pupils enrolled: a large school's parents count as many as they are.
    weight = sum(n for _, n in rated)
    satisfaction = (
        (sum((rate * n for rate, n in rated), Decimal(0)) / weight).quantize(Decimal("0.0001"))
        if weight
        else None
    )
    return AfterSchoolSummary(
        rows=rows,
        schools=len(rows),
        providing=len(provided),
        end_time_ok=sum(1 for r in provided if not any("结束时间" in p for p in r.problems)),
        pupils_total=sum(r.pupils_total for r in provided),
        pupils_requested=sum(r.pupils_requested for r in provided),
        pupils_enrolled=sum(r.pupils_enrolled for r in provided),
        average_attendance=sum(r.average_attendance for r in provided),
        flexible=sum(1 for r in provided if r.flexible_dismissal),
        charging=sum(1 for r in provided if r.fee_per_term),
        satisfaction_mean=satisfaction,
    )
