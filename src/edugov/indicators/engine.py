"""The indicator engine: an indicator is defined once (numerator, denominator, scale) over a
table of units (one row per school and stage), and computed per unit, per group (town,
district) and as a student-weighted coefficient of variation, as Ibis expressions that run
unchanged on SQLite, PostgreSQL, DuckDB and Spark.

Ratios aggregate by summing numerators and denominators, never by averaging ratios.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import ibis


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    unit: str
    numerator: str  # column of the unit table
    denominator: str  # column of the unit table; also the weight of the CV (students)
    scale: float = 1.0  # 100 for "per hundred students"
    # How to state a shortfall in real units: e.g. "名教师", "平方米", "元", "间".
    gap_unit: str = ""
    gap_integer: bool = False  # teachers and rooms come whole

    def value_expr(self, num: Any, den: Any) -> Any:
        return ibis.ifelse(den > 0, num.cast("float64") * self.scale / den.cast("float64"), ibis.null())


def flag(condition: Any) -> Any:
    """A boolean as 1/0 on every engine (PostgreSQL cannot cast boolean to bigint or smallint)."""
    return ibis.ifelse(condition, 1, 0)


def unit_values(units: Any, indicators: Sequence[Indicator]) -> Any:
    """Each unit's value of each indicator (NULL where the denominator is zero)."""
    return units.mutate(
        **{ind.code: ind.value_expr(units[ind.numerator], units[ind.denominator]) for ind in indicators}
    )


def group_values(units: Any, indicators: Sequence[Indicator], by: Sequence[str]) -> Any:
    """Indicator values of groups of units, by summing numerators and denominators."""
    sums: dict[str, Any] = {}
    for ind in indicators:
        sums[f"{ind.code}__num"] = units[ind.numerator].cast("float64").sum()
        sums[f"{ind.code}__den"] = units[ind.denominator].cast("float64").sum()
    grouped = (
        units.group_by(list(by)).aggregate(units=units.count(), **sums)
        if by
        else units.aggregate(units=units.count(), **sums)
    )
    return grouped.mutate(
        **{
            ind.code: ind.value_expr(grouped[f"{ind.code}__num"], grouped[f"{ind.code}__den"])
            for ind in indicators
        }
    )


def weighted_cv(units: Any, indicators: Sequence[Indicator], by: Sequence[str]) -> Any:
    """Student-weighted coefficient of variation (差异系数) of each indicator within each group:

        X̄ = ΣAᵢ / ΣPᵢ,  CV = √(Σ (Pᵢ/P)·(Xᵢ − X̄)²) / X̄

    over units with Pᵢ > 0. The scale (×100) cancels, so values are taken unscaled.

    Computed over the units in long form (one row per unit and indicator): one grouping for the
    totals, one join, one grouping for the sums, whatever the number of indicators. A join and
    two groupings per indicator, unioned, gave the same figures but cost the engine's planner
    several times the work on a district's few hundred rows.
    """
    keys = [*by, "indicator"]
    # Distinct names even case-insensitively: SQLite folds identifier case.
    long = ibis.union(
        *(
            units.filter(units[ind.denominator] > 0).select(
                *by,
                indicator=ibis.literal(ind.code),
                _scale=ibis.literal(float(ind.scale)),
                _res=units[ind.numerator].cast("float64"),
                _pop=units[ind.denominator].cast("float64"),
            )
            for ind in indicators
        )
    )
    totals = long.group_by(keys).aggregate(_tot_res=long._res.sum(), _tot_pop=long._pop.sum())
    joined = long.join(totals, keys)
    xbar = joined._tot_res / joined._tot_pop
    dev = (joined._res / joined._pop) - xbar
    joined = joined.mutate(_term=(joined._pop / joined._tot_pop) * dev * dev, _xbar=xbar)
    cv = joined.group_by(keys).aggregate(
        _terms=joined._term.sum(), _xbar=joined._xbar.max(), _n=joined.count(), _scale=joined._scale.max()
    )
    return cv.select(
        *by,
        "indicator",
        cv=ibis.ifelse(cv._xbar > 0, cv._terms.sqrt() / cv._xbar, ibis.null()),
        mean=cv._xbar * cv._scale,
        schools=cv._n,
    )
