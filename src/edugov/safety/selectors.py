"""Reads of school safety through the scope: grid coverage, open hazards by severity and town,
holiday reminder coverage by town, school and class for a day, the public's reports. Plain data
for pages, the API and the report."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet

from edugov.accounts.scope import scoped
from edugov.rectification import selectors as rectification

from . import rules
from .models import ClassReminder, GridCell, Hazard, HazardKind, HazardSeverity, ReportStatus, WaterReport

CLOSED = "closed"  # the rectification item's closed status (销号)


@dataclass
class Coverage:
    name: str
    classes: int = 0
    sent: int = 0
    confirmed: int = 0
    acknowledged: int = 0  # classes with at least one parent's acknowledgement
    acks: int = 0

    @property
    def share(self) -> float | None:
        return self.acknowledged / self.classes if self.classes else None

    @property
    def below_target(self) -> bool:
        return self.share is not None and self.share < rules.reminder_target()


@dataclass
class Overview:
    cells: int
    cells_without_person: int
    cells_by_town: list[dict[str, Any]]
    hazards_open: dict[str, int]  # severity label -> open hazards
    hazards_by_town: list[dict[str, Any]]
    day: dt.date
    towns: list[Coverage] = field(default_factory=list)
    schools: list[Coverage] = field(default_factory=list)
    missing: list[dict[str, Any]] = field(default_factory=list)  # classes without an acknowledgement
    reports_new: int = 0


def cells(*, actor: Any) -> QuerySet[GridCell]:
    return (
        scoped(GridCell, actor)
        .select_related("area", "school")
        .order_by("area__path", "school__name", "name")
    )


def hazard_rows(*, actor: Any) -> list[dict[str, Any]]:
    """Every hazard in scope with its rectification item's status (open unless the item is closed)."""
    rows: list[dict[str, Any]] = [
        dict(r)
        for r in scoped(Hazard, actor)
        .order_by("-inspection__inspected_on", "pk")
        .values(
            "pk",
            "description",
            "severity",
            "deadline",
            "item_id",
            "inspection__inspected_on",
            "inspection__kind",
            "inspection__school__name",
            "inspection__school__area__name",
        )
    ]
    ids = [r["item_id"] for r in rows if r["item_id"]]
    status = (
        dict(rectification.item_list(user=actor).filter(pk__in=ids).values_list("pk", "status"))
        if ids
        else {}
    )
    for r in rows:
        r["status"] = status.get(r["item_id"], "")
        r["open"] = r["status"] != CLOSED
        r["severity_label"] = HazardSeverity(r["severity"]).label
        r["kind_label"] = HazardKind(r["inspection__kind"]).label
    return rows


def coverage(*, actor: Any, day: dt.date) -> tuple[list[Coverage], list[Coverage], list[dict[str, Any]]]:
    """The day's reminders by town and by school, and the classes no parent acknowledged yet."""
    rows = (
        scoped(ClassReminder, actor)
        .filter(day__date=day)
        .values(
            "pk",
            "sent_at",
            "confirmed_at",
            "acks",
            "school_class__name",
            "school_class__grade",
            "school_class__number",
            "school_class__school__name",
            "school_class__school__area__name",
        )
        .order_by(
            "school_class__school__area__path",
            "school_class__school__name",
            "school_class__grade",
            "school_class__number",
        )
    )
    towns: dict[str, Coverage] = {}
    schools: dict[str, Coverage] = {}
    missing = []
    for r in rows:
        town = r["school_class__school__area__name"]
        school = r["school_class__school__name"]
        for c in (towns.setdefault(town, Coverage(town)), schools.setdefault(school, Coverage(school))):
            c.classes += 1
            c.sent += r["sent_at"] is not None
            c.confirmed += r["confirmed_at"] is not None
            c.acknowledged += r["acks"] > 0
            c.acks += r["acks"]
        if not r["acks"]:
            missing.append(
                {
                    "town": town,
                    "school": school,
                    "class": r["school_class__name"]
                    or f"{r['school_class__grade']}年级{r['school_class__number']}班",
                    "sent": r["sent_at"] is not None,
                }
            )
    return list(towns.values()), list(schools.values()), missing


def overview(*, actor: Any, today: dt.date) -> Overview:
    cell_qs = scoped(GridCell, actor)
    by_town: list[dict[str, Any]] = [
        dict(r)
        for r in cell_qs.values("area__name")
        .annotate(total=Count("pk"), without=Count("pk", filter=Q(person_name="")))
        .order_by("area__name")
    ]
    hazards = [h for h in hazard_rows(actor=actor) if h["open"]]
    open_by_severity = {s.label: 0 for s in HazardSeverity}
    town_rows: dict[str, dict[str, Any]] = defaultdict(lambda: {s.value: 0 for s in HazardSeverity})
    for h in hazards:
        open_by_severity[h["severity_label"]] += 1
        town_rows[h["inspection__school__area__name"]][h["severity"]] += 1
    towns, schools, missing = coverage(actor=actor, day=today)
    return Overview(
        cells=sum(t["total"] for t in by_town),
        cells_without_person=sum(t["without"] for t in by_town),
        cells_by_town=by_town,
        hazards_open=open_by_severity,
        hazards_by_town=[{"town": t, **v} for t, v in sorted(town_rows.items())],
        day=today,
        towns=towns,
        schools=schools,
        missing=missing,
        reports_new=scoped(WaterReport, actor).filter(status=ReportStatus.NEW).count(),
    )


def reports(*, actor: Any) -> QuerySet[WaterReport]:
    return scoped(WaterReport, actor).select_related("area").order_by("-created_at")


def school_reminders(*, actor: Any, today: dt.date) -> QuerySet[ClassReminder]:
    return (
        scoped(ClassReminder, actor)
        .filter(day__date=today)
        .select_related("school_class", "day")
        .order_by("school_class__grade", "school_class__number")
    )
