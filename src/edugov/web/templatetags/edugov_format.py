"""Display formats shared by every page: money in 元 with thousands separators, plain numbers,
percentages and dates the Chinese way. A missing or unreadable value prints "—", never an error."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django import template

from edugov.common import dates

register = template.Library()

MISSING = dates.MISSING


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _digits(arg: Any, default: int) -> int:
    try:
        digits = int(arg)
    except (TypeError, ValueError):
        return default
    return min(max(digits, 0), 6)


def _grouped(number: Decimal, digits: int) -> str:
    quantum = Decimal(1).scaleb(-digits)
    rounded = number.quantize(quantum, rounding=ROUND_HALF_UP)
    if rounded == 0:
        rounded = abs(rounded)  # no "-0.00"
    return f"{rounded:,.{digits}f}"


@register.filter
def number(value: Any, digits: Any = 0) -> str:
    """12345.6 → "12,346"; number:1 → "12,345.6"; number:-2 → two decimals unless the value is
    whole (150 → "150", 150.5 → "150.50"), as floatformat:"-2"."""
    parsed = _decimal(value)
    if parsed is None:
        return MISSING
    try:
        wanted = int(digits)
    except (TypeError, ValueError):
        wanted = 0
    if wanted < 0:
        whole = parsed == parsed.to_integral_value()
        return _grouped(parsed, 0 if whole else _digits(-wanted, 0))
    return _grouped(parsed, _digits(wanted, 0))


@register.filter
def money(value: Any, digits: Any = 2) -> str:
    """An amount in 元: 12345.5 → "12,345.50 元"; money:0 → "12,346 元"."""
    parsed = _decimal(value)
    return MISSING if parsed is None else f"{_grouped(parsed, _digits(digits, 2))} 元"


@register.filter
def percent(value: Any, digits: Any = 1) -> str:
    """A ratio as a percentage: 0.1234 → "12.3%"; percent:0 → "12%"."""
    parsed = _decimal(value)
    return MISSING if parsed is None else f"{_grouped(parsed * 100, _digits(digits, 1))}%"


@register.filter
def cn_date(value: Any) -> str:
    """2026-12-05 → "2026年12月5日" (edugov.common.dates, shared with messages and exports)."""
    return dates.cn_date(value)


@register.filter
def cn_datetime(value: Any) -> str:
    """An aware datetime in local time → "2026年12月5日 14:05"; a date prints as cn_date."""
    return dates.cn_datetime(value)
