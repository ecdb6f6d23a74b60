"""Reads of party leadership status: the district's progress toward its target (schools under the
system, by town, with the deadline), the schools not yet covered, and one school's status."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from edugov.accounts.models import User
from edugov.accounts.scope import scoped
from edugov.registry.models import Area, AreaLevel, School, SchoolType

from .models import CoverageTarget, MeetingCount, PartyStatus, TutoringPartyCount

# Primary and secondary schools (中小学): the system's scope under the 2022 opinion.
SCHOOL_TYPES = (
    SchoolType.PRIMARY,
    SchoolType.JUNIOR,
    SchoolType.NINE_YEAR,
    SchoolType.COMPLETE_SECONDARY,
    SchoolType.SENIOR,
    SchoolType.TWELVE_YEAR,
    SchoolType.VOCATIONAL,
    SchoolType.SPECIAL,
)


def schools(*, actor: User) -> QuerySet[School]:
    return (
        scoped(School, actor)
        .filter(archived_at__isnull=True, is_teaching_point=False, school_type__in=SCHOOL_TYPES)
        .select_related("area")
        .order_by("area__code", "name")
    )


@dataclass
class TownRow:
    town: str
    schools: int = 0
    covered: int = 0
    demonstration: int = 0
    branded: int = 0

    @property
    def share(self) -> float | None:
        return round(100 * self.covered / self.schools, 1) if self.schools else None


@dataclass
class SchoolRow:
    school_id: int
    school_name: str
    town: str
    org_kind: str  # label
    rules_adopted: bool
    office_rules_adopted: bool
    covered: bool
    demonstration: bool
    brand: str
    party_meetings: int | None
    office_meetings: int | None


@dataclass
class Coverage:
    schools: int
    covered: int
    demonstration: int
    branded: int
    target: CoverageTarget | None
    today: dt.date
    towns: list[TownRow] = field(default_factory=list)
    rows: list[SchoolRow] = field(default_factory=list)
    term: str = ""

    @property
    def share(self) -> float | None:
        return round(100 * self.covered / self.schools, 1) if self.schools else None

    @property
    def needed(self) -> int:
        """Schools still to bring under the system to reach the target share."""
        if self.target is None:
            return self.schools - self.covered
        goal = -(-self.schools * self.target.share // 100)  # ceiling
        return max(0, goal - self.covered)

    @property
    def days_left(self) -> int | None:
        return (self.target.deadline - self.today).days if self.target is not None else None

    @property
    def overdue(self) -> bool:
        return self.target is not None and self.today > self.target.deadline and self.needed > 0

    def chart(self) -> dict[str, Any]:
        return {
            "towns": {
                "key": "towns",
                "title": "各乡镇覆盖率",
                "kind": "bar",
                "unit": "%",
                "categories": [t.town for t in self.towns],
                "series": [{"name": "覆盖率", "data": [t.share for t in self.towns]}],
            }
        }


def district_of(actor: User) -> Area | None:
    path = ""
    if actor.area is not None:
        path = actor.area.path
    elif actor.school is not None:
        path = actor.school.area.path
    codes = [c for c in path.strip("/").split("/") if c]
    if len(codes) >= AreaLevel.DISTRICT:
        return Area.objects.filter(code=codes[AreaLevel.DISTRICT - 1]).first()
    return Area.objects.filter(level=AreaLevel.DISTRICT, path__startswith=path).order_by("code").first()


def target_for(actor: User, year: int) -> CoverageTarget | None:
    """The district's target of the year (district data, shown to everyone working in it)."""
    district = district_of(actor)
    if district is None:
        return None
    return CoverageTarget.objects.filter(area=district, year=year).first()


def coverage(*, actor: User, today: dt.date, term: str) -> Coverage:
    rows = list(schools(actor=actor))
    statuses = {s.school_id: s for s in scoped(PartyStatus, actor).filter(school__in=[r.pk for r in rows])}
    meetings = {
        m.school_id: m for m in scoped(MeetingCount, actor).filter(term=term, school__in=[r.pk for r in rows])
    }
    towns: dict[str, TownRow] = {}
    out: list[SchoolRow] = []
    for school in rows:
        st = statuses.get(school.pk)
        mc = meetings.get(school.pk)
        covered = bool(st and st.covered)
        town = towns.setdefault(school.area.name, TownRow(school.area.name))
        town.schools += 1
        town.covered += covered
        town.demonstration += bool(st and st.demonstration)
        town.branded += bool(st and st.brand)
        out.append(
            SchoolRow(
                school.pk,
                school.name,
                school.area.name,
                st.get_org_kind_display() if st else "未填报",
                bool(st and st.rules_adopted),
                bool(st and st.office_rules_adopted),
                covered,
                bool(st and st.demonstration),
                st.brand if st else "",
                mc.party_meetings if mc else None,
                mc.office_meetings if mc else None,
            )
        )
    return Coverage(
        schools=len(out),
        covered=sum(r.covered for r in out),
        demonstration=sum(r.demonstration for r in out),
        branded=sum(1 for r in out if r.brand),
        target=target_for(actor, today.year),
        today=today,
        towns=sorted(towns.values(), key=lambda t: t.town),
        rows=out,
        term=term,
    )


def school_status(*, actor: User, school: School) -> tuple[PartyStatus | None, list[MeetingCount]]:
    status = scoped(PartyStatus, actor).filter(school=school).first()
    meetings = list(scoped(MeetingCount, actor).filter(school=school).order_by("-term")[:6])
    return status, meetings


def tutoring_counts(actor: User, year: int) -> TutoringPartyCount | None:
    """The district's tutoring institutions' party organisation coverage of the year (counts only),
    or the latest earlier year's when the year has none yet."""
    district = district_of(actor)
    if district is None:
        return None
    return TutoringPartyCount.objects.filter(area=district, year__lte=year).order_by("-year").first()
