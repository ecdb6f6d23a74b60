"""The peer of the 普及普惠 evaluation: what a data officer would script in plain pandas over the same
warehouse files, written from the definitions (STANDARDS.md §2), not from the engine's code.

Per kindergarten of the area: children, classes by level and over their level's size, public and
inclusive, full-time and certified teachers, and P4-P6; per town and for the district P1-P6 by
summing numerators and denominators (P1, the gross enrolment, over the towns that supplied their
population aged 3-5). The size limits are the standards' values, passed in as a data officer
copies them from the document. The result is a digest keyed like `bench.province`'s
(`district|`, `town|`, `kg|`), each figure as value, numerator, denominator."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from bench.pandas_peer import read

PRECISION = 9  # as the evaluation shows its figures
TOWN = 4  # registry.AreaLevel.TOWN
MIXED = "混龄"
# code: (numerator, denominator) of the kindergarten table; every scale is 1.
RATIOS = {
    "preschool.P2": ("inclusive_children", "children"),
    "preschool.P3": ("public_children", "children"),
    "preschool.P4": ("classes_within", "classes"),
    "preschool.P5": ("children", "fulltime_teachers"),
    "preschool.P6": ("certified_teachers", "fulltime_teachers"),
}
PER_KINDERGARTEN = ("preschool.P4", "preschool.P5", "preschool.P6")


def _figure(num: float, den: float, value: float | None) -> list[Any]:
    def r(v: float | None) -> float | None:
        return None if v is None or v != v else round(float(v), PRECISION)

    return [r(value), r(num) or 0.0, r(den) or 0.0]


def _ratio(num: float, den: float) -> float | None:
    return num / den if den > 0 else None


def kindergartens(
    warehouse: Path, *, school_year_id: int, area_path: str, class_limits: dict[str, float]
) -> pd.DataFrame:
    """One row per kindergarten under `area_path` (archived ones left out)."""
    area = read(warehouse, "area", ["id", "path"]).rename(columns={"id": "area_id"})
    school = read(warehouse, "school", ["id", "area_id", "school_type", "ownership", "archived_at"])
    kg = school[school.archived_at.isna() & (school.school_type == "kindergarten")]
    kg = kg.merge(area, on="area_id")
    kg = kg[kg.path.str.startswith(area_path)]
    kg = pd.DataFrame(
        {
            "school_id": kg.id.to_numpy(),
            "town_id": kg.area_id.to_numpy(),
            "is_public": (kg.ownership == "public").to_numpy().astype("int64"),
        }
    )

    cls = read(
        warehouse,
        "school_class",
        ["school_id", "school_year_id", "grade", "name", "boys", "girls", "archived_at"],
        school_year_id,
    )
    cls = cls[(cls.school_year_id == school_year_id) & cls.archived_at.isna() & (cls.grade <= 0)]
    level = np.select(
        [
            cls.name.str.contains(MIXED, regex=False).to_numpy(),
            (cls.grade <= -2).to_numpy(),
            (cls.grade == -1).to_numpy(),
        ],
        ["mixed", "small", "middle"],
        "large",
    )
    size = (cls.boys + cls.girls).to_numpy().astype("int64")
    cap = pd.Series(level).map(class_limits).fillna(class_limits["large"]).to_numpy()
    over = size.astype("float64") > cap
    c = pd.DataFrame({"school_id": cls.school_id.to_numpy(), "size": size, "over": over.astype("int64")})
    for lv in ("small", "middle", "large", "mixed"):
        c[f"classes_{lv}"] = (level == lv).astype("int64")
        c[f"over_{lv}"] = ((level == lv) & over).astype("int64")
    per_kg = c.groupby("school_id").agg(
        children=("size", "sum"),
        classes=("size", "size"),
        classes_over=("over", "sum"),
        max_class_size=("size", "max"),
        **{
            f"{k}_{lv}": (f"{k}_{lv}", "sum")
            for k in ("classes", "over")
            for lv in ("small", "middle", "large", "mixed")
        },
    )

    teacher = read(warehouse, "teacher", ["id", "school_id", "is_full_time", "archived_at"])
    teacher = teacher[teacher.archived_at.isna()].rename(columns={"id": "teacher_id"})
    ty = read(
        warehouse,
        "teacher_year",
        ["teacher_id", "school_year_id", "stage", "has_certificate"],
        school_year_id,
    )
    ty = ty[(ty.school_year_id == school_year_id) & (ty.stage == "preschool")].merge(teacher, on="teacher_id")
    full = ty.is_full_time.fillna(False).astype(bool)
    ty = ty.assign(
        full=full.astype("int64"), cert=(full & ty.has_certificate.fillna(False).astype(bool)).astype("int64")
    )
    per_t = ty.groupby("school_id").agg(
        teachers=("full", "size"), fulltime_teachers=("full", "sum"), certified_teachers=("cert", "sum")
    )

    rec = read(
        warehouse, "inclusive_kindergarten", ["school_id", "school_year_id", "is_inclusive"], school_year_id
    )
    rec = rec[rec.school_year_id == school_year_id]
    rec = pd.DataFrame(
        {"has_record": 1, "r_inclusive": rec.is_inclusive.astype(bool).to_numpy()},
        index=rec.school_id.to_numpy(),
    )

    kg = kg.join(per_kg, on="school_id").join(per_t, on="school_id").join(rec, on="school_id")
    counts = [c for c in kg.columns if c not in ("school_id", "town_id", "is_public", "r_inclusive")]
    kg[counts] = kg[counts].fillna(0).astype("int64")
    kg["is_inclusive"] = ((kg.is_public == 1) | kg.r_inclusive.eq(True)).astype("int64")
    kg["classes_within"] = kg.classes - kg.classes_over
    kg["inclusive_children"] = kg.children * kg.is_inclusive
    kg["public_children"] = kg.children * kg.is_public
    return kg.drop(columns="r_inclusive")


def evaluate(
    warehouse: Path,
    *,
    school_year_id: int,
    area_path: str,
    class_limits: dict[str, float],
    size_limit: float,
) -> dict[str, Any]:
    """The digest of the area's 普及普惠 figures: kindergartens, towns, district."""
    kg = kindergartens(
        warehouse, school_year_id=school_year_id, area_path=area_path, class_limits=class_limits
    )
    digest: dict[str, Any] = {}
    for r in kg.itertuples(index=False):
        row = r._asdict()
        figures = [
            _figure(row[n], row[d], _ratio(float(row[n]), float(row[d])))
            for code, (n, d) in RATIOS.items()
            if code in PER_KINDERGARTEN
        ]
        digest[f"kg|{row['school_id']}"] = [
            int(row[k])
            for k in (
                "children", "classes", "classes_over", "max_class_size",
                "teachers", "fulltime_teachers", "certified_teachers",
            )
        ] + [bool(row["children"] > size_limit), figures]  # fmt: skip

    area = read(warehouse, "area", ["id", "path", "level", "archived_at"])
    towns = area[(area.level == TOWN) & area.archived_at.isna() & area.path.str.startswith(area_path)]
    pop = read(warehouse, "preschool_population", ["area_id", "school_year_id", "population"], school_year_id)
    pop = pop[pop.school_year_id == school_year_id].set_index("area_id").population
    sums = kg.groupby("town_id")[sorted({c for pair in RATIOS.values() for c in pair})].sum()
    units = kg.groupby("town_id").size()
    covered_children = covered_pop = 0
    for town in towns.id.tolist():
        children = int(sums.children.get(town, 0))
        has_pop = town in pop.index
        population = int(pop[town]) if has_pop else 0
        if has_pop and population > 0:
            covered_children += children
            covered_pop += population
        figures = [_figure(children, population, _ratio(children, population) if has_pop else None)]
        for num, den in RATIOS.values():
            n = float(sums[num].get(town, 0.0))
            d = float(sums[den].get(town, 0.0))
            figures.append(_figure(n, d, _ratio(n, d)))
        digest[f"town|{town}"] = [int(units.get(town, 0)), children, population if has_pop else None, figures]

    digest["district|preschool.P1"] = [
        _figure(covered_children, covered_pop, _ratio(covered_children, covered_pop))
    ]
    for code, (num, den) in RATIOS.items():
        n, d = float(kg[num].sum()), float(kg[den].sum())
        digest[f"district|{code}"] = [_figure(n, d, _ratio(n, d))]
    return digest


def class_limits_of(lib: Any, *, area_path: str, year: int) -> tuple[dict[str, float], float]:
    """The standards' class sizes per level and kindergarten size, as the officer copies them."""
    rule = lib.rule("preschool.class_size", area_path=area_path, year=year)
    limits = {lv: rule.value_for(stage=lv) or 0.0 for lv in ("small", "middle", "large", "mixed")}
    return limits, lib.value("preschool.kindergarten_size", area_path=area_path, year=year).value
