"""Dates the Chinese way, for every layer: pages (the `cn_date` template filter), messages and
refusals (DomainError shows its date parameters so), and printed export cells. A missing or
unreadable value prints "—", never an error. Date inputs and API values stay ISO."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

MISSING = "—"


def as_date(value: Any) -> dt.date | None:
    """A date from a date, a datetime (aware ones in local time) or an ISO string; else None."""
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


def cn_date(value: Any) -> str:
    """2026-12-05 → "2026年12月5日"."""
    day = as_date(value)
    return MISSING if day is None else f"{day.year}年{day.month}月{day.day}日"


def cn_datetime(value: Any) -> str:
    """An aware datetime in local time → "2026年12月5日 14:05"; a date prints as cn_date."""
    if not isinstance(value, dt.datetime):
        return cn_date(value)
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return f"{value.year}年{value.month}月{value.day}日 {value:%H:%M}"


def cn_month(value: Any) -> str:
    """2026-12-05 → "2026年12月"."""
    day = as_date(value)
    return MISSING if day is None else f"{day.year}年{day.month}月"


def cn_period(start: Any, end: Any) -> str:
    """Two dates → "2026年9月1日至2027年1月20日"."""
    return f"{cn_date(start)}至{cn_date(end)}"
