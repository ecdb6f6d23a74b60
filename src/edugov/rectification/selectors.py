"""Reads of the rectification loop, always through the scoping point."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from edugov.accounts.scope import scoped

from .models import OPEN_STATUSES, WORKING_STATUSES, ItemEvent, Notification, RectificationItem


def today() -> dt.date:
    return timezone.localdate()


def item_list(
    *,
    user: Any,
    source: str = "",
    department: str = "",
    status: str = "",
    severity: str = "",
    unit_kind: str = "",
    overdue: bool = False,
    open_only: bool = False,
    area: Any = None,
    q: str = "",
    on: dt.date | None = None,
) -> QuerySet[RectificationItem]:
    qs = scoped(RectificationItem, user).select_related("area", "school")
    if source:
        qs = qs.filter(source=source)
    if department:
        qs = qs.filter(department=department)
    if status:
        qs = qs.filter(status=status)
    if severity:
        qs = qs.filter(severity=severity)
    if unit_kind:
        qs = qs.filter(unit_kind=unit_kind)
    if overdue:
        qs = qs.filter(status__in=WORKING_STATUSES, deadline__lt=on or today())
    if open_only:
        qs = qs.filter(status__in=OPEN_STATUSES)
    if area is not None:
        qs = qs.filter(area__path__startswith=area.path)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(unit_name__icontains=q))
    return qs


CHOICE_FILTERS = ("source", "department", "status", "severity", "unit_kind")


def item_list_filtered(
    *, user: Any, filters: Mapping[str, Any], **kwargs: Any
) -> QuerySet[RectificationItem]:
    """item_list narrowed by the values of the item filter form (the board's and the map's)."""
    return item_list(
        user=user,
        q=str(filters.get("q") or "").strip(),
        overdue=bool(filters.get("overdue")),
        **{name: filters.get(name, "") for name in CHOICE_FILTERS},
        **kwargs,
    )


def item_get(*, user: Any, pk: int) -> RectificationItem:
    item = item_list(user=user).filter(pk=pk).first()
    if item is None:
        raise Http404("整改事项不存在或不在您的数据范围内")
    return item


def item_timeline(*, user: Any, item: RectificationItem) -> list[ItemEvent]:
    return list(
        scoped(ItemEvent, user).filter(item=item).select_related("actor").prefetch_related("attachments")
    )


def status_counts(*, user: Any) -> dict[str, int]:
    rows = scoped(RectificationItem, user).values("status").annotate(n=Count("id")).order_by()
    return {r["status"]: r["n"] for r in rows}


def notification_list(*, user: Any, unread_only: bool = False) -> QuerySet[Notification]:
    qs = scoped(Notification, user).filter(user=user).select_related("item")
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs


def unread_count(*, user: Any) -> int:
    return notification_list(user=user, unread_only=True).count()
