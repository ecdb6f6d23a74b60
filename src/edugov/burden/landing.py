"""Burden's landing cards: the teacher's "publish today's homework" and the week so far of their
classes; a school's homework still to publish this week (ModuleSpec.landing)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils import timezone

from edugov.accounts.models import User
from edugov.accounts.policy import role_may
from edugov.accounts.scope import scoped
from edugov.modules import LandingCard
from edugov.registry.calendar import SchoolCalendar
from edugov.registry.models import SchoolClass, SchoolYear

from . import rules
from .models import Homework, HomeworkType
from .selectors import COMPULSORY_GRADES, teacher_assignments
from .views import _default_homework_date as default_homework_date

WEEKDAYS = "一二三四五六日"
GAP_CLASSES = 12  # classes named on a school's card; the rest are counted


@dataclass(frozen=True)
class DayCell:
    date: dt.date
    label: str  # 周三
    items: int  # homework entries of the class that day (every subject)
    written: int  # written minutes of the class that day
    mine: int  # entries the teacher published
    over: bool  # the day's written minutes alone above the daily average limit


@dataclass
class ClassWeekRow:
    class_id: int
    name: str
    limit: float | None  # daily average limit of written minutes; 0: no written homework
    days: list[DayCell] = field(default_factory=list)

    @property
    def written(self) -> int:
        return sum(d.written for d in self.days)

    @property
    def average(self) -> float | None:
        return round(self.written / len(self.days), 1) if self.days else None

    @property
    def over(self) -> bool:
        return self.limit is not None and self.average is not None and self.average > self.limit

    @property
    def missing(self) -> list[DayCell]:
        """School days so far on which the teacher published nothing for the class."""
        return [d for d in self.days if not d.mine]


def _week(day: dt.date) -> tuple[SchoolYear | None, list[dt.date]]:
    """The school year of `day` and its school days from the Monday of `day`'s week up to `day`
    (the calendar's, holidays and make-up days included; weekdays when no school year covers it)."""
    monday = rules.week_start(day)
    year = SchoolYear.objects.filter(start_date__lte=day, end_date__gte=day).first()
    if year is None:
        return None, [monday + dt.timedelta(days=n) for n in range((day - monday).days + 1) if n < 5]
    return year, SchoolCalendar.for_year(year).school_days(monday, day)


def teacher_card(actor: User) -> LandingCard | None:
    if not role_may(actor, "burden.homework_publish"):
        return None
    today = timezone.localdate()
    day = default_homework_date()
    _, days = _week(day)
    names = {a.class_id: a.class_name for a in teacher_assignments(user=actor)}
    classes = (
        scoped(SchoolClass, actor)
        .filter(pk__in=names)
        .select_related("school__area")
        .order_by("grade", "number")
    )
    rows = {c.pk: ClassWeekRow(c.pk, names[c.pk], _limit_value(c.grade, c.school.area.path)) for c in classes}
    entries = (
        scoped(Homework, actor)
        .filter(school_class_id__in=rows, date__in=days)
        .values_list("school_class_id", "date", "homework_type", "estimated_minutes", "teacher_id")
    )
    items: dict[tuple[int, dt.date], int] = defaultdict(int)
    written: dict[tuple[int, dt.date], int] = defaultdict(int)
    mine: dict[tuple[int, dt.date], int] = defaultdict(int)
    for class_id, date, kind, minutes, teacher_id in entries:
        items[class_id, date] += 1
        if kind == HomeworkType.WRITTEN:
            written[class_id, date] += minutes
        if teacher_id == actor.teacher_id:
            mine[class_id, date] += 1
    for row in rows.values():
        for d in days:
            key = (row.class_id, d)
            over = row.limit is not None and written[key] > row.limit
            row.days.append(
                DayCell(d, f"周{WEEKDAYS[d.weekday()]}", items[key], written[key], mine[key], over)
            )
    return LandingCard(
        "burden/landing/teacher.html",
        {
            "date": day,
            "is_today": day == today,
            "days": days,
            "rows": list(rows.values()),
            # the same cells by day (the table has a row per day and a column per class)
            "week": [
                {
                    "date": d,
                    "label": f"周{WEEKDAYS[d.weekday()]}",
                    "cells": [r.days[i] for r in rows.values()],
                }
                for i, d in enumerate(days)
            ],
            "published": sum(sum(d.mine for d in r.days) for r in rows.values()),
        },
        order=10,
    )


def _limit_value(grade: int, area_path: str) -> float | None:
    found = rules.written_limit(grade, area_path=area_path)
    return None if found is None else float(found.value)


def school_card(actor: User) -> LandingCard | None:
    """The school's classes that have published no homework yet this week (data to submit), and
    the entry pages the school fills in."""
    if not role_may(actor, "burden.view"):
        return None
    year, days = _week(default_homework_date())
    classes = scoped(SchoolClass, actor).filter(
        archived_at__isnull=True, grade__in=COMPULSORY_GRADES, school_year=year
    )
    published = set(
        scoped(Homework, actor)
        .filter(school_class__in=classes, date__in=days)
        .order_by()  # Meta.ordering would join the DISTINCT
        .values_list("school_class_id", flat=True)
        .distinct()
    )
    silent = [
        c for c in classes.select_related("school").order_by("grade", "number") if c.pk not in published
    ]
    return LandingCard(
        "burden/landing/school.html",
        {
            "days": days,
            "classes": len(silent) + len(published),
            "silent": silent[:GAP_CLASSES],
            "silent_count": len(silent),
            "published": len(published),
            "may_exams": role_may(actor, "burden.exam_register"),
            "may_after_school": role_may(actor, "burden.after_school_register"),
            "school_id": actor.school_id,
        },
        order=20,
    )
