"""Reads of workforce: each school's staffing against the norms (posts needed, held, vacancies;
teachers each subject needs and has, by periods; teachers outside their certificate), the bureau's
overview (subject gaps by town, age structure) and a teacher's records over the years. Everything
through the scoping point; plain dataclasses out."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, QuerySet
from django.utils import timezone

from edugov.accounts.scope import scoped
from edugov.registry.models import SCHOOL_TYPE_GRADES, Locale, School, SchoolClass, SchoolYear, Teacher

from .models import CorrectionRequest, CorrectionStatus, EmploymentType, SubjectLoad, TeacherYear
from .norms import (
    AGE_BANDS,
    KEY_SUBJECTS,
    Norms,
    StageCount,
    age_at,
    age_band,
    certificate_covers,
    posts_needed,
    retirement_month,
    stage_of_grade,
    subject_demand,
    teacher_shares,
    whole_posts,
)
from .projection import Projection, projection

# The school types staffed by the compulsory and senior ratios (kindergartens, vocational and
# special schools have other norms).
STAFFED_TYPES = ("primary", "junior", "nine_year", "complete_secondary", "senior", "twelve_year")


def current_year() -> SchoolYear | None:
    return SchoolYear.objects.filter(is_current=True).first() or SchoolYear.objects.first()


def year_choices() -> QuerySet[SchoolYear]:
    return SchoolYear.objects.all()


@dataclass
class SubjectRow:
    subject: str
    need: float  # full-time teachers the curriculum needs
    have: float  # teachers teaching it, shared out by periods
    qualified: float  # of which teachers whose certificate covers it (stage and subject)
    specialists: int  # teachers whose certificate is of this subject
    retiring: float = 0.0  # qualified share of teachers reaching retirement age within five years
    # teachers the subject needs in five years from the forecast classes (None: today's classes)
    need_in_five_years: float | None = None

    @property
    def gap(self) -> float:
        """The shortage of qualified teachers: lessons covered by others do not fill a post."""
        return round(self.need - self.qualified, 2)

    @property
    def gap_in_five_years(self) -> float:
        """The gap once the retiring teachers have left, against the need of the forecast classes
        where planning has a forecast for the school (projection.py), else today's need."""
        need = self.need if self.need_in_five_years is None else self.need_in_five_years
        return round(need - self.qualified + self.retiring, 2)

    @property
    def covered_by_others(self) -> float:
        return round(self.have - self.qualified, 2)


@dataclass
class SchoolStaffing:
    school_id: int
    school_name: str
    town_id: int
    town_name: str
    locale: str
    village: bool
    students: int
    classes: int
    posts_needed: int
    posts_held: int  # 在编 teachers with a record this year
    other_staff: dict[str, int]  # 聘用 / 银龄 / 支教
    teachers: int
    subjects: list[SubjectRow] = field(default_factory=list)
    outside_certificate: int = 0
    uncertified: int = 0
    retiring: int = 0  # teachers reaching retirement age within five years
    projection_basis: str = "today"  # "forecast": five-year needs from planning's enrolment forecast

    @property
    def vacancies(self) -> int:
        return self.posts_needed - self.posts_held

    @property
    def ratio(self) -> float | None:
        return round(self.students / self.teachers, 1) if self.teachers else None

    def subject(self, name: str) -> SubjectRow | None:
        return next((s for s in self.subjects if s.subject == name), None)


@dataclass
class Staffing:
    year: SchoolYear | None
    norms: Norms
    schools: list[SchoolStaffing]
    projection: Projection = field(default_factory=lambda: Projection(None))

    def school(self, school_id: int) -> SchoolStaffing | None:
        return next((s for s in self.schools if s.school_id == school_id), None)


def _teaching_stage(school_type: str) -> str:
    grades = SCHOOL_TYPE_GRADES.get(school_type)
    return stage_of_grade(min(grades)) if grades else "primary"


HORIZON_YEARS = 5


def staffing(
    *, actor: Any, year: SchoolYear | None, school_ids: list[int] | None = None, today: dt.date | None = None
) -> Staffing:
    """Each school's staffing in the year, against the norms of its area, and what five years of
    retirements (per birth month, under the 2025 rules) take from it."""
    today = today or timezone.localdate()
    horizon = (today.year + HORIZON_YEARS, today.month)
    schools = scoped(School, actor).filter(archived_at__isnull=True, school_type__in=STAFFED_TYPES)
    if school_ids is not None:
        schools = schools.filter(pk__in=school_ids)
    school_rows = list(
        schools.order_by("area__name", "code").values(
            "pk", "name", "area_id", "area__name", "area__path", "locale", "is_teaching_point", "school_type"
        )
    )
    area_path = school_rows[0]["area__path"] if school_rows else ""
    norms = Norms.load_for(area_path, year.start_year if year else None)
    if year is None or not school_rows:
        return Staffing(year, norms, [])
    ids = [r["pk"] for r in school_rows]
    by_grade: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    pupils_by_grade: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    by_stage: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    classes = SchoolClass.objects.filter(
        school_year=year, school_id__in=ids, archived_at__isnull=True
    ).values_list("school_id", "grade", F("boys") + F("girls"))
    for school_id, grade, pupils in classes:
        by_grade[school_id][grade] += 1
        pupils_by_grade[school_id][grade] += pupils
        counts = by_stage[school_id][stage_of_grade(grade)]
        counts[0] += pupils
        counts[1] += 1
    records = list(
        scoped(TeacherYear, actor)
        .filter(school_year=year, school_id__in=ids)
        .values_list(
            "pk",
            "school_id",
            "employment_type",
            "certificate_stage",
            "certificate_subject",
            "birth_year",
            "birth_month",
            "teacher__sex",
        )
    )
    loads: dict[int, dict[str, int]] = defaultdict(dict)
    for record_id, subject, periods in (
        scoped(SubjectLoad, actor)
        .filter(teacher_year__school_year=year, teacher_year__school_id__in=ids)
        .values_list("teacher_year_id", "subject", "weekly_periods")
    ):
        loads[record_id][subject] = periods
    per_school: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for rec in records:
        per_school[rec[1]].append(rec)
    proj = projection(
        actor=actor,
        base_year=year.start_year,
        school_ids=ids,
        today={
            sid: {g: (pupils_by_grade[sid][g], n) for g, n in grades.items()}
            for sid, grades in by_grade.items()
        },
        stage_of_grade=stage_of_grade,
    )
    out: list[SchoolStaffing] = []
    for r in school_rows:
        sid = r["pk"]
        village = r["locale"] == Locale.RURAL or bool(r["is_teaching_point"])
        stages = [StageCount(stage, c[0], c[1]) for stage, c in by_stage[sid].items()]
        teaching_stage = _teaching_stage(r["school_type"])
        employment: dict[str, int] = defaultdict(int)
        have: dict[str, float] = defaultdict(float)
        qualified: dict[str, float] = defaultdict(float)
        retiring: dict[str, float] = defaultdict(float)
        specialists: dict[str, int] = defaultdict(int)
        outside = uncertified = leaving = 0
        for record_id, _sid, kind, cert_stage, cert_subject, by, bm, sex in per_school[sid]:
            employment[kind] += 1
            retires = retirement_month(by, bm, sex, norms) <= horizon
            leaving += retires
            if cert_stage == "none":
                uncertified += 1
            if cert_subject:
                specialists[cert_subject] += 1
            teaches = loads.get(record_id, {})
            outside_any = False
            for subject, share in teacher_shares(teaches).items():
                have[subject] += share
                if certificate_covers(
                    certificate_stage=cert_stage,
                    certificate_subject=cert_subject,
                    teaching_stage=teaching_stage,
                    subject=subject,
                ):
                    qualified[subject] += share
                    if retires:
                        retiring[subject] += share
                else:
                    outside_any = True
            outside += outside_any
        demand = subject_demand(by_grade[sid], norms)
        future = proj.classes.get(sid)
        demand_later = subject_demand(future, norms) if future is not None else None
        if demand_later is not None:
            demand.update({s: 0.0 for s in demand_later if s not in demand})
        subjects = [
            SubjectRow(
                s,
                round(need, 2),
                round(have.get(s, 0.0), 2),
                round(qualified.get(s, 0.0), 2),
                specialists.get(s, 0),
                round(retiring.get(s, 0.0), 2),
                None if demand_later is None else round(demand_later.get(s, 0.0), 2),
            )
            for s, need in sorted(demand.items(), key=lambda kv: -kv[1])
        ]
        labels = dict(EmploymentType.choices)
        out.append(
            SchoolStaffing(
                school_id=sid,
                school_name=r["name"],
                town_id=r["area_id"],
                town_name=r["area__name"],
                locale=r["locale"],
                village=village,
                students=sum(s.students for s in stages),
                classes=sum(s.classes for s in stages),
                posts_needed=whole_posts(posts_needed(stages, norms, village=village)),
                posts_held=employment.get(EmploymentType.ESTABLISHED, 0),
                other_staff={
                    str(labels[k]): employment.get(k, 0)
                    for k in (
                        EmploymentType.CONTRACT,
                        EmploymentType.RETIRED_PROGRAMME,
                        EmploymentType.VOLUNTEER,
                    )
                },
                teachers=len(per_school[sid]),
                subjects=subjects,
                outside_certificate=outside,
                uncertified=uncertified,
                retiring=leaving,
                projection_basis=proj.basis(sid),
            )
        )
    return Staffing(year, norms, out, proj)


@dataclass
class HeatCell:
    gap: float  # the town's schools' gaps added up (teachers)
    schools_short: int  # schools whose gap in the subject is at least the finding threshold
    threshold: float = 1.0

    @property
    def level(self) -> str:
        """The badge a cell wears: a town short by three teachers' worth or in three schools is
        red, one short by a teacher's worth or in one school amber."""
        if self.schools_short >= 3 or self.gap >= 3 * self.threshold:
            return "danger"
        return "warn" if self.schools_short or self.gap >= self.threshold else "ok"


@dataclass
class AgeRow:
    label: str
    counts: dict[str, int]  # locale label -> teachers

    @property
    def values(self) -> list[int]:
        return list(self.counts.values())


@dataclass
class RetirementYear:
    year: int
    by_locale: dict[str, int]  # locale label -> teachers reaching retirement age that year

    @property
    def values(self) -> list[int]:
        return list(self.by_locale.values())

    @property
    def total(self) -> int:
        return sum(self.by_locale.values())


@dataclass
class HeatRow:
    town_id: int
    town_name: str
    cells: list[tuple[str, HeatCell]]


@dataclass
class Overview:
    staffing: Staffing
    towns: list[tuple[int, str]]
    subjects: tuple[str, ...]
    heat: dict[int, dict[str, HeatCell]]  # town -> subject -> cell
    ages: list[AgeRow]
    locales: list[str]
    totals: dict[str, Any]
    retirements: list[RetirementYear]

    @property
    def heat_rows(self) -> list[HeatRow]:
        return [
            HeatRow(tid, name, [(s, self.heat[tid][s]) for s in self.subjects]) for tid, name in self.towns
        ]


def overview(*, actor: Any, year: SchoolYear | None, today: dt.date) -> Overview:
    st = staffing(actor=actor, year=year, today=today)
    threshold = st.norms.gap_threshold
    towns: dict[int, str] = {}
    heat: dict[int, dict[str, HeatCell]] = defaultdict(
        lambda: {s: HeatCell(0.0, 0, threshold) for s in KEY_SUBJECTS}
    )
    for s in st.schools:
        towns.setdefault(s.town_id, s.town_name)
        for subject in KEY_SUBJECTS:
            row = s.subject(subject)
            if row is None:
                continue
            cell = heat[s.town_id][subject]
            cell.gap = round(cell.gap + max(row.gap, 0.0), 2)
            if row.gap >= threshold:
                cell.schools_short += 1
    locales = [str(label) for _v, label in Locale.choices]
    locale_label = dict(Locale.choices)
    ages: dict[str, dict[str, int]] = {label: dict.fromkeys(locales, 0) for label, _lo, _hi in AGE_BANDS}
    years = range(today.year, today.year + HORIZON_YEARS)
    retire: dict[int, dict[str, int]] = {y: dict.fromkeys(locales, 0) for y in years}
    if year is not None:
        for by, bm, sex, loc in (
            scoped(TeacherYear, actor)
            .filter(school_year=year, school__school_type__in=STAFFED_TYPES)
            .values_list("birth_year", "birth_month", "teacher__sex", "school__locale")
        ):
            ages[age_band(age_at(by, bm, today.year, today.month))][str(locale_label[loc])] += 1
            ry, rm = retirement_month(by, bm, sex, st.norms)
            if (ry, rm) >= (today.year, today.month) and ry in retire:
                retire[ry][str(locale_label[loc])] += 1
    teachers = sum(s.teachers for s in st.schools)
    students = sum(s.students for s in st.schools)
    totals = {
        "schools": len(st.schools),
        "teachers": teachers,
        "students": students,
        "ratio": round(students / teachers, 1) if teachers else None,
        "posts_needed": sum(s.posts_needed for s in st.schools),
        "posts_held": sum(s.posts_held for s in st.schools),
        "vacancies": sum(max(s.vacancies, 0) for s in st.schools),
        "schools_with_vacancies": sum(1 for s in st.schools if s.vacancies > 0),
        "outside_certificate": sum(s.outside_certificate for s in st.schools),
        "uncertified": sum(s.uncertified for s in st.schools),
        "over_55": sum(ages["55岁及以上"].values()),
        "retiring": sum(sum(v.values()) for v in retire.values()),
    }
    return Overview(
        staffing=st,
        towns=sorted(towns.items(), key=lambda kv: kv[1]),
        subjects=KEY_SUBJECTS,
        heat=dict(heat),
        ages=[AgeRow(label, counts) for label, counts in ages.items()],
        locales=locales,
        totals=totals,
        retirements=[RetirementYear(y, counts) for y, counts in retire.items()],
    )


def school_records(*, actor: Any, school: School, year: SchoolYear) -> QuerySet[TeacherYear]:
    return (
        scoped(TeacherYear, actor)
        .filter(school=school, school_year=year)
        .select_related("teacher")
        .prefetch_related("loads")
        .order_by("teacher__staff_number")
    )


def teacher_history(*, actor: Any, teacher: Teacher) -> QuerySet[TeacherYear]:
    return (
        scoped(TeacherYear, actor)
        .filter(teacher=teacher)
        .select_related("school_year", "school")
        .prefetch_related("loads")
        .order_by("-school_year__start_year")
    )


def record_list(*, actor: Any) -> QuerySet[TeacherYear]:
    return (
        scoped(TeacherYear, actor)
        .select_related("teacher", "school", "school_year")
        .prefetch_related("loads")
    )


def correction_list(*, actor: Any, pending_only: bool = False) -> QuerySet[CorrectionRequest]:
    rows = scoped(CorrectionRequest, actor).select_related(
        "teacher_year__teacher", "teacher_year__school_year", "requested_by", "decided_by"
    )
    return rows.filter(status=CorrectionStatus.PENDING) if pending_only else rows
