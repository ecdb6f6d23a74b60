"""Reads of the rectification loop, always through the scoping point."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, TypedDict

from django.db.models import Case, Count, F, IntegerField, Max, Min, Q, QuerySet, Sum, Value, When, Window
from django.db.models.functions import RowNumber
from django.http import Http404
from django.utils import timezone

from edugov.accounts.models import User
from edugov.accounts.scope import scoped
from edugov.common.cache import cached_figure
from edugov.registry.models import Area, AreaLevel

from .models import (
    OPEN_STATUSES,
    SEVERITY_RANK,
    WORKING_STATUSES,
    ItemEvent,
    ItemStatus,
    Notification,
    RectificationItem,
    Severity,
)


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


# The battle map (挂图作战) ------------------------------------------------------------------------

COLUMN_ITEMS = 8  # items shown in each board column
UNIT_ITEMS = 5  # items listed in a unit's map tooltip


class MapItem(TypedDict):
    id: int
    title: str


class ColumnItem(MapItem):
    unit: str
    overdue: bool
    deadline: str  # ISO date
    severity: str


class BoardColumn(TypedDict):
    status: str
    label: str
    count: int
    overdue: int
    items: list[ColumnItem]


class MapUnit(TypedDict):
    name: str
    kind: str
    value: list[float]  # longitude, latitude, open items (the ECharts scatter point)
    overdue: int
    worst: str  # the most severe open item's severity
    items: list[MapItem]
    statuses: dict[str, int]  # status label → open items, in workflow order


class BattleMap(TypedDict):
    """The battle map as plain data (ECharts and the board's columns); a plain dict at run time, so
    it caches, goes into `json_script` and a JsonResponse as it is."""

    units: list[MapUnit]
    columns: list[BoardColumn]
    total: int
    overdue: int


def battle_map_district(*, actor: User) -> Area | None:
    """The district whose map the actor sees: their own, else the first district in their scope."""
    area = scoped(Area, actor).filter(level__lte=AreaLevel.DISTRICT).order_by("-level", "path").first()
    if area is None or area.level != AreaLevel.DISTRICT:
        return scoped(Area, actor).filter(level=AreaLevel.DISTRICT).order_by("path").first()
    return area


def battle_map(*, actor: User, filters: Mapping[str, Any]) -> BattleMap:
    """One point per unit with open items, and the board's columns, for the items in the actor's
    scope matching the item filter form's values.

    Cached per scope, filters and day under the data generation (common.cache): the map is the
    page leaders keep open on the wall, and it changes only when an item does."""
    return _battle_map(user=actor, filters=tuple(sorted(filters.items())), on=today())


@cached_figure("rectification.battle_map")
def _battle_map(*, user: User, filters: tuple[tuple[str, Any], ...], on: dt.date) -> BattleMap:
    # Counted in the database, grouped by unit and status: with 10,000 open items the page reads a
    # few hundred grouped rows and the first items of each column and unit, not every item.
    qs = (
        item_list_filtered(user=user, filters=dict(filters), open_only=True, on=on)
        .select_related(None)
        .order_by()
    )
    overdue = Case(
        When(status__in=WORKING_STATUSES, deadline__lt=on, then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    columns = _board_columns(qs, overdue)
    return {
        "units": _map_units(qs, overdue),
        "columns": list(columns.values()),
        "total": sum(c["count"] for c in columns.values()),
        "overdue": sum(c["overdue"] for c in columns.values()),
    }


def _board_columns(qs: QuerySet[RectificationItem], overdue: Case) -> dict[str, BoardColumn]:
    columns: dict[str, BoardColumn] = {
        s: {"status": s, "label": ItemStatus(s).label, "count": 0, "overdue": 0, "items": []}
        for s in OPEN_STATUSES
    }
    for row in qs.values("status").annotate(n=Count("id"), late=Sum(overdue)):
        columns[row["status"]]["count"] = row["n"]
        columns[row["status"]]["overdue"] = row["late"] or 0
    for status, col in columns.items():
        if not col["count"]:
            continue
        for pk, title, name, deadline, severity, late in (
            qs.filter(status=status)
            .annotate(late=overdue)
            .order_by("deadline", "pk")
            .values_list("pk", "title", "unit_name", "deadline", "severity", "late")[:COLUMN_ITEMS]
        ):
            col["items"].append(
                {
                    "id": pk,
                    "title": title,
                    "unit": name,
                    "overdue": bool(late),
                    "deadline": deadline.isoformat(),
                    "severity": severity,
                }
            )
    return columns


def _map_units(qs: QuerySet[RectificationItem], overdue: Case) -> list[MapUnit]:
    rank = Case(
        *(When(severity=s, then=Value(r)) for s, r in SEVERITY_RANK.items()),
        default=Value(0),
        output_field=IntegerField(),
    )
    located = qs.filter(longitude__isnull=False, latitude__isnull=False)
    units: dict[tuple[str, int | None, int | None], MapUnit] = {}
    worst_rank: dict[tuple[str, int | None, int | None], int] = {}
    grouped = (
        located.values("unit_kind", "school_id", "institution_id", "status")
        .annotate(
            name=Min("unit_name"),
            lon=Min("longitude"),
            lat=Min("latitude"),
            n=Count("id"),
            late=Sum(overdue),
            worst=Max(rank),
        )
        .order_by("unit_kind", "school_id", "institution_id")
    )
    for row in grouped:
        key = (row["unit_kind"], row["school_id"], row["institution_id"])
        u = units.setdefault(
            key,
            {
                "name": row["name"],
                "kind": row["unit_kind"],
                "value": [float(row["lon"]), float(row["lat"]), 0],
                "overdue": 0,
                "worst": Severity.LOW,
                "items": [],
                "statuses": {},
            },
        )
        u["value"][2] += row["n"]
        u["overdue"] += row["late"] or 0
        if row["worst"] > worst_rank.get(key, 0):
            worst_rank[key] = row["worst"]
            u["worst"] = next(s for s, r in SEVERITY_RANK.items() if r == row["worst"])
        u["statuses"][row["status"]] = row["n"]
    first = (
        located.values("unit_kind", "school_id", "institution_id", "pk", "title", "deadline")
        .annotate(
            nth=Window(
                RowNumber(),
                partition_by=[F("unit_kind"), F("school_id"), F("institution_id")],
                order_by=[F("deadline").asc(), F("pk").asc()],
            )
        )
        .filter(nth__lte=UNIT_ITEMS)
    )
    for kind, school_id, inst_id, pk, title in first.order_by("deadline", "pk").values_list(
        "unit_kind", "school_id", "institution_id", "pk", "title"
    ):
        units[(kind, school_id, inst_id)]["items"].append({"id": pk, "title": title})
    for u in units.values():
        u["statuses"] = {ItemStatus(s).label: u["statuses"][s] for s in OPEN_STATUSES if s in u["statuses"]}
    return list(units.values())
