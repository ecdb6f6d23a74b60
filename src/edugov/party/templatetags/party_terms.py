"""A term's code as people read it: "2026-2027-1" → "2026-2027学年第一学期"."""

from __future__ import annotations

import re

from django import template

register = template.Library()

_TERM = re.compile(r"^(\d{4})-(\d{4})-([12])$")
_NUMBERS = {"1": "第一学期", "2": "第二学期"}


@register.filter
def term_label(code: object) -> str:
    """The Chinese name of a term code; anything else prints as it came."""
    text = str(code or "")
    found = _TERM.match(text)
    if found is None:
        return text
    return f"{found[1]}-{found[2]}学年{_NUMBERS[found[3]]}"
