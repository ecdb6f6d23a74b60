"""Homework as teachers and schools see it: a teacher's classes and subjects, the published list,
the day's written total, and the tokens of the classes' public boards."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet, Sum

from edugov.accounts.scope import scoped
from edugov.registry.models import SchoolClass, TeachingAssignment
from edugov.registry.selectors import current_school_year

from ..models import (
    ClassBoard,
    Homework,
    HomeworkType,
)


@dataclass(frozen=True)
class Assignment:
    class_id: int
    class_name: str
    grade: int
    subject: str


def teacher_assignments(*, user: Any) -> list[Assignment]:
    """The classes and subjects a teacher may publish homework for, current school year first."""
    if not getattr(user, "teacher_id", None):
        return []
    year = current_school_year()
    qs = scoped(TeachingAssignment, user).filter(
        teacher_id=user.teacher_id, school_class__archived_at__isnull=True
    )
    if year is not None:
        qs = qs.filter(school_class__school_year=year)
    out = []
    for a in qs.select_related("school_class").order_by(
        "school_class__grade", "school_class__number", "subject"
    ):
        out.append(Assignment(a.school_class_id, str(a.school_class), a.school_class.grade, a.subject))
    headed = scoped(SchoolClass, user).filter(head_teacher_id=user.teacher_id, archived_at__isnull=True)
    if year is not None:
        headed = headed.filter(school_year=year)
    seen = {a.class_id for a in out}
    out.extend(Assignment(c.pk, str(c), c.grade, "") for c in headed if c.pk not in seen)
    return out


def homework_list(
    *,
    user: Any,
    school_class: SchoolClass | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    mine: bool = False,
) -> QuerySet[Homework]:
    qs = scoped(Homework, user).select_related("school_class", "school_class__school")
    if school_class is not None:
        qs = qs.filter(school_class=school_class)
    if start is not None:
        qs = qs.filter(date__gte=start)
    if end is not None:
        qs = qs.filter(date__lte=end)
    if mine and getattr(user, "teacher_id", None):
        qs = qs.filter(teacher_id=user.teacher_id)
    return qs.order_by("-date", "school_class__grade", "school_class__number", "subject")


def written_total(*, school_class_id: int, date: dt.date) -> int:
    """The class's written minutes on a day (for the warning after publishing)."""
    return (
        Homework.objects.filter(
            school_class_id=school_class_id, date=date, homework_type=HomeworkType.WRITTEN
        ).aggregate(total=Sum("estimated_minutes"))["total"]
        or 0
    )


def board_list(*, user: Any, class_ids: Iterable[int]) -> dict[int, str]:
    """Tokens of the boards that exist for these classes (for showing the parents' link)."""
    return dict(
        scoped(ClassBoard, user)
        .filter(school_class_id__in=list(class_ids))
        .values_list("school_class_id", "token")
    )
