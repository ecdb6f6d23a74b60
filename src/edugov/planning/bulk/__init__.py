"""The forecast and places gaps of many districts at once, over plain tables: the same method as
`forecast.py` and `selectors.overview` (the grade-progression method, entry from births, housing
yields, the explicit migration term; places from classrooms and projects), written twice for the
province scale: one DuckDB query (`duck.py`) and a pandas version (`frames.py`), so each checks the
other, and both are checked against the pages' own code on the demo district (bench/planning.py)
and against a forecast worked by hand (tests/test_bulk.py).

Tables (any source DuckDB reads: Parquet files, a registered frame), one row each:

- enrolment: district, town, school, year (school year), grade (1-9), pupils, classes;
- towns: district, town, year (calendar year), births (empty: not recorded), population,
  net_migration (the migration rate is net_migration / population where population is not 0);
- housing: district, town, completion_year, households;
- capacity: school, stage ("primary" or "junior"), classrooms;
- projects: school, stage, places, join_year (the school year its places join supply).

Every district is forecast from its own latest recorded school year (its base year). Results:
`schools` (district, town, school, year, grade, pupils: the projection) and `gaps` (district, town,
stage, year, demand, housing, places, gap = places - demand unrounded, oversized_classes,
over_capacity_schools, short: places short by at least half a pupil where classrooms are recorded,
the pages' rounded gap below zero), each sorted by its keys.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..forecast import ENTRY_AGE, STAGE_GRADES

TABLES = ("enrolment", "towns", "housing", "capacity", "projects")
SCHOOL_KEYS = ["district", "school", "year", "grade"]
GAP_KEYS = ["district", "town", "stage", "year"]


@dataclass(frozen=True)
class Params:
    horizon: int = 5
    yield_per_100: Mapping[str, float] = field(default_factory=lambda: {"primary": 0.0, "junior": 0.0})
    class_size: Mapping[str, float] = field(default_factory=lambda: {"primary": 45.0, "junior": 50.0})
    oversized_min: float = 56.0


def params_from_norms(norms: Any, horizon: int = 5) -> Params:
    """The norms the pages use (selectors.norms()) as bulk parameters."""
    return Params(
        horizon=horizon,
        yield_per_100=dict(norms.yield_per_100),
        class_size=dict(norms.class_size),
        oversized_min=float(norms.oversized_min),
    )


def tables_from_inputs(
    data: Any,
    places: Mapping[tuple[int, str], float],
    projects: list[tuple[int, str, int, int]],
    norms: Any,
    district: int = 1,
) -> dict[str, Any]:
    """One district's inputs as the pages read them (selectors.inputs, school_places,
    project_places) turned into the bulk tables, as pandas frames."""
    import pandas as pd

    enrolment = [
        (district, h.town_id, h.school_id, y, g, n, data.classes.get((h.school_id, y, g), 0))
        for h in data.histories
        for y, grades in h.enrolment.items()
        for g, n in grades.items()
    ]
    towns = []
    for t, town in data.towns.items():
        for y in sorted(set(town.births) | set(town.migration)):
            # a migration rate m is stored as net m * 1e6 over a population of 1e6
            rate = town.migration.get(y)
            towns.append(
                (district, t, y, town.births.get(y), 1_000_000 if rate is not None else 0, (rate or 0) * 1e6)
            )
    housing = [(district, t, done, hh) for t, town in data.towns.items() for done, hh in town.housing]
    capacity = [(s, st, p / norms.class_size[st]) for (s, st), p in places.items()]
    return {
        "enrolment": pd.DataFrame(
            enrolment, columns=["district", "town", "school", "year", "grade", "pupils", "classes"]
        ),
        "towns": pd.DataFrame(
            towns, columns=["district", "town", "year", "births", "population", "net_migration"]
        ),
        "housing": pd.DataFrame(housing, columns=["district", "town", "completion_year", "households"]),
        "capacity": pd.DataFrame(capacity, columns=["school", "stage", "classrooms"]),
        "projects": pd.DataFrame(list(projects), columns=["school", "stage", "places", "join_year"]),
    }


def compare(a: Any, b: Any, keys: list[str], tol: float = 1e-9) -> tuple[int, list[str]]:
    """Two result frames with the same keys: (rows compared, differences as text, at most 10).
    Numbers agree within `tol` relative (or absolute below 1)."""
    import numpy as np

    merged = a.merge(b, on=keys, how="outer", suffixes=("_a", "_b"), indicator=True)
    problems: list[str] = []
    lonely = merged[merged["_merge"] != "both"]
    for _, r in lonely.head(10).iterrows():
        problems.append(
            f"{dict((k, r[k]) for k in keys)} only in {'first' if r['_merge'] == 'left_only' else 'second'}"
        )
    both = merged[merged["_merge"] == "both"]
    for col in [c for c in a.columns if c not in keys]:
        x = both[f"{col}_a"].astype(float).to_numpy()
        y = both[f"{col}_b"].astype(float).to_numpy()
        bad = ~np.isclose(x, y, rtol=tol, atol=tol)
        for i in np.flatnonzero(bad)[: 10 - len(problems)]:
            problems.append(f"{col} at {dict((k, both.iloc[i][k]) for k in keys)}: {x[i]} vs {y[i]}")
    return len(both), problems[:10] if len(lonely) + len(problems) else []


def first_short(gaps: Any) -> dict[tuple[int, int, str], int]:
    """(district, town, stage) -> the first school year short of places."""
    short = gaps[gaps["short"].astype(bool)]
    return {
        (int(d), int(t), str(s)): int(y)
        for (d, t, s), y in short.groupby(["district", "town", "stage"])["year"].min().items()
    }


__all__ = [
    "ENTRY_AGE",
    "GAP_KEYS",
    "SCHOOL_KEYS",
    "STAGE_GRADES",
    "TABLES",
    "Params",
    "compare",
    "first_short",
    "params_from_norms",
    "tables_from_inputs",
]
