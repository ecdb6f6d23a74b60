"""The red/amber/green rule of strategic tasks (documented in docs/rectification.md, tested at its
boundaries):
The RAG rule (documented in docs/rectification.md, tested at its boundaries):
    expected = share of the time from start to deadline that has elapsed on `today`, in % (0-100)
    lag      = expected - progress
    green  if progress is 100 (done), else
    red    if today is after the deadline (overdue) or lag > 30 points,
    amber  if 10 <= lag <= 30,
    green  otherwise (lag < 10).
A task's progress is its milestones' progress weighted by their weights; a goal's and a
department's roll-up weights every milestone under them the same way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone

from ..models import Milestone, Rag

RED_LAG = 30  # points behind the elapsed time: more than this is red
AMBER_LAG = 10  # this many points behind or more (up to RED_LAG) is amber


def expected_progress(*, start: dt.date, deadline: dt.date, today: dt.date) -> float:
    """The share of the planned time elapsed on `today`, 0-100."""
    if today <= start:
        return 0.0
    if deadline <= start or today >= deadline:
        return 100.0
    return 100.0 * (today - start).days / (deadline - start).days


def rag_status(*, progress: float, start: dt.date, deadline: dt.date, today: dt.date) -> str:
    if progress >= 100:
        return Rag.GREEN
    if today > deadline:
        return Rag.RED
    lag = expected_progress(start=start, deadline=deadline, today=today) - progress
    if lag > RED_LAG:
        return Rag.RED
    if lag >= AMBER_LAG:
        return Rag.AMBER
    return Rag.GREEN


def weighted_progress(milestones: Iterable[Milestone]) -> float:
    total = num = 0
    for m in milestones:
        total += m.weight
        num += m.weight * m.progress
    return round(num / total, 1) if total else 0.0


def today_of(now: dt.datetime | None) -> dt.date:
    return timezone.localtime(now or timezone.now()).date()
