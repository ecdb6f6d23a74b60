"""Reads of planning: places against demand by town and year with charts, and the layout list."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from edugov.accounts.models import User
from edugov.common.errors import DomainError

from ..errors import PlanningError as E
from ..forecast import (
    METHOD,
    STAGE_GRADES,
    Forecast,
    backtest,
    forecast,
)
from .demand import MAX_HORIZON, STAGE_LABELS, Inputs, Norms, inputs, norms, project_places, school_places

# Overview ----------------------------------------------------------------------------------------


@dataclass
class GapRow:
    town_id: int
    town: str
    stage: str
    stage_label: str
    cells: list[dict[str, Any]]  # per year: demand, places, gap, oversized classes, over-capacity schools
    first_short: int | None
    mape: float | None

    @property
    def short_label(self) -> str:
        return f"自{self.first_short}学年缺学位" if self.first_short else ""


@dataclass
class Overview:
    base_year: int | None
    years: list[int]
    rows: list[GapRow] = field(default_factory=list)
    charts: dict[str, Any] = field(default_factory=dict)
    backtest: list[dict[str, Any]] = field(default_factory=list)
    explain: list[dict[str, Any]] = field(default_factory=list)
    inputs_summary: dict[str, Any] = field(default_factory=dict)
    citations: list[str] = field(default_factory=list)
    method: str = METHOD
    whatif: dict[str, Any] | None = None


def planning_overview(
    *,
    actor: User,
    horizon: int = 5,
    migration: float | None = None,
    extra_project: Mapping[str, Any] | None = None,
    zone_shift: Mapping[str, Any] | None = None,
    data: Inputs | None = None,
) -> Overview:
    """Demand (forecast) against places by town, stage and year, with the back-test beside it. A
    what-if: a migration rate for every town, a project that is not (yet) registered, and a zone
    change (`zone_shift`: from_town, to_town, stage, pupils, year: that many pupils of the stage
    moved from one town's zone to another's from that school year on)."""
    n = norms()
    data = data or inputs(actor=actor)
    years = data.years
    if not years:
        return Overview(None, [], citations=n.citations())
    base = years[-1]
    horizon = max(1, min(MAX_HORIZON, horizon))
    override = dict.fromkeys(data.towns, migration) if migration is not None else None
    fc = forecast(
        data.histories, data.towns, base_year=base, horizon=horizon, yield_per_100=n.yield_per_100,
        migration_override=override,
    )  # fmt: skip
    shift = _shift_zone(fc, data, zone_shift) if zone_shift else None
    cells = backtest(data.histories, data.towns, yield_per_100=n.yield_per_100)
    mape = {(c.stage, c.town_id): c.mape for c in cells}
    places = school_places(actor=actor, norms=n)
    projects = project_places(actor=actor, extra=extra_project)
    rows = _gap_rows(data, fc, places, projects, n, mape)
    overview = Overview(base, fc.years, rows)
    overview.charts = {f"town_{r.town_id}_{r.stage}": _chart(r) for r in rows}
    overview.backtest = [
        {
            "stage": STAGE_LABELS[c.stage],
            "town": data.town_names.get(c.town_id, "") if c.town_id else "全区",
            "n": c.n,
            "mape": round(c.mape, 1),
        }
        for c in cells
    ]
    overview.explain = [
        {
            "school": data.schools[s]["name"],
            "town": data.town_names.get(data.schools[s]["area_id"], ""),
            "entry_grade": e.entry_grade,
            "entry_ratio": round(e.entry_ratio, 3),
            "ratios": {g: round(r, 3) for g, r in e.ratios.items()},
            "migration": round(e.migration * 100, 2),
        }
        for s, e in sorted(fc.explain.items(), key=lambda kv: data.schools[kv[0]]["code"])
    ]
    overview.inputs_summary = {
        "recorded_years": years,
        "births": {data.town_names.get(t, ""): dict(sorted(v.items())) for t, v in fc.births_used.items()},
        "housing": {
            data.town_names.get(t, ""): [list(h) for h in town.housing]
            for t, town in data.towns.items()
            if town.housing
        },
        "yield_per_100": n.yield_per_100,
        "class_size": n.class_size,
    }
    overview.citations = n.citations()
    if extra_project or migration is not None or shift:
        overview.whatif = {"project": dict(extra_project or {}), "migration": migration, "zone": shift}
    return overview


def _shift_zone(fc: Forecast, data: Inputs, shift: Mapping[str, Any]) -> dict[str, Any]:
    """Move `pupils` of a stage from one town's demand to another's from `year` on (a zone change).
    Refused: the same town, a town outside the forecast, a receiving town with no school of the
    stage (a zone covering no school), more pupils than the town is forecast to have."""
    stage, pupils, year = str(shift["stage"]), int(shift["pupils"]), int(shift["year"])
    source, target = (int(shift["from_town"]), stage), (int(shift["to_town"]), stage)
    label = STAGE_LABELS.get(stage, "")
    if source[0] == target[0]:
        raise DomainError(E.BAD_FIELD, field="调整施教区", reason="划出和划入的乡镇（街道）不能相同")
    if source not in fc.towns:
        raise DomainError(E.BAD_FIELD, field="划出乡镇", reason=f"该乡镇（街道）没有{label}在校生预测")
    has_school = any(
        data.schools[s]["area_id"] == target[0]
        and any(g in STAGE_GRADES[stage] for g in row.get(fc.years[0], {}))
        for s, row in fc.schools.items()
    )
    if not has_school:
        raise DomainError(
            E.BAD_FIELD, field="划入乡镇", reason=f"该乡镇（街道）没有{label}学校，施教区无学校可划入"
        )
    moved = [y for y in fc.years if y >= year]
    most = min((fc.towns[source][y] for y in moved), default=0.0)
    if pupils > most:
        raise DomainError(
            E.BAD_FIELD, field="划转人数", reason=f"不能多于划出乡镇预测在校生（{round(most)}人）"
        )
    for y in moved:
        fc.towns[source][y] -= pupils
        fc.towns[target][y] += pupils
    return {
        "from": data.town_names.get(source[0], ""),
        "to": data.town_names.get(target[0], ""),
        "stage_label": label,
        "pupils": pupils,
        "year": year,
    }


def _gap_rows(
    data: Inputs,
    fc: Forecast,
    places: Mapping[tuple[int, str], float],
    projects: list[tuple[int, str, int, int]],
    n: Norms,
    mape: Mapping[tuple[str, int | None], float],
) -> list[GapRow]:
    town_of = {s: info["area_id"] for s, info in data.schools.items()}
    supply: dict[tuple[int, str], float] = defaultdict(float)
    school_supply: dict[tuple[int, str], float] = dict(places)
    for (school, stage), p in places.items():
        supply[(town_of.get(school, 0), stage)] += p
    rows = []
    for (town, stage), demand in sorted(
        fc.towns.items(), key=lambda kv: (data.town_names.get(kv[0][0], ""), kv[0][1])
    ):
        cells = []
        first_short = None
        for y in fc.years:
            added = sum(p for s, st, p, j in projects if st == stage and town_of.get(s) == town and j <= y)
            total = supply.get((town, stage), 0.0) + added
            oversized = over_capacity = 0
            for s, projected in fc.schools.items():
                if town_of.get(s) != town:
                    continue
                for g in STAGE_GRADES[stage]:
                    pupils = projected.get(y, {}).get(g)
                    classes = data.classes.get((s, fc.base_year, g), 0)
                    if pupils is not None and classes and pupils / classes >= n.oversized_min:
                        oversized += classes
                cap = school_supply.get((s, stage))
                if cap is not None:
                    cap += sum(p for ps, st, p, j in projects if ps == s and st == stage and j <= y)
                    if sum(projected.get(y, {}).get(g, 0.0) for g in STAGE_GRADES[stage]) > cap:
                        over_capacity += 1
            gap = round(total - demand[y])
            # a shortfall only where classrooms are recorded: without them the places are unknown
            if gap < 0 and first_short is None and (town, stage) in supply:
                first_short = y
            cells.append(
                {
                    "year": y,
                    "demand": round(demand[y]),
                    "housing": round(fc.housing.get((town, stage), {}).get(y, 0.0)),
                    "places": round(total),
                    "gap": gap,
                    "oversized_classes": oversized,
                    "over_capacity_schools": over_capacity,
                }
            )
        rows.append(
            GapRow(
                town,
                data.town_names.get(town, ""),
                stage,
                STAGE_LABELS[stage],
                cells,
                first_short,
                mape.get((stage, town)),
            )
        )
    return rows


def _chart(row: GapRow) -> dict[str, Any]:
    return {
        "key": f"town_{row.town_id}_{row.stage}",
        "kind": "line",
        "unit": "人",
        "categories": [f"{c['year']}学年" for c in row.cells],
        "series": [
            {"name": "预测在校生", "data": [c["demand"] for c in row.cells]},
            {"name": "学位", "data": [c["places"] for c in row.cells]},
        ],
    }


# Layout ------------------------------------------------------------------------------------------


def layout_list(*, actor: User, data: Inputs | None = None) -> list[dict[str, Any]]:
    """Schools showing hollowing, each with its reasons: enrolment falling by the norm's share or
    more over the recorded years, a small school, a small teaching point."""
    n = norms()
    data = data or inputs(actor=actor)
    out = []
    for h in data.histories:
        info = data.schools[h.school_id]
        totals = {y: sum(g.values()) for y, g in sorted(h.enrolment.items())}
        first_year, last_year = min(totals), max(totals)
        first, last = totals[first_year], totals[last_year]
        reasons = []
        if first_year < last_year and first > 0 and (first - last) / first * 100 >= n.falling_pct:
            reasons.append(
                f"在校生{first_year}学年{first}人，{last_year}学年{last}人，减少{(first - last) / first:.0%}"
            )
        if info["is_teaching_point"] and last < n.small_point:
            reasons.append(f"教学点在校生{last}人，少于{n.small_point:g}人")
        elif not info["is_teaching_point"] and last < n.small_school:
            reasons.append(f"在校生{last}人，少于{n.small_school:g}人（小规模学校）")
        if reasons:
            out.append(
                {
                    "school_id": h.school_id,
                    "school": info["name"],
                    "town": data.town_names.get(h.town_id, ""),
                    "teaching_point": info["is_teaching_point"],
                    "rural": str(info["urban_rural_code"]).startswith("2"),
                    "pupils": last,
                    "trend": list(totals.values()),
                    "reasons": reasons,
                }
            )
    return sorted(out, key=lambda r: (r["town"], r["pupils"]))
