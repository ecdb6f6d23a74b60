"""The public class board: a fortnight of homework keyed by an unguessable token (no personal data)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.utils import timezone

from .. import rules
from ..models import (
    ClassBoard,
    Homework,
    HomeworkType,
)


@dataclass(frozen=True)
class BoardItem:
    subject: str
    type_label: str
    content: str
    minutes: int
    layered: bool
    is_written: bool


@dataclass(frozen=True)
class BoardDay:
    date: dt.date
    items: list[BoardItem]
    written_minutes: int
    limit: float | None

    @property
    def over(self) -> bool:
        return self.limit is not None and self.written_minutes > self.limit


@dataclass(frozen=True)
class Board:
    school_name: str
    class_name: str
    grade: int
    limit: float | None
    limit_citation: str
    days: list[BoardDay]


BOARD_DAYS = 14


def board_for_token(token: str, *, today: dt.date | None = None) -> Board | None:
    """The public homework board: school and class names and the homework of the last two weeks;
    no teacher, no pupil, no publisher. None for an unknown token."""
    if not token or len(token) > 64:
        return None
    board = (
        ClassBoard.objects.select_related(
            "school_class", "school_class__school", "school_class__school__area"
        )
        .filter(token=token, school_class__archived_at__isnull=True)
        .first()
    )
    if board is None:
        return None
    cls = board.school_class
    today = today or timezone.localdate()
    limit = rules.written_limit(cls.grade, area_path=cls.school.area.path)
    rows = Homework.objects.filter(
        school_class=cls,
        date__lte=today + dt.timedelta(days=7),
        date__gte=today - dt.timedelta(days=BOARD_DAYS),
    ).values_list("date", "subject", "homework_type", "content", "estimated_minutes", "layered")
    by_day: dict[dt.date, list[BoardItem]] = defaultdict(list)
    for date, subject, kind, content, minutes, layered in rows.order_by("-date", "subject"):
        by_day[date].append(
            BoardItem(
                subject, HomeworkType(kind).label, content, minutes, layered, kind == HomeworkType.WRITTEN
            )
        )
    days = [
        BoardDay(
            date,
            items,
            sum(i.minutes for i in items if i.is_written),
            limit.value if limit else None,
        )
        for date, items in sorted(by_day.items(), reverse=True)
    ]
    return Board(
        school_name=cls.school.name,
        class_name=str(cls),
        grade=cls.grade,
        limit=limit.value if limit else None,
        limit_citation=limit.rule.citation() if limit else "",
        days=days,
    )
