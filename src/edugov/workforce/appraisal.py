"""Appraisal and allowances (issue 15 item 6). Every number is standards data
(`national/workforce_programmes_local_2026.toml`, a district overrides it):

- yearly appraisal results per school, 优秀 capped at floor(teachers appraised × cap%) (20%: 12
  appraised allow 2), and refused for a teacher with a confirmed ethics incident that year (veto);
- honour and title quotas shared out to schools by weight = eligible 在编 teachers × (1 + the
  locale's tilt: rural 0.3, town 0.1, urban 0), largest remainder; vetoed teachers are not eligible;
- head-teacher allowance a month = base + per year × min(years in the role, max years) + the star
  rating's amount (300 + 20 × 3 + 100 = 460 for three years and two stars);
- rural living allowance a month by the school's remoteness tier (rural schools only);
- the retired-teachers' programme (银龄): its teachers older than the age limit (65) are listed."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from edugov.accounts.models import User
from edugov.accounts.policy import can, ensure_can
from edugov.accounts.scope import scoped
from edugov.audit.models import AuditAction
from edugov.audit.services import audit_record
from edugov.common.errors import DomainError
from edugov.registry.models import Locale, School, SchoolYear
from edugov.standards.loader import library

from . import ethics
from .errors import WorkforceError as E
from .models import Appraisal, AppraisalGrade, EmploymentType, RemotenessTier, TeacherYear
from .norms import age_at
from .permissions import action
from .selectors import STAFFED_TYPES

QUOTA_MAX = 1000


def _values(code: str, area_path: str = "", year: int | None = None) -> Mapping[str, float]:
    return library().rule(code, area_path=area_path, year=year).values


def excellent_cap_share(area_path: str = "", year: int | None = None) -> float:
    return float(_values("workforce.appraisal_excellent_cap", area_path, year)["all"])


def excellent_cap(appraised: int, share: float) -> int:
    """How many of `appraised` may be 优秀 at `share` percent (rounded down: 12 × 20% = 2.4 -> 2)."""
    return math.floor(appraised * share / 100 + 1e-9)


def _school_path(school: School) -> str:
    return str(school.area.path) if school.area_id else ""


@transaction.atomic
def appraisal_save(
    *, actor: User | None, school: School, year: SchoolYear, grades: Mapping[int, str]
) -> list[Appraisal]:
    """Record the year's results of the school's teachers ({teacher id: grade}). Checked before
    anything is written; refused in Chinese: a teacher without a record at the school that year, an
    unknown grade, 优秀 for a teacher under the ethics veto, more 优秀 than the cap allows."""
    if actor is not None:
        ensure_can(actor, action("appraisal_edit"), school)
    records = {
        r.teacher_id: r
        for r in TeacherYear.objects.filter(school=school, school_year=year).select_related("teacher")
    }
    vetoed = ethics.vetoed_teacher_ids(year)
    for teacher_id, grade in grades.items():
        record = records.get(teacher_id)
        if record is None:
            raise DomainError(E.APPRAISAL_NO_RECORD, name=f"教师{teacher_id}", year=str(year))
        if grade not in AppraisalGrade.values:
            raise DomainError(E.BAD_FIELD, field="考核等次", reason="应为优秀、合格、基本合格或不合格")
        if grade == AppraisalGrade.EXCELLENT and teacher_id in vetoed:
            raise DomainError(E.APPRAISAL_VETO, name=record.teacher.name)
    existing = {
        a.teacher_id: a for a in Appraisal.objects.select_for_update().filter(school=school, school_year=year)
    }
    after = {tid: a.grade for tid, a in existing.items()} | dict(grades)
    share = excellent_cap_share(_school_path(school), year.start_year)
    cap = excellent_cap(len(after), share)
    count = sum(1 for g in after.values() if g == AppraisalGrade.EXCELLENT)
    if count > cap:
        raise DomainError(
            E.APPRAISAL_CAP,
            school=school.name,
            year=str(year),
            total=len(after),
            cap=cap,
            share=share,
            count=count,
        )
    saved = []
    for teacher_id, grade in grades.items():
        row = existing.get(teacher_id)
        before = row.grade if row else None
        if row is None:
            row = Appraisal.objects.create(
                teacher_id=teacher_id, school=school, school_year=year, grade=grade
            )
        elif row.grade != grade:
            row.grade, row.note = grade, ""
            row.save(update_fields=["grade", "note", "updated_at"])
        else:
            continue
        audit_record(
            action=AuditAction.CREATE if before is None else AuditAction.UPDATE,
            instance=row,
            changes={
                "before": {"考核等次": AppraisalGrade(before).label} if before else {},
                "after": {"考核等次": AppraisalGrade(grade).label},
            },
            actor=actor,
        )
        saved.append(row)
    return saved


@dataclass
class AppraisalRow:
    school_id: int
    school_name: str
    appraised: int
    excellent: int
    cap: int
    grades: dict[str, int] = field(default_factory=dict)  # label -> count


def appraisal_summary(*, actor: Any, year: SchoolYear | None) -> list[AppraisalRow]:
    if year is None:
        return []
    share = excellent_cap_share(year=year.start_year)
    rows: dict[int, AppraisalRow] = {}
    for school_id, name, grade in (
        scoped(Appraisal, actor).filter(school_year=year).values_list("school_id", "school__name", "grade")
    ):
        row = rows.setdefault(school_id, AppraisalRow(school_id, name, 0, 0, 0))
        row.appraised += 1
        row.excellent += grade == AppraisalGrade.EXCELLENT
        label = str(AppraisalGrade(grade).label)
        row.grades[label] = row.grades.get(label, 0) + 1
    for row in rows.values():
        row.cap = excellent_cap(row.appraised, share)
    return sorted(rows.values(), key=lambda r: r.school_name)


def school_appraisals(*, actor: Any, school: School, year: SchoolYear | None) -> QuerySet[Appraisal]:
    if year is None:
        return Appraisal.objects.none()
    return scoped(Appraisal, actor).filter(school=school, school_year=year).select_related("teacher")


# --- quotas ---


def rural_tilt(area_path: str = "", year: int | None = None) -> dict[str, float]:
    values = _values("workforce.quota_rural_tilt", area_path, year)
    return {locale: float(values.get(locale, 0.0)) for locale in (Locale.URBAN, Locale.TOWN, Locale.RURAL)}


@dataclass(frozen=True)
class QuotaRow:
    school_id: int
    school_name: str
    locale: str
    eligible: int
    tilt: float
    weight: float
    exact: float
    allocated: int

    @property
    def why(self) -> str:
        tilt = f"×（1＋{self.tilt:g}）" if self.tilt else ""
        return (
            f"在编且无师德否决的教师{self.eligible}人{tilt}＝权重{self.weight:g}；"
            f"按权重应得{self.exact:.2f}个"
        )


def allocate(total: int, weights: Mapping[int, float]) -> dict[int, int]:
    """Share `total` out in proportion to the weights, by largest remainder (ties to the smaller
    key); every key gets a count, the counts sum to `total` (nothing when all weights are 0)."""
    whole = sum(weights.values())
    if whole <= 0:
        return dict.fromkeys(weights, 0)
    exact = {k: total * w / whole for k, w in weights.items()}
    out = {k: math.floor(v + 1e-9) for k, v in exact.items()}
    left = total - sum(out.values())
    for k in sorted(exact, key=lambda k: (-(exact[k] - out[k]), k))[:left]:
        out[k] += 1
    return out


def quota_allocation(*, actor: Any, year: SchoolYear | None, total: int | str) -> list[QuotaRow]:
    """A quota of honours or titles (`total`) shared out to the schools in scope, tilted to rural
    schools; each row says why. Refused in Chinese: a total that is not 1..1000."""
    try:
        n = int(str(total).strip())
    except ValueError:
        n = -1
    if not 1 <= n <= QUOTA_MAX:
        raise DomainError(E.QUOTA_TOTAL, maximum=QUOTA_MAX)
    if year is None:
        return []
    tilt = rural_tilt(year=year.start_year)
    vetoed = ethics.vetoed_teacher_ids(year)
    schools = {
        s.pk: s for s in scoped(School, actor).filter(archived_at__isnull=True, school_type__in=STAFFED_TYPES)
    }
    eligible: dict[int, int] = defaultdict(int)
    for school_id, teacher_id in TeacherYear.objects.filter(
        school_year=year, school_id__in=list(schools), employment_type=EmploymentType.ESTABLISHED
    ).values_list("school_id", "teacher_id"):
        if teacher_id not in vetoed:
            eligible[school_id] += 1
    weights = {pk: eligible[pk] * (1 + tilt.get(s.locale, 0.0)) for pk, s in schools.items()}
    whole = sum(weights.values())
    shares = allocate(n, weights)
    rows = [
        QuotaRow(
            pk,
            s.name,
            s.get_locale_display(),
            eligible[pk],
            tilt.get(s.locale, 0.0),
            round(weights[pk], 2),
            n * weights[pk] / whole if whole else 0.0,
            shares[pk],
        )
        for pk, s in schools.items()
        if eligible[pk]
    ]
    return sorted(rows, key=lambda r: (-r.allocated, -r.exact, r.school_name))


# --- allowances ---


def head_teacher_allowance(years: int, stars: int, params: Mapping[str, float]) -> float:
    """A head teacher's monthly allowance: base + per year × min(years, max years) + the stars'
    amount (no stars: nothing more)."""
    counted = min(max(years, 0), int(params["max_years"]))
    star = float(params.get(f"star{stars}", 0.0)) if stars > 0 else 0.0
    return float(params["base"]) + float(params["per_year"]) * counted + star


def rural_allowance(locale: str, tier: int | None, params: Mapping[str, float]) -> float:
    """The rural living allowance a month for a teacher of a school: by its remoteness tier, rural
    schools only (no tier recorded: the first)."""
    if locale != Locale.RURAL:
        return 0.0
    return float(params.get(f"tier{tier or 1}", 0.0))


@dataclass(frozen=True)
class AllowanceRow:
    school_id: int
    school_name: str
    locale: str
    tier: int | None
    teachers: int
    head_teachers: int
    head_teacher_monthly: float
    rural_each: float

    @property
    def rural_monthly(self) -> float:
        return self.rural_each * self.teachers

    @property
    def monthly(self) -> float:
        return self.head_teacher_monthly + self.rural_monthly


def allowances(*, actor: Any, year: SchoolYear | None) -> list[AllowanceRow]:
    """Each school's monthly head-teacher allowances and rural living allowances (every teacher
    with a record at a rural school)."""
    if year is None:
        return []
    ht = _values("workforce.head_teacher_allowance", year=year.start_year)
    rural = _values("workforce.rural_living_allowance", year=year.start_year)
    tiers = dict(RemotenessTier.objects.values_list("school_id", "tier"))
    per: dict[int, list[TeacherYear]] = defaultdict(list)
    for r in scoped(TeacherYear, actor).filter(school_year=year).select_related("school"):
        per[r.school_id].append(r)
    rows = []
    for school_id, records in per.items():
        school = records[0].school
        heads = [r for r in records if r.is_head_teacher]
        rows.append(
            AllowanceRow(
                school_id,
                school.name,
                school.locale,
                tiers.get(school_id),
                len(records),
                len(heads),
                sum(head_teacher_allowance(r.head_teacher_years, r.head_teacher_stars, ht) for r in heads),
                rural_allowance(school.locale, tiers.get(school_id), rural),
            )
        )
    return sorted(rows, key=lambda r: (-r.monthly, r.school_name))


@transaction.atomic
def tier_set(*, actor: User | None, school: School, tier: int) -> RemotenessTier:
    if actor is not None:
        ensure_can(actor, action("tier_edit"), school)
    if school.locale != Locale.RURAL:
        raise DomainError(E.BAD_FIELD, field="艰苦边远档次", reason="只有乡村学校分档")
    if not 1 <= tier <= 4:
        raise DomainError(E.BAD_FIELD, field="艰苦边远档次", reason="应为1～4档")
    row, _ = RemotenessTier.objects.update_or_create(school=school, defaults={"tier": tier})
    audit_record(action=AuditAction.UPDATE, instance=row, changes={"after": {"档次": tier}}, actor=actor)
    return row


# --- 银龄 ---


@dataclass(frozen=True)
class SilverRow:
    record: TeacherYear
    age: int
    over_limit: bool


def silver_programme(*, actor: Any, year: SchoolYear | None, today: dt.date) -> tuple[int, list[SilverRow]]:
    """The programme's teachers of the year with their age today, and the age limit (data)."""
    limit = int(_values("workforce.silver_age_limit")["all"])
    if year is None:
        return limit, []
    rows = [
        SilverRow(r, a, a > limit)
        for r in scoped(TeacherYear, actor)
        .filter(school_year=year, employment_type=EmploymentType.RETIRED_PROGRAMME)
        .select_related("teacher", "school")
        for a in [age_at(r.birth_year, r.birth_month, today.year, today.month)]
    ]
    return limit, sorted(rows, key=lambda s: (not s.over_limit, -s.age, s.record.school_id))


def may_edit_appraisal(actor: User, school: School) -> bool:
    return can(actor, action("appraisal_edit"), school)
