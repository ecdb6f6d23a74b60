"""Courses (checked against the rules on save) and the timetable (checked per session against the
school calendar's day kind and overlapping sessions)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from edugov.accounts.models import User
from edugov.accounts.policy import ensure_can
from edugov.accounts.scope import ensure_references_writable
from edugov.audit.models import AuditAction
from edugov.audit.services import snapshot
from edugov.common.errors import DomainError
from edugov.registry.calendar import SchoolCalendar
from edugov.registry.models import CalendarDayKind, SchoolYear

from .. import rules
from ..models import Course, Institution, Session
from .common import TutoringError, _audit
from .institutions import white_list_recheck

COURSE_FIELDS = [
    "name", "is_subject", "subject", "grade_min", "grade_max", "mode", "within_syllabus", "class_size_band",
    "lessons", "lesson_minutes", "price_per_lesson", "guidance_price", "tutor", "approved",
]  # fmt: skip


def course_check(course: Course, limits: rules.Limits | None = None) -> list[dict[str, Any]]:
    institution = course.institution
    limits = limits or rules.limits_for(institution.area.path)
    tutor = course.tutor
    found = rules.course_violations(
        limits=limits,
        is_subject=course.is_subject,
        institution_is_subject=institution.is_subject,
        mode=course.mode,
        grade_min=course.grade_min,
        within_syllabus=course.within_syllabus,
        price_per_lesson=course.price_per_lesson,
        guidance_price=course.guidance_price,
        tutor_qualified=None if tutor is None else bool(tutor.qualification_number),
    )
    if tutor is not None and tutor.in_service_teacher_id:
        found.append(
            rules.Violation("in_service_teacher", f"授课教师{tutor.name}为在职中小学教师，不得有偿补课")
        )
    return rules.as_json(found)


@transaction.atomic
def course_create(*, actor: User, institution: Institution, data: dict[str, Any]) -> Course:
    ensure_can(actor, "tutoring.course_create", institution)
    fields = {k: v for k, v in data.items() if k in COURSE_FIELDS}
    course = Course(institution=institution, **fields)
    course.full_clean(exclude=["violations"])
    ensure_references_writable(actor, course)  # before the rules: a foreign row is not confirmed
    if course.tutor is not None and course.tutor.institution_id != institution.pk:
        raise DomainError(TutoringError.TUTOR_OTHER_INSTITUTION)
    course.violations = course_check(course)
    course.save()
    _audit(AuditAction.CREATE, course, institution.area.path, {"after": snapshot(course)})
    if course.violations:
        white_list_recheck(institution=institution, actor=actor)
    return course


class DayKinds:
    """What kind of day a date is, from the school calendars (loaded once per school year)."""

    def __init__(self) -> None:
        self._years = list(SchoolYear.objects.order_by("start_date"))
        self._calendars: dict[int, SchoolCalendar] = {}

    def __call__(self, day: dt.date) -> str:
        year = next((y for y in self._years if y.start_date <= day <= y.end_date), None)
        if year is None:
            return CalendarDayKind.WEEKEND if day.weekday() >= 5 else CalendarDayKind.SCHOOL_DAY
        if year.pk not in self._calendars:
            self._calendars[year.pk] = SchoolCalendar.for_year(year)
        return self._calendars[year.pk].day_kind(day)


@transaction.atomic
def session_create(
    *,
    actor: User,
    course: Course,
    date: dt.date,
    start_time: dt.time,
    end_time: dt.time,
    day_kinds: Any = None,
) -> Session:
    institution = course.institution
    ensure_can(actor, "tutoring.session_create", course)
    session = Session(course=course, date=date, start_time=start_time, end_time=end_time)
    session.full_clean(exclude=["violations"])
    slot = rules.Slot(rules.minutes(start_time), rules.minutes(end_time))
    others = list(Session.objects.filter(course=course, date=date).values_list("start_time", "end_time"))
    for s, e in others:
        if rules.overlaps(slot, rules.Slot(rules.minutes(s), rules.minutes(e))):
            raise DomainError(TutoringError.SESSION_OVERLAP, date=date, start=f"{s:%H:%M}", end=f"{e:%H:%M}")
    kind = (day_kinds or DayKinds())(date)
    found = rules.session_violations(
        limits=rules.limits_for(institution.area.path),
        is_subject=course.is_subject,
        mode=course.mode,
        day_kind=kind,
        start=start_time,
        end=end_time,
        same_day_online=[rules.Slot(rules.minutes(s), rules.minutes(e)) for s, e in others],
    )
    session.violations = rules.as_json(found)
    ensure_references_writable(actor, session)
    session.save()
    _audit(AuditAction.CREATE, session, institution.area.path, {"after": snapshot(session)})
    if session.violations:
        white_list_recheck(institution=institution, actor=actor)
    return session
