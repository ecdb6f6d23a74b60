"""Mentoring pairs (青蓝结对, issue 15 item 5): a school pairs an experienced teacher with a new one
for a school year, with goals, the lessons observed and the outcome. Kept by whoever keeps the
school's teacher records (the school administrator, the personnel department)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from edugov.accounts.models import User
from edugov.accounts.scope import scoped
from edugov.audit.models import AuditAction
from edugov.audit.services import audit_record, snapshot
from edugov.common.errors import DomainError
from edugov.registry.models import School, SchoolYear, Teacher

from .errors import WorkforceError as E
from .models import MentoringOutcome, MentorPair
from .services import _ensure_may_edit, may_edit


def may_pair(actor: User, school: School) -> bool:
    """Whether `actor` may pair the school's teachers (what `pair_create` checks), for the form."""
    return may_edit(actor, school)


def ensure_may_pair(actor: User | None, school: School) -> None:
    """Refuse (PermissionDenied) whoever `pair_create` would refuse, before a form is read."""
    _ensure_may_edit(actor, school)


@transaction.atomic
def pair_create(
    *,
    actor: User | None,
    school: School,
    school_year: SchoolYear,
    mentor: Teacher,
    mentee: Teacher,
    goals: str = "",
    observed_lessons: int = 0,
    outcome: str = MentoringOutcome.ONGOING,
) -> MentorPair:
    """Pair two of the school's teachers. Refused in Chinese: a mentor who is the mentee, a
    teacher of another school, a mentee already paired this year."""
    ensure_may_pair(actor, school)
    if mentor.pk == mentee.pk:
        raise DomainError(E.MENTOR_IS_MENTEE)
    for t in (mentor, mentee):
        if t.school_id != school.pk:
            raise DomainError(E.MENTOR_NOT_STAFF, name=t.name)
    if MentorPair.objects.select_for_update().filter(school_year=school_year, mentee=mentee).exists():
        raise DomainError(E.MENTEE_TAKEN, name=mentee.name)
    pair = MentorPair(
        school=school,
        school_year=school_year,
        mentor=mentor,
        mentee=mentee,
        goals=goals.strip()[:300],
        observed_lessons=observed_lessons,
        outcome=outcome,
    )
    pair.full_clean()
    pair.save()
    audit_record(action=AuditAction.CREATE, instance=pair, changes={"after": snapshot(pair)}, actor=actor)
    return pair


def school_pairs(*, actor: Any, school: School, year: SchoolYear | None) -> QuerySet[MentorPair]:
    if year is None:
        return MentorPair.objects.none()
    return (
        scoped(MentorPair, actor)
        .filter(school=school, school_year=year)
        .select_related("mentor", "mentee")
        .order_by("mentee__name", "pk")
    )
