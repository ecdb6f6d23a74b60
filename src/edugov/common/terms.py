"""School terms by their stored code ("2026-2027-1"), as people read them: one place for every
module that keeps terms as codes (groups, party)."""

from __future__ import annotations

import datetime as dt
import re

TERM_RE = re.compile(r"^(\d{4})-(\d{4})-([12])$")
_HALVES = {"1": "第一学期", "2": "第二学期"}


def term_label(code: object) -> str:
    """ "2026-2027-1" → "2026-2027学年第一学期"; anything else prints as it came ("" for None)."""
    text = str(code or "")
    found = TERM_RE.match(text)
    if found is None:
        return text
    return f"{found[1]}-{found[2]}学年{_HALVES[found[3]]}"


def term_of(day: dt.date) -> str:
    """The term a date falls in: September-January is the first term, February-August the second."""
    start = day.year if day.month >= 9 else day.year - 1
    return f"{start}-{start + 1}-{1 if day.month >= 9 or day.month == 1 else 2}"
