"""Burden writes: homework publication and withdrawal, class boards, exam registration and
after-school services. Keyword-only, atomic, audited; a broken rule raises DomainError with a
Chinese message and writes nothing."""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from edugov.accounts.policy import ensure_can
from edugov.accounts.scope import ensure_references_writable
from edugov.audit.services import audit_create, audit_delete, audit_update
from edugov.common.errors import DomainError
from edugov.common.services import model_update
from edugov.registry.calendar import SchoolCalendar
from edugov.registry.models import (
    SCHOOL_TYPE_GRADES,
    CalendarDayKind,
    School,
    SchoolClass,
    SchoolType,
    TeachingAssignment,
    Term,
)

from .errors import BurdenError
from .models import (
    MAX_HOMEWORK_MINUTES,
    AfterSchoolService,
    ClassBoard,
    Exam,
    ExamKind,
    Homework,
    HomeworkType,
    ProgrammeKind,
    ResultForm,
)

if TYPE_CHECKING:
    from edugov.accounts.models import User

DAYS_AHEAD = 7  # homework may be entered up to a week ahead (e.g. before a long weekend)


def teaches(*, teacher_id: int, school_class: SchoolClass) -> bool:
    """Own classes: those the teacher teaches a subject in, or heads."""
    if school_class.head_teacher_id == teacher_id:
        return True
    return TeachingAssignment.objects.filter(teacher_id=teacher_id, school_class_id=school_class.pk).exists()


def _check_school_day(*, school_class: SchoolClass, date: dt.date) -> None:
    year = school_class.school_year
    if not year.start_date <= date <= year.end_date:
        raise DomainError(BurdenError.OUTSIDE_YEAR, date=date)
    kind = SchoolCalendar.for_year(year).day_kind(date)
    if kind != CalendarDayKind.SCHOOL_DAY:
        raise DomainError(BurdenError.NOT_SCHOOL_DAY, date=date, kind=CalendarDayKind(kind).label)


@transaction.atomic
def homework_publish(
    *,
    actor: User,
    school_class: SchoolClass,
    subject: str,
    date: dt.date,
    homework_type: str,
    content: str,
    estimated_minutes: int,
    layered: bool = False,
) -> Homework:
    """A teacher publishes one subject's homework for one of their own classes."""
    ensure_can(actor, "burden.homework_publish", school_class)
    if school_class.archived_at is not None:
        raise DomainError(BurdenError.CLASS_ARCHIVED)
    subject = (subject or "").strip()
    content = (content or "").strip()
    if not subject:
        raise DomainError(BurdenError.SUBJECT_REQUIRED)
    if not content:
        raise DomainError(BurdenError.CONTENT_REQUIRED)
    if homework_type not in HomeworkType.values:
        raise DomainError(BurdenError.BAD_TYPE)
    if isinstance(estimated_minutes, bool) or not isinstance(estimated_minutes, int):
        raise DomainError(BurdenError.MINUTES_RANGE, max=MAX_HOMEWORK_MINUTES)
    if not 1 <= estimated_minutes <= MAX_HOMEWORK_MINUTES:
        raise DomainError(BurdenError.MINUTES_RANGE, max=MAX_HOMEWORK_MINUTES)
    if homework_type == HomeworkType.WRITTEN and school_class.grade in (1, 2):
        raise DomainError(BurdenError.WRITTEN_LOWER_GRADES)
    if date > timezone.localdate() + dt.timedelta(days=DAYS_AHEAD):
        raise DomainError(BurdenError.TOO_FAR_AHEAD, days=DAYS_AHEAD)
    _check_school_day(school_class=school_class, date=date)
    homework = Homework(
        school_class=school_class,
        subject=subject,
        date=date,
        homework_type=homework_type,
        content=content,
        estimated_minutes=estimated_minutes,
        layered=bool(layered),
        teacher_id=actor.teacher_id,
        created_by=actor,
    )
    # The class is the one reference the caller chooses; the teacher and the user are the actor's.
    ensure_references_writable(actor, homework, fields=["school_class"])
    # The class, the teacher and the user are rows already loaded and checked above: their
    # existence is not looked up again (three queries on every publication).
    homework.full_clean(
        exclude=["school_class", "teacher", "created_by"], validate_unique=False, validate_constraints=False
    )
    try:
        with transaction.atomic():  # a savepoint: a concurrent duplicate fails alone
            homework.save()
    except IntegrityError:
        raise DomainError(
            BurdenError.DUPLICATE,
            subject=subject,
            date=date,
            kind=HomeworkType(homework_type).label,
        ) from None
    audit_create(instance=homework)
    return homework


@transaction.atomic
def homework_withdraw(*, actor: User, homework: Homework) -> None:
    """The publishing teacher withdraws an entry (to correct it); the audit keeps what it was."""
    ensure_can(actor, "burden.homework_withdraw", homework)
    audit_delete(instance=homework)
    homework.delete()


def _new_token() -> str:
    return secrets.token_urlsafe(24)  # 192 bits: not guessable, not enumerable


@transaction.atomic
def class_board_ensure(*, actor: User, school_class: SchoolClass) -> ClassBoard:
    """The class's public board, created on first request by someone who may change the class
    (publishing a link is a write: never the read-only leader)."""
    ensure_can(actor, "burden.board_publish", school_class)
    board = ClassBoard.objects.filter(school_class=school_class).first()
    if board is not None:
        return board
    board = ClassBoard(school_class=school_class, token=_new_token())
    ensure_references_writable(actor, board)
    board.save()
    audit_create(instance=board)
    return board


@transaction.atomic
def class_board_rotate(*, actor: User, board: ClassBoard) -> ClassBoard:
    """A new link (the old one stops working), e.g. when it was posted where it should not be."""
    ensure_can(actor, "burden.board_rotate", board)
    old = board.token
    board.token = _new_token()
    board.save(update_fields=["token"])
    audit_update(instance=board, changes={"token": (old[:4] + "…", board.token[:4] + "…")})
    return board


# Exams -------------------------------------------------------------------------------------------


@transaction.atomic
def exam_register(
    *,
    actor: User,
    school: School,
    term: Term,
    grade: int,
    subject: str,
    kind: str,
    date: dt.date,
    is_paper: bool = True,
    result_form: str = ResultForm.BANDS,
) -> Exam:
    """A school registers an exam. The registration is data: rule violations are flagged by
    selectors.exam_violation_list, not refused, so the bureau sees what actually happened."""
    ensure_can(actor, "burden.exam_register", school)
    if isinstance(grade, bool) or not isinstance(grade, int):
        raise DomainError(BurdenError.EXAM_GRADE_NOT_OFFERED, grade=str(grade)[:4])
    if grade not in SCHOOL_TYPE_GRADES[SchoolType(school.school_type)]:
        raise DomainError(BurdenError.EXAM_GRADE_NOT_OFFERED, grade=grade)
    if not term.start_date <= date <= term.end_date:
        raise DomainError(
            BurdenError.EXAM_DATE_OUTSIDE_TERM,
            date=date,
            start=term.start_date,
            end=term.end_date,
        )
    subject = (subject or "").strip()
    if not subject:
        raise DomainError(BurdenError.SUBJECT_REQUIRED)
    if kind not in ExamKind.values or result_form not in ResultForm.values:
        raise DomainError(BurdenError.BAD_TYPE)
    exam = Exam(
        school=school,
        term=term,
        grade=grade,
        subject=subject,
        kind=kind,
        date=date,
        is_paper=bool(is_paper),
        result_form=result_form,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    ensure_references_writable(actor, exam)
    exam.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            exam.save()
    except IntegrityError:
        raise DomainError(
            BurdenError.EXAM_DUPLICATE,
            grade=grade,
            subject=subject,
            date=date,
            kind=ExamKind(kind).label,
        ) from None
    audit_create(instance=exam)
    return exam


# After-school service ----------------------------------------------------------------------------

SERVICE_FIELDS = (
    "days_per_week",
    "start_time",
    "end_time",
    "flexible_dismissal",
    "programmes",
    "pupils_total",
    "pupils_requested",
    "pupils_enrolled",
    "average_attendance",
    "staff_own",
    "staff_external",
    "fee_per_term",
    "satisfaction_rate",
)


def _check_service(data: dict[str, Any]) -> None:
    days = data["days_per_week"]
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 7:
        raise DomainError(BurdenError.SERVICE_DAYS)
    if data["end_time"] <= data["start_time"]:
        raise DomainError(BurdenError.SERVICE_TIMES)
    counts = [data[k] for k in ("pupils_total", "pupils_requested", "pupils_enrolled", "average_attendance")]
    counts += [data["staff_own"], data["staff_external"]]
    if any(isinstance(c, bool) or not isinstance(c, int) or c < 0 for c in counts):
        raise DomainError(BurdenError.SERVICE_COUNTS)
    total, requested, enrolled, attendance = counts[:4]
    if not (attendance <= enrolled <= total) or requested > total:
        raise DomainError(BurdenError.SERVICE_COUNTS)
    for value in data["programmes"]:
        if value not in ProgrammeKind.values:
            raise DomainError(BurdenError.BAD_PROGRAMME, value=str(value)[:20])
    fee = data["fee_per_term"]
    if fee is not None and not (Decimal(0) <= fee <= Decimal("100000")):
        raise DomainError(BurdenError.SERVICE_FEE)
    rate = data["satisfaction_rate"]
    if rate is not None and not (Decimal(0) <= rate <= Decimal(1)):
        raise DomainError(BurdenError.SERVICE_SATISFACTION)


@transaction.atomic
def after_school_register(
    *,
    actor: User,
    school: School,
    term: Term,
    days_per_week: int,
    start_time: dt.time,
    end_time: dt.time,
    pupils_total: int,
    pupils_requested: int,
    pupils_enrolled: int,
    average_attendance: int,
    programmes: list[str] | None = None,
    flexible_dismissal: bool = False,
    staff_own: int = 0,
    staff_external: int = 0,
    fee_per_term: Decimal | None = None,
    satisfaction_rate: Decimal | None = None,
) -> AfterSchoolService:
    """A school's after-school service for a term (one per school and term)."""
    ensure_can(actor, "burden.after_school_register", school)
    data: dict[str, Any] = {
        "days_per_week": days_per_week,
        "start_time": start_time,
        "end_time": end_time,
        "flexible_dismissal": bool(flexible_dismissal),
        "programmes": list(dict.fromkeys(programmes or [])),
        "pupils_total": pupils_total,
        "pupils_requested": pupils_requested,
        "pupils_enrolled": pupils_enrolled,
        "average_attendance": average_attendance,
        "staff_own": staff_own,
        "staff_external": staff_external,
        "fee_per_term": fee_per_term,
        "satisfaction_rate": satisfaction_rate,
    }
    _check_service(data)
    if AfterSchoolService.objects.filter(school=school, term=term).exists():
        raise DomainError(BurdenError.SERVICE_DUPLICATE)
    service = AfterSchoolService(school=school, term=term, **data)
    ensure_references_writable(actor, service)
    service.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():  # two administrators saving at once: the second fails alone
            service.save()
    except IntegrityError:
        raise DomainError(BurdenError.SERVICE_DUPLICATE) from None
    audit_create(instance=service)
    return service


@transaction.atomic
def after_school_update(*, actor: User, service: AfterSchoolService, **data: Any) -> AfterSchoolService:
    """Change a registered service (e.g. enrolment and attendance later in the term). Only the
    fields in SERVICE_FIELDS; the whole row is checked again before anything is saved."""
    ensure_can(actor, "burden.after_school_edit", service)
    unknown = set(data) - set(SERVICE_FIELDS)
    if unknown:
        raise TypeError(f"after_school_update: unknown fields {sorted(unknown)}")
    merged = {k: data.get(k, getattr(service, k)) for k in SERVICE_FIELDS}
    merged["flexible_dismissal"] = bool(merged["flexible_dismissal"])
    merged["programmes"] = list(dict.fromkeys(merged["programmes"] or []))
    _check_service(merged)
    service, changes = model_update(instance=service, fields=list(SERVICE_FIELDS), data=merged, actor=actor)
    audit_update(instance=service, changes=changes)
    return service
