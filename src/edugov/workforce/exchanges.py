"""Exchange and rotation (城乡轮岗, 区管校聘): recording a teacher's exchange, and each sending school's
yearly rotation share against the rule (教师〔2014〕4号: at least 10% of the eligible teachers, backbone
teachers at least 20% of those rotating; eligible after the provincial number of years at one
school). Urban and town schools are held to it; rural schools are where teachers go."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet

from edugov.accounts.models import User
from edugov.accounts.policy import ensure_can
from edugov.accounts.scope import scoped
from edugov.audit.models import AuditAction
from edugov.audit.services import audit_record, snapshot
from edugov.common.errors import DomainError
from edugov.registry.models import Locale, School, SchoolYear, Teacher
from edugov.standards.loader import library

from .errors import WorkforceError as E
from .models import ROTATING_KINDS, BackboneLevel, Exchange, TeacherYear
from .permissions import action
from .shadowing import clash as placement_clash


@transaction.atomic
def exchange_create(
    *,
    actor: User,
    teacher: Teacher,
    kind: str,
    to_school: School,
    start_date: dt.date,
    end_date: dt.date,
    from_school: School | None = None,
    evaluation: str = "",
) -> Exchange:
    """Record an exchange; the sending school defaults to the teacher's. Refused: the same school
    twice, an end not after the start, a period overlapping another exchange or a shadowing
    placement of the teacher; 跟岗学习 (its own record since 2026-12, `shadowing.py`)."""
    source = from_school or teacher.school
    ensure_can(actor, action("exchange_edit"), source)
    ensure_can(actor, action("exchange_edit"), to_school)
    if teacher.school_id != source.pk:
        raise DomainError(E.EXCHANGE_NOT_STAFF)
    if source.pk == to_school.pk:
        raise DomainError(E.EXCHANGE_SAME_SCHOOL)
    if kind == "shadowing":
        raise DomainError(E.EXCHANGE_SHADOWING)
    if end_date <= start_date:
        raise DomainError(E.EXCHANGE_DATES)
    clash = (
        Exchange.objects.select_for_update()
        .filter(teacher=teacher, start_date__lt=end_date, end_date__gt=start_date)
        .order_by("start_date")
        .first()
    )
    if clash is not None:
        raise DomainError(
            E.EXCHANGE_OVERLAP, start=f"{clash.start_date:%Y-%m-%d}", end=f"{clash.end_date:%Y-%m-%d}"
        )
    if (refusal := placement_clash(teacher, start_date, end_date)) is not None:
        raise refusal
    row = Exchange(
        teacher=teacher,
        kind=kind,
        from_school=source,
        to_school=to_school,
        start_date=start_date,
        end_date=end_date,
        evaluation=evaluation.strip()[:300],
        created_by=actor,
    )
    row.full_clean()
    row.save()
    audit_record(action=AuditAction.CREATE, instance=row, changes={"after": snapshot(row)}, actor=actor)
    return row


def exchange_list(*, actor: Any) -> QuerySet[Exchange]:
    return scoped(Exchange, actor).select_related("teacher", "from_school", "to_school")


@dataclass(frozen=True)
class RotationRow:
    school_id: int
    school_name: str
    eligible: int  # teachers with at least the eligible years at the school
    rotated: int  # exchanges (rotation, rural placement) starting in the school year
    backbone: int  # of which backbone teachers (county level or above)
    share_min: float  # % of eligible
    backbone_min: float  # % of rotated

    @property
    def share(self) -> float | None:
        return round(100 * self.rotated / self.eligible, 1) if self.eligible else None

    @property
    def backbone_share(self) -> float | None:
        return round(100 * self.backbone / self.rotated, 1) if self.rotated else None

    @property
    def met(self) -> bool:
        share_ok = self.share is None or self.share >= self.share_min
        backbone_ok = self.backbone_share is None or self.backbone_share >= self.backbone_min
        return share_ok and backbone_ok and (self.rotated > 0 or not self.eligible)


def rotation_shares(*, actor: Any, year: SchoolYear) -> list[RotationRow]:
    """Each urban or town school's rotation in the school year against the rule."""
    lib = library()
    schools = list(
        scoped(School, actor)
        .filter(archived_at__isnull=True, locale__in=[Locale.URBAN, Locale.TOWN])
        .values_list("pk", "name", "area__path")
    )
    if not schools:
        return []
    path = schools[0][2]
    years = lib.value("workforce.rotation_eligible_years", area_path=path, year=year.start_year).value
    share_min = lib.value("workforce.rotation_share", area_path=path, year=year.start_year).value
    backbone_min = lib.value("workforce.rotation_backbone_share", area_path=path, year=year.start_year).value
    ids = [s[0] for s in schools]
    eligible: dict[int, int] = defaultdict(int)
    backbone_teachers: set[int] = set()
    for school_id, teacher_id, since, level in (
        scoped(TeacherYear, actor)
        .filter(school_year=year, school_id__in=ids)
        .values_list("school_id", "teacher_id", "school_since", "backbone_level")
    ):
        if since is not None and year.start_year - since >= years:
            eligible[school_id] += 1
        if level != BackboneLevel.NONE:
            backbone_teachers.add(teacher_id)
    rotated: dict[int, int] = defaultdict(int)
    backbone: dict[int, int] = defaultdict(int)
    in_year = Q(start_date__gte=year.start_date, start_date__lte=year.end_date)
    for school_id, teacher_id in (
        scoped(Exchange, actor)
        .filter(in_year, kind__in=ROTATING_KINDS, from_school_id__in=ids)
        .values_list("from_school_id", "teacher_id")
    ):
        rotated[school_id] += 1
        backbone[school_id] += teacher_id in backbone_teachers
    return [
        RotationRow(sid, name, eligible[sid], rotated[sid], backbone[sid], share_min, backbone_min)
        for sid, name, _path in schools
        if eligible[sid] or rotated[sid]
    ]
