"""The bulk forecast and gaps (see the package) in pandas, year by year as forecast.py does it:
each forecast year's grades from the year before (ratio x (1 + m)), the entry grade from births
(or, for junior schools, the district's grade 6 of the year before), every school of every
district at once."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import ENTRY_AGE, GAP_KEYS, SCHOOL_KEYS, Params


def _stage(grade: Any) -> Any:
    import numpy as np

    return np.where(grade <= 6, "primary", "junior")


def run(t: Mapping[str, Any], p: Params) -> tuple[Any, Any]:
    """(schools, gaps) as pandas frames from the tables as frames."""
    import numpy as np
    import pandas as pd

    enrol = t["enrolment"]
    enrol = enrol[(enrol["grade"] >= 1) & (enrol["grade"] <= 9)]
    base = enrol.groupby("district")["year"].max().rename("base")
    schools = enrol.groupby(["district", "school"])["town"].first().reset_index()
    known_s = enrol[enrol["year"] == enrol["district"].map(base)][["district", "school"]].drop_duplicates()
    known = enrol.merge(known_s, on=["district", "school"])
    grades = known[["district", "school", "town", "grade"]].drop_duplicates(["district", "school", "grade"])
    g0 = grades.groupby(["district", "school"])["grade"].min().rename("g0").reset_index()
    towns = t["towns"].merge(base.reset_index(), on="district")
    mig = towns[(towns["population"] != 0) & (towns["year"] <= towns["base"])].copy()
    mig["rate"] = mig["net_migration"].astype(float) / mig["population"]
    latest = mig.sort_values("year").groupby(["district", "town"])["rate"].last().rename("m").reset_index()
    school_m = known_s.merge(schools, on=["district", "school"]).merge(
        latest, on=["district", "town"], how="left"
    )
    school_m["m"] = school_m["m"].fillna(0.0)
    # progression ratios
    years_of = known[["district", "school", "year"]].drop_duplicates()
    prev = known.assign(year=known["year"] + 1, grade=known["grade"] + 1)[
        ["district", "school", "town", "year", "grade", "pupils"]
    ].rename(columns={"pupils": "before"})
    prev = prev.merge(years_of, on=["district", "school", "year"])
    cur = known[["district", "school", "year", "grade", "pupils"]].rename(columns={"pupils": "after"})
    pairs = prev.merge(cur, on=["district", "school", "year", "grade"], how="left").merge(
        mig[["district", "town", "year", "rate"]], on=["district", "town", "year"], how="left"
    )
    pairs["num"] = pairs["after"].fillna(0) / (1 + pairs["rate"].fillna(0.0))
    raw = pairs.groupby(["district", "school", "grade"])[["num", "before"]].sum().reset_index()
    ratios = grades.merge(g0, on=["district", "school"])
    ratios = ratios[ratios["grade"] > ratios["g0"]].merge(raw, on=["district", "school", "grade"], how="left")
    ratios["r"] = np.where(ratios["before"].fillna(0) > 0, ratios["num"] / ratios["before"], 1.0)
    ratios = ratios[["district", "school", "grade", "r"]]
    # entry ratios
    births = t["towns"][["district", "town", "year", "births"]].dropna(subset=["births"])
    g6_actual = known[known["grade"] == 6].groupby(["district", "year"])["pupils"].sum().astype(float)
    fe = years_of.merge(g0, on=["district", "school"]).merge(schools, on=["district", "school"])
    fe = fe.merge(
        births.rename(columns={"year": "by"}).assign(year=lambda b: b["by"] + ENTRY_AGE)[
            ["district", "town", "year", "births"]
        ],
        on=["district", "town", "year"],
        how="left",
    )
    g6_prev = g6_actual.rename("g6").reset_index().assign(year=lambda g: g["year"] + 1)
    fe = fe.merge(g6_prev, on=["district", "year"], how="left")
    fe["f"] = np.where(fe["g0"] < 7, fe["births"].fillna(0).astype(float), fe["g6"].fillna(0.0))
    firsts = known.rename(columns={"grade": "g0", "pupils": "first"})[
        ["district", "school", "year", "g0", "first"]
    ]
    fe = fe.merge(firsts, on=["district", "school", "year", "g0"], how="left")
    fe = fe[fe["f"] > 0]
    sums = fe.groupby(["district", "school"])[["first", "f"]].sum()
    entry = (sums["first"] / sums["f"]).rename("entry").reset_index()
    info = g0.merge(entry, on=["district", "school"], how="left").merge(
        school_m[["district", "school", "town", "m"]], on=["district", "school"]
    )
    info["entry"] = info["entry"].fillna(0.0)
    # births for the future entry years: recorded, else the mean of the last three recorded years
    rec = {(d, tw, y): float(b) for d, tw, y, b in births.itertuples(index=False)}
    last3: dict[tuple[int, int], list[tuple[int, float]]] = {}
    for d, tw, y, b in births.sort_values("year").itertuples(index=False):
        last3.setdefault((d, tw), []).append((y, float(b)))

    def birth_feed(d: int, tw: int, year: int) -> float:
        if (d, tw, year) in rec:
            return rec[(d, tw, year)]
        seen = [b for y, b in last3.get((d, tw), []) if y <= year][-3:]
        return sum(seen) / len(seen) if seen else 0.0

    # the base year, every grade of every known school (0 where no class)
    previous = grades[["district", "school", "grade"]].merge(
        known[["district", "school", "year", "grade", "pupils"]][
            known["year"] == known["district"].map(base)
        ],
        on=["district", "school", "grade"],
        how="left",
    )
    previous = previous.assign(pupils=previous["pupils"].fillna(0).astype(float))[
        ["district", "school", "grade", "pupils"]
    ]
    steps = []
    info = info.merge(base.reset_index(), on="district")
    for k in range(1, int(p.horizon) + 1):
        g6 = previous[previous["grade"] == 6].groupby("district")["pupils"].sum()
        moved = previous.assign(grade=previous["grade"] + 1).merge(ratios, on=["district", "school", "grade"])
        moved = moved.merge(info[["district", "school", "m"]], on=["district", "school"])
        moved["pupils"] = moved["pupils"] * moved["r"] * (1.0 + moved["m"])
        first = info.copy()
        first["year"] = first["base"] + k
        first["feed"] = [
            birth_feed(d, tw, y - ENTRY_AGE) if g < 7 else float(g6.get(d, 0.0))
            for d, tw, y, g in zip(first["district"], first["town"], first["year"], first["g0"], strict=True)
        ]
        first = first.assign(grade=first["g0"], pupils=first["entry"] * first["feed"])
        row = pd.concat(
            [
                first[["district", "school", "grade", "pupils"]],
                moved[["district", "school", "grade", "pupils"]],
            ]
        )
        # grades a school has that neither the entry nor the grade below reach stay at 0
        row = grades[["district", "school", "grade"]].merge(
            row, on=["district", "school", "grade"], how="left"
        )
        row["pupils"] = row["pupils"].fillna(0.0)
        steps.append(row.assign(k=k))
        previous = row
    proj = pd.concat(steps).merge(info[["district", "school", "town", "base"]], on=["district", "school"])
    proj["year"] = proj["base"] + proj["k"]
    proj = proj[["district", "town", "school", "year", "grade", "pupils"]].sort_values(SCHOOL_KEYS)
    return proj.reset_index(drop=True), _gaps(t, p, proj, known, known_s, schools, base)


def _gaps(
    t: Mapping[str, Any], p: Params, proj: Any, known: Any, known_s: Any, schools: Any, base: Any
) -> Any:
    import numpy as np
    import pandas as pd

    staged = proj.assign(stage=_stage(proj["grade"]))
    demand = staged.groupby(["district", "town", "stage", "year"])["pupils"].sum().rename("pupils")
    years = proj[["district", "year"]].drop_duplicates()
    housing = t["housing"].merge(schools[["district", "town"]].drop_duplicates(), on=["district", "town"])
    housing = housing.merge(base.reset_index(), on="district").merge(years, on="district")
    parts = []
    for stage in ("primary", "junior"):
        per = float(p.yield_per_100.get(stage, 0.0)) / 100.0
        h = housing.assign(
            stage=stage,
            added=np.where(
                (housing["completion_year"] > housing["base"])
                & (housing["completion_year"] <= housing["year"]),
                housing["households"] * per,
                0.0,
            ),
        )
        parts.append(h)
    added_h = pd.concat(parts).groupby(["district", "town", "stage", "year"])["added"].sum()
    keep = added_h.groupby(level=[0, 1, 2]).transform(lambda s: (s != 0).any())
    added_h = added_h[keep.astype(bool)]
    d = pd.concat([demand, added_h], axis=1).fillna(0.0).reset_index()
    d["demand"] = d["pupils"] + d["added"]
    d = d.rename(columns={"added": "housing"})
    size = {s: float(v) for s, v in p.class_size.items()}
    cap = t["capacity"].merge(schools, on="school")
    cap = cap.assign(places=cap["classrooms"] * cap["stage"].map(size))
    supply = cap.groupby(["district", "town", "stage"])["places"].sum().rename("supply").reset_index()
    projects = t["projects"].merge(schools, on="school")
    pj = d[GAP_KEYS].merge(projects, on=["district", "town", "stage"])
    pj = pj[pj["join_year"] <= pj["year"]].groupby(GAP_KEYS)["places"].sum().rename("added").reset_index()
    g = d.merge(pj, on=GAP_KEYS, how="left").merge(supply, on=["district", "town", "stage"], how="left")
    g["places"] = g["supply"].fillna(0.0) + g["added"].fillna(0)
    g["gap"] = g["places"] - g["demand"]
    g["short"] = g["supply"].notna() & (g["gap"] < -0.5)
    # oversized classes: projected pupils over the base year's classes of the grade
    bcls = known[known["year"] == known["district"].map(base)][["district", "school", "grade", "classes"]]
    o = staged.merge(bcls, on=["district", "school", "grade"])
    o = o[(o["classes"] > 0) & (o["pupils"] / o["classes"].where(o["classes"] > 0, 1) >= p.oversized_min)]
    over = o.groupby(GAP_KEYS)["classes"].sum().rename("oversized_classes").reset_index()
    # schools over their places (classrooms and their own projects completed by then)
    sp = (
        staged.groupby(["district", "school", "stage", "year"])["pupils"].sum().rename("pupils").reset_index()
    )
    c = cap.merge(known_s, on=["district", "school"]).merge(years, on="district")
    own = t["projects"].merge(c[["school", "stage", "year"]], on=["school", "stage"])
    own = (
        own[own["join_year"] <= own["year"]]
        .groupby(["school", "stage", "year"])["places"]
        .sum()
        .rename("own")
    )
    c = c.merge(own.reset_index(), on=["school", "stage", "year"], how="left").merge(
        sp, on=["district", "school", "stage", "year"], how="left"
    )
    c["over"] = c["pupils"].fillna(0.0) > c["places"] + c["own"].fillna(0)
    oc = c.groupby(GAP_KEYS)["over"].sum().rename("over_capacity_schools").reset_index()
    g = g.merge(over, on=GAP_KEYS, how="left").merge(oc, on=GAP_KEYS, how="left")
    for col in ("oversized_classes", "over_capacity_schools"):
        g[col] = g[col].fillna(0).astype("int64")
    cols = [
        *GAP_KEYS,
        "demand",
        "housing",
        "places",
        "gap",
        "oversized_classes",
        "over_capacity_schools",
        "short",
    ]
    return g[cols].sort_values(GAP_KEYS).reset_index(drop=True)
