"""Reads of planning: school and village points, layout proposals, merges, zones, closures and the map."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Count, F, QuerySet, Sum

from edugov.accounts.models import User
from edugov.accounts.scope import scoped
from edugov.common.errors import DomainError
from edugov.registry.models import School, SchoolClass

from ..distance import ring
from ..errors import PlanningError as E
from ..layout import SchoolPoint, VillagePoint, candidates, merge_whatif, radius
from ..models import (
    Closure,
    Project,
    Village,
    Zone,
)
from .demand import STAGE_LABELS, norms, school_places

# Zones, villages, layout proposals, the merge what-if and the map ----------------------------------


def layout_points(*, actor: User) -> tuple[list[SchoolPoint], list[VillagePoint]]:
    """Schools with coordinates, once per stage they teach in the current school year (pupils and
    classes by grade, places = classrooms × standard class size), and the recorded villages."""
    n = norms()
    rows = (
        scoped(SchoolClass, actor)
        .filter(
            archived_at__isnull=True,
            school_year__is_current=True,
            grade__gte=1,
            grade__lte=9,
            school__archived_at__isnull=True,
            school__longitude__isnull=False,
            school__latitude__isnull=False,
        )
        .values("school_id", "grade")
        .annotate(pupils=Sum(F("boys") + F("girls")), classes=Count("id"))
        .order_by()
    )
    grades: dict[tuple[int, str], dict[int, int]] = defaultdict(dict)
    classes: dict[tuple[int, str], dict[int, int]] = defaultdict(dict)
    for r in rows:
        stage = "primary" if r["grade"] <= 6 else "junior"
        grades[(r["school_id"], stage)][r["grade"]] = int(r["pupils"] or 0)
        classes[(r["school_id"], stage)][r["grade"]] = int(r["classes"])
    info = {s.pk: s for s in School.objects.filter(pk__in={k[0] for k in grades}).select_related("area")}
    places = school_places(actor=actor, norms=n)
    schools = [
        SchoolPoint(
            school_id=sid,
            name=info[sid].name,
            town=info[sid].area.name,
            stage=stage,
            lon=float(info[sid].longitude or 0),
            lat=float(info[sid].latitude or 0),
            rural=str(info[sid].urban_rural_code).startswith("2"),
            teaching_point=info[sid].is_teaching_point,
            pupils=sum(g.values()),
            grades=g,
            classes=classes[(sid, stage)],
            places=int(places.get((sid, stage), 0)),
            public=info[sid].ownership != "private",
            special=info[sid].school_type == "special",
        )
        for (sid, stage), g in sorted(grades.items())
    ]
    villages = [
        VillagePoint(
            village_id=v.pk,
            name=v.name,
            town=v.area.name,
            lon=float(v.longitude),
            lat=float(v.latitude),
            rural=v.rural,
            children={"primary": v.children_primary, "junior": v.children_junior},
        )
        for v in scoped(Village, actor).select_related("area").order_by("area__code", "name")
    ]
    return schools, villages


def layout_rules() -> dict[str, Any]:
    from ..rules import load

    return dict(load()["layout"])


def layout_proposals(*, actor: User) -> list[dict[str, Any]]:
    n = norms()
    schools, villages = layout_points(actor=actor)
    return candidates(
        schools, villages, layout_rules(), small_school=n.small_school, small_point=n.small_point
    )


def merge_preview(*, actor: User, closing_id: int, target_id: int) -> dict[str, Any]:
    """The what-if of merging one school into another (same stage, both in the actor's scope)."""
    n = norms()
    schools, villages = layout_points(actor=actor)
    for stage in ("primary", "junior"):
        closing = next((s for s in schools if s.school_id == closing_id and s.stage == stage), None)
        target = next((s for s in schools if s.school_id == target_id and s.stage == stage), None)
        if closing is not None and target is not None:
            if not (closing.ordinary and target.ordinary):
                raise DomainError(E.MERGE_ORDINARY)
            return merge_whatif(
                closing,
                target,
                schools,
                villages,
                layout_rules(),
                class_size=n.class_size[stage],
                oversized_min=n.oversized_min,
            ) | {"stage": stage, "stage_label": STAGE_LABELS[stage]}
    raise DomainError(E.MERGE_STAGE)


def zones(*, actor: User) -> QuerySet[Zone]:
    return scoped(Zone, actor).select_related("area").prefetch_related("schools")


def closures(*, actor: User) -> QuerySet[Closure]:
    return scoped(Closure, actor).select_related("school", "target").prefetch_related("steps")


def map_data(*, actor: User) -> dict[str, Any]:
    """The layout map's series on plain longitude/latitude axes (no tiles, no boundary downloads):
    schools sized by pupils and coloured by their places gap, villages, projects, radius rings."""
    rules = layout_rules()
    schools, villages = layout_points(actor=actor)
    by_school: dict[int, dict[str, Any]] = {}
    for s in schools:
        entry = by_school.setdefault(
            s.school_id,
            {"name": s.name, "lon": s.lon, "lat": s.lat, "pupils": 0, "places": 0, "point": s.teaching_point},
        )
        entry["pupils"] += s.pupils
        entry["places"] += s.places
    out_schools = [
        {
            "name": e["name"],
            "value": [round(e["lon"], 6), round(e["lat"], 6), e["pupils"]],
            "gap": (e["places"] - e["pupils"]) if e["places"] else None,
            "point": e["point"],
        }
        for e in by_school.values()
    ]
    rings = [
        {
            "name": f"{s.name}（{STAGE_LABELS[s.stage]}{radius(rules, s.stage, s.rural):g}公里）",
            "coords": ring(s.lon, s.lat, radius(rules, s.stage, s.rural)),
        }
        for s in schools
        if not s.teaching_point
    ]
    located = {s.school_id: (s.lon, s.lat) for s in schools}
    projects = [
        {
            "name": p.name,
            "value": [round(located[p.school_id][0], 6), round(located[p.school_id][1], 6), p.places_added],
            "status": p.get_status_display(),
        }
        for p in scoped(Project, actor)
        if p.school_id in located
    ]
    return {
        "schools": out_schools,
        "villages": [
            {"name": v.name, "value": [v.lon, v.lat, v.children["primary"] + v.children["junior"]]}
            for v in villages
        ],
        "projects": projects,
        "rings": rings,
    }
