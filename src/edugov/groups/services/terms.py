"""School terms as the groups module names them ("2024-2025-1"): check one, find a day's."""

from __future__ import annotations

import datetime as dt
import re

from edugov.common.errors import DomainError

from ..errors import GroupsError as E

TERM_RE = re.compile(r"^(\d{4})-(\d{4})-([12])$")


def check_term(term: str) -> str:
    term = (term or "").strip()
    m = TERM_RE.match(term)
    if m is None or int(m.group(2)) != int(m.group(1)) + 1:
        raise DomainError(E.BAD_TERM)
    return term


def term_of(day: dt.date) -> str:
    """The term a date falls in: September-January is the first term, February-August the second."""
    start = day.year if day.month >= 9 else day.year - 1
    return f"{start}-{start + 1}-{1 if day.month >= 9 or day.month == 1 else 2}"


def term_label(term: str) -> str:
    """A term as people read it: "2026-2027-1" → "2026-2027学年第一学期" (anything else as it came)."""
    m = TERM_RE.match(term or "")
    if m is None:
        return term
    return f"{m.group(1)}-{m.group(2)}学年{'第一学期' if m.group(3) == '1' else '第二学期'}"
