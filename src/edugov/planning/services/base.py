"""Writes of planning: shared checks (a town, a count, a month)."""

from __future__ import annotations

import datetime as dt

from edugov.common.errors import DomainError
from edugov.registry.models import Area, AreaLevel

from ..errors import PlanningError as E


def _town(area: Area | None) -> Area:
    if area is None:
        raise DomainError(E.BAD_FIELD, field="乡镇（街道）", reason="必须填写")
    if area.level != AreaLevel.TOWN:
        raise DomainError(E.NOT_A_TOWN, name=area.name)
    return area


def _count(value: int, label: str, *, allow_negative: bool = False, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise DomainError(E.BAD_FIELD, field=label, reason="应为整数")
    if not allow_negative and value < minimum:
        raise DomainError(E.BAD_FIELD, field=label, reason=f"不能小于{minimum}")
    return value


# Monthly progress, completion and the red and black list ----------------------------------------


def _month(value: dt.date) -> dt.date:
    return value.replace(day=1)
