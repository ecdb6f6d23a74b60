"""Reads of school safety through the scope: grid coverage, open hazards by severity and town,
holiday reminder coverage by town, school and class for a day, the public's reports. Plain data
for pages, the API and the report."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Max, Q, QuerySet, Sum
from django.urls import reverse

from edugov.accounts.policy import ensure_can
from edugov.accounts.scope import scoped
from edugov.rectification import selectors as rectification
from edugov.registry.models import School, Term

from . import rules
from .models import (
    ClassReminder,
    DangerousWater,
    Drill,
    DrillKind,
    GridCell,
    Hazard,
    HazardKind,
    HazardSeverity,
    Incident,
    IncidentKind,
    IncidentOutcome,
    LessonKind,
    Patrol,
    ReportStatus,
    SafetyLesson,
    WaterKind,
    WaterReport,
    WaterReportPayment,
)
from .permissions import action

CLOSED = "closed"  # the rectification item's closed status (销号)


@dataclass
class Coverage:
    name: str
    school_id: int | None = None  # the school's, for a school's row
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
    total: Coverage | None = None
    missing: int = 0  # classes no parent acknowledged yet
    ages: list[dict[str, Any]] = field(default_factory=list)  # open hazards by severity and age
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


_FIGURES = {
    "n_classes": Count("pk"),
    "n_sent": Count("pk", filter=Q(sent_at__isnull=False)),
    "n_confirmed": Count("pk", filter=Q(confirmed_at__isnull=False)),
    "n_acknowledged": Count("pk", filter=Q(acks__gt=0)),
    "n_acks": Sum("acks"),
}


def _coverage_rows(qs: QuerySet[ClassReminder], name: str, school: str | None, order: str) -> list[Coverage]:
    keys = [name, order] + ([school] if school else [])
    return [
        Coverage(
            r[name],
            r[school] if school else None,
            r["n_classes"],
            r["n_sent"],
            r["n_confirmed"],
            r["n_acknowledged"],
            r["n_acks"] or 0,
        )
        for r in qs.values(*keys).annotate(**_FIGURES).order_by(order, name)
    ]


@dataclass
class CoverageDay:
    """A day's reminder coverage: by town and by school (each one grouped query), and in total."""

    day: dt.date
    towns: list[Coverage]
    schools: list[Coverage]

    @property
    def total(self) -> Coverage:
        t = Coverage("合计")
        for c in self.towns:
            t.classes += c.classes
            t.sent += c.sent
            t.confirmed += c.confirmed
            t.acknowledged += c.acknowledged
            t.acks += c.acks
        return t

    @property
    def missing(self) -> int:
        """Classes no parent has acknowledged yet."""
        total = self.total
        return total.classes - total.acknowledged


def _towns_of(rows: list[dict[str, Any]], name: str, path: str) -> list[Coverage]:
    """The towns' rows summed from their schools' (every figure is a count over classes, so a
    town's is the sum of its schools'), in the order of the schools' rows (the town's path)."""
    towns: dict[tuple[str, str], Coverage] = {}
    for r in rows:
        t = towns.get((r[path], r[name]))
        if t is None:
            t = towns[(r[path], r[name])] = Coverage(r[name])
        t.classes += r["n_classes"]
        t.sent += r["n_sent"]
        t.confirmed += r["n_confirmed"]
        t.acknowledged += r["n_acknowledged"]
        t.acks += r["n_acks"] or 0
    return list(towns.values())


def coverage(*, actor: Any, day: dt.date, schools: bool = True) -> CoverageDay:
    """The day's reminders by town and by school, counted in the database in one grouped query
    (by school; a town's figures are its schools' summed), nothing read per class: the page is
    watched while tens of thousands of parents acknowledge. `schools=False` reads the towns alone
    (grouped by town)."""
    qs = scoped(ClassReminder, actor).filter(day__date=day)
    area = "school_class__school__area"
    if not schools:
        return CoverageDay(day, _coverage_rows(qs, f"{area}__name", None, f"{area}__path"), [])
    name, path, school, school_id = (
        f"{area}__name",
        f"{area}__path",
        "school_class__school__name",
        "school_class__school_id",
    )
    rows = list(
        qs.values(path, name, school, school_id).annotate(**_FIGURES).order_by(path, school, school_id)
    )
    return CoverageDay(
        day,
        _towns_of(rows, name, path),
        [
            Coverage(
                r[school],
                r[school_id],
                r["n_classes"],
                r["n_sent"],
                r["n_confirmed"],
                r["n_acknowledged"],
                r["n_acks"] or 0,
            )
            for r in rows
        ],
    )


def overview(*, actor: Any, today: dt.date) -> Overview:
    cell_qs = scoped(GridCell, actor)
    by_town: list[dict[str, Any]] = [
        dict(r)
        for r in cell_qs.values("area__name")
        .annotate(total=Count("pk"), without=Count("pk", filter=Q(person_name="")))
        .order_by("area__name")
    ]
    rows = hazard_rows(actor=actor)
    hazards = [h for h in rows if h["open"]]
    open_by_severity = {s.label: 0 for s in HazardSeverity}
    town_rows: dict[str, dict[str, Any]] = defaultdict(lambda: {s.value: 0 for s in HazardSeverity})
    for h in hazards:
        open_by_severity[h["severity_label"]] += 1
        town_rows[h["inspection__school__area__name"]][h["severity"]] += 1
    day = coverage(actor=actor, day=today, schools=False)
    return Overview(
        cells=sum(t["total"] for t in by_town),
        cells_without_person=sum(t["without"] for t in by_town),
        cells_by_town=by_town,
        hazards_open=open_by_severity,
        hazards_by_town=[{"town": t, **v} for t, v in sorted(town_rows.items())],
        day=today,
        towns=day.towns,
        total=day.total,
        missing=day.missing,
        ages=hazards_by_age(actor=actor, on=today, hazards=rows),
        reports_new=scoped(WaterReport, actor).filter(status=ReportStatus.NEW).count(),
    )


def reports(*, actor: Any) -> QuerySet[WaterReport]:
    return scoped(WaterReport, actor).select_related("area").order_by("-created_at")


def reminder_by_token(token: str) -> ClassReminder | None:
    """The reminder of a parent's link, with what its page shows. No scope: the link is public and
    its unguessable token is the only key (unique, so one row at most and no ordering)."""
    if not token:
        return None
    rows = ClassReminder.objects.filter(token=token[:32]).select_related("day", "school_class__school")[:1]
    return next(iter(rows), None)


def school_reminders(*, actor: Any, today: dt.date) -> QuerySet[ClassReminder]:
    return (
        scoped(ClassReminder, actor)
        .filter(day__date=today)
        .select_related("school_class", "day")
        .order_by("school_class__grade", "school_class__number")
    )


# -- drills and lessons ----------------------------------------------------------------------------


def current_term(on: dt.date) -> Term | None:
    return Term.objects.filter(start_date__lte=on).order_by("-start_date").first()


@dataclass
class DrillStatus:
    school_id: int
    school: str
    town: str
    done: dict[str, int]  # kind -> drills held this term up to the day
    due: dict[str, int]  # kind -> drills due by the day (rules.drills_due)

    @property
    def overdue(self) -> list[str]:
        """The labels of the kinds behind (held fewer than due)."""
        return [DrillKind(k).label for k, n in self.due.items() if self.done.get(k, 0) < n]


def drill_status(*, actor: Any, on: dt.date) -> list[DrillStatus]:
    """Every school in scope against the term's required drills by kind, as of `on`."""
    term = current_term(on)
    if term is None:
        return []
    required = rules.drills_per_term()
    end = min(on, term.end_date)
    held: dict[int, dict[str, int]] = defaultdict(dict)
    for r in (
        scoped(Drill, actor)
        .filter(term=term, held_on__lte=on)
        .values("school_id", "kind")
        .annotate(n=Count("pk"))
    ):
        held[r["school_id"]][r["kind"]] = r["n"]
    due = {
        k: rules.drills_due(k, term_start=term.start_date, term_end=term.end_date, on=end) for k in required
    }
    return [
        DrillStatus(s["pk"], s["name"], s["area__name"], held.get(s["pk"], {}), due)
        for s in scoped(School, actor)
        .filter(archived_at__isnull=True)
        .order_by("area__path", "name")
        .values("pk", "name", "area__name")
    ]


def drills_overdue(*, actor: Any, on: dt.date) -> list[DrillStatus]:
    return [s for s in drill_status(actor=actor, on=on) if s.overdue]


def school_drills(*, actor: Any, school_id: int) -> QuerySet[Drill]:
    return scoped(Drill, actor).filter(school_id=school_id).order_by("-held_on", "-pk")


@dataclass
class LessonStatus:
    lessons: int
    topics: list[str]
    first: bool  # the start-of-term first lesson recorded
    last: bool  # the pre-holiday last lesson recorded


def lesson_status(*, actor: Any, school_id: int, on: dt.date) -> LessonStatus | None:
    term = current_term(on)
    if term is None:
        return None
    rows = list(scoped(SafetyLesson, actor).filter(school_id=school_id, term=term).values("kind", "topic"))
    return LessonStatus(
        lessons=len(rows),
        topics=sorted({r["topic"] for r in rows}),
        first=any(r["kind"] == LessonKind.FIRST for r in rows),
        last=any(r["kind"] == LessonKind.LAST for r in rows),
    )


def school_lessons(*, actor: Any, school_id: int) -> QuerySet[SafetyLesson]:
    return scoped(SafetyLesson, actor).filter(school_id=school_id).order_by("-held_on", "-pk")


# -- waters, patrols, incidents --------------------------------------------------------------------


def waters(*, actor: Any, on: dt.date) -> list[dict[str, Any]]:
    """Each water in scope with its patrols: how many, the last one, and whether the duty is
    overdue (no patrol within the data's interval up to `on`)."""
    every = rules.patrol_every_days()
    rows: list[dict[str, Any]] = [
        dict(r)
        for r in scoped(DangerousWater, actor)
        .annotate(
            patrols_n=Count("patrols", filter=Q(patrols__patrolled_on__lte=on)),
            last_patrol=Max("patrols__patrolled_on", filter=Q(patrols__patrolled_on__lte=on)),
            issues=Count("patrols", filter=Q(patrols__issue_found=True, patrols__patrolled_on__lte=on)),
        )
        .order_by("area__path", "name")
        .values(
            "pk",
            "name",
            "kind",
            "location",
            "warning_signs",
            "patrol_duty",
            "area__name",
            "school__name",
            "patrols_n",
            "last_patrol",
            "issues",
            "longitude",
            "latitude",
            "school__longitude",
            "school__latitude",
        )
    ]
    for r in rows:
        r["kind_label"] = WaterKind(r["kind"]).label
        r["overdue"] = r["last_patrol"] is None or (on - r["last_patrol"]).days > every
    return rows


def water_map(*, waters: list[dict[str, Any]]) -> dict[str, Any]:
    """The waters on plain longitude/latitude axes (no tiles), as ECharts series data: each water
    with its patrol status (patrolled, lapsed, no warning signs) and the schools they lie near. A
    water without its own coordinates is placed at its school's (`approx`); one with neither is
    left off the map and stays in the list."""
    points: list[dict[str, Any]] = []
    schools: dict[str, list[float]] = {}
    for w in waters:
        own = w["longitude"] is not None and w["latitude"] is not None
        lon, lat = (w["longitude"], w["latitude"]) if own else (w["school__longitude"], w["school__latitude"])
        if lon is None or lat is None:
            continue
        status = "overdue" if w["overdue"] else ("no_signs" if not w["warning_signs"] else "ok")
        points.append(
            {
                "name": w["name"],
                "value": [round(float(lon), 6), round(float(lat), 6)],
                "status": status,
                "approx": not own,
                "kind": w["kind_label"],
                "town": w["area__name"],
                "last": w["last_patrol"].isoformat() if w["last_patrol"] else "",
                "url": reverse("safety:water_detail", args=[w["pk"]]),
            }
        )
        if w["school__name"] and w["school__longitude"] is not None and w["school__latitude"] is not None:
            schools[w["school__name"]] = [
                round(float(w["school__longitude"]), 6),
                round(float(w["school__latitude"]), 6),
            ]
    return {
        "waters": points,
        "schools": [{"name": n, "value": v} for n, v in sorted(schools.items())],
        "placed": len(points),
        "unplaced": len(waters) - len(points),
        "labels": {"ok": "按期巡查", "overdue": "超期未巡查", "no_signs": "未设警示标志"},
    }


def water_patrols(*, actor: Any, water_id: int) -> QuerySet[Patrol]:
    return scoped(Patrol, actor).filter(water_id=water_id).order_by("-patrolled_on", "-pk")


def incident_counts(*, actor: Any, year: int) -> list[dict[str, Any]]:
    """Incidents of a year as counts only (kind × outcome: incidents and pupils): what everyone
    outside the safety office sees; no date, school or circumstances."""
    rows = (
        scoped(Incident, actor)
        .filter(occurred_on__year=year)
        .values("kind", "outcome")
        .annotate(n=Count("pk"), pupils=Sum("pupils"))
        .order_by("kind", "outcome")
    )
    return [
        {
            "kind": IncidentKind(r["kind"]).label,
            "outcome": IncidentOutcome(r["outcome"]).label,
            "n": r["n"],
            "pupils": r["pupils"] or 0,
        }
        for r in rows
    ]


def incidents(*, actor: Any) -> QuerySet[Incident]:
    """The records themselves: the safety office only (refused for anyone else)."""
    ensure_can(actor, action("incident_view"))
    return scoped(Incident, actor).select_related("area", "school").order_by("-occurred_on", "-pk")


def rewards(*, actor: Any) -> dict[str, Any]:
    """Confirmed reports, rewards decided and paid (count and amount)."""
    qs = scoped(WaterReport, actor).filter(status=ReportStatus.CONFIRMED)
    agg = qs.aggregate(n=Count("pk"), decided=Sum("reward"))
    paid = scoped(WaterReportPayment, actor).aggregate(n=Count("pk"), amount=Sum("amount"))
    return {
        "confirmed": agg["n"],
        "decided": agg["decided"] or 0,
        "paid": paid["n"],
        "paid_amount": paid["amount"] or 0,
    }


# -- the cockpit -----------------------------------------------------------------------------------

AGE_BUCKETS = ((7, "7天内"), (30, "8-30天"), (None, "30天以上"))


def hazards_by_age(
    *, actor: Any, on: dt.date, hazards: list[dict[str, Any]] | None = None
) -> list[dict[str, Any]]:
    """Open hazards by severity and by age since found (7 days, 8-30, over 30), and how many are
    past their deadline (`hazards`: hazard_rows already read for the same actor)."""
    rows: dict[str, dict[str, Any]] = {
        s.value: {"severity": s.label, "ages": [0, 0, 0], "overdue": 0} for s in HazardSeverity
    }
    for h in hazards if hazards is not None else hazard_rows(actor=actor):
        if not h["open"]:
            continue
        age = (on - h["inspection__inspected_on"]).days
        bucket = 0 if age <= 7 else (1 if age <= 30 else 2)
        rows[h["severity"]]["ages"][bucket] += 1
        rows[h["severity"]]["overdue"] += h["deadline"] < on
    return list(rows.values())
