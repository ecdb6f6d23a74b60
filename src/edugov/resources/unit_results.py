"""The 优质均衡 evaluation's per-unit results a column at a time: each of the seven indicators of
every school·stage unit against its standard (`IndicatorResult`, with the shortfall in real units),
and each unit's verdict (`school_verdict`, and `_verdicts` for a province's units at once)."""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Sequence
from typing import Any, NamedTuple

import numpy as np

from edugov.indicators.engine import Indicator

PRECISION = 9  # values are compared with standards after rounding away float noise


class IndicatorResult(NamedTuple):
    """One indicator of one school·stage unit (a province has tens of thousands: a named tuple is
    made three times faster than a frozen dataclass)."""

    code: str
    name: str
    unit: str
    value: float | None
    standard: float
    met: bool | None
    ratio: float | None  # value / standard
    gap: float | None  # shortfall in real units (teachers, m², yuan, rooms); None when met
    gap_unit: str
    numerator: float | None = None  # the summed rows behind the value, for traceable exports
    denominator: float | None = None


def _round(v: Any) -> float | None:
    if type(v) is int:  # a count: exact as it is (rounding a float is the costly part)
        return float(v)
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    return round(float(v), PRECISION)


# Beyond this magnitude a double has no ninth decimal left to round: kept as it is.
_ROUNDABLE = 2.0**53 / 10**PRECISION


def _rounded(values: Sequence[Any] | np.ndarray) -> np.ndarray:
    """A column rounded to PRECISION places at once, NaN where missing (`_round`, vectorised:
    rounding floats one by one was a third of a province's report)."""
    column = np.array(values, dtype="float64")  # None -> NaN
    return np.where(np.abs(column) < _ROUNDABLE, np.round(column, PRECISION), column)


def _listed(column: np.ndarray) -> list[float | None]:
    return [None if v != v else v for v in column.tolist()]


def _compared(values: np.ndarray, standards: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Values (as shown, NaN where missing) against their standards, element by element: whether
    each is met, and value / standard (NaN where the standard is 0). The one comparison behind an
    indicator's result and a unit's verdict."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return values >= standards, np.where(standards != 0, values / standards, np.nan)


def _indicator_column(
    ind: Indicator,
    standards: Sequence[float],
    rounded: dict[str, np.ndarray],
    raw: dict[str, np.ndarray],
) -> list[IndicatorResult]:
    """One indicator of every unit, each against its own standard (`standards`, in the units'
    order); `raw` and `rounded` (`_rounded`): the units' columns as computed and as shown, shared
    by the seven indicators. The comparisons, ratios and shortfalls a column at a time."""
    value, standard = rounded[ind.code], np.array(standards, dtype="float64")
    missing = np.isnan(value)
    met, ratio = _compared(value, standard)
    with np.errstate(invalid="ignore", divide="ignore"):
        gap = standard * raw[ind.denominator] / ind.scale - raw[ind.numerator]
    gap = (np.ceil(np.round(gap, 6)) if ind.gap_integer else np.round(gap, 2)) + 0.0  # never -0.0
    gap[met | missing] = np.nan
    mets: list[bool | None] = met.tolist()
    for i in np.flatnonzero(missing).tolist():
        mets[i] = None

    def same(v: str) -> Iterator[str]:
        return itertools.repeat(v, len(standards))

    return list(
        map(
            IndicatorResult._make,
            zip(
                same(ind.code), same(ind.name), same(ind.unit), _listed(value), standards, mets,
                _listed(ratio), _listed(gap), same(ind.gap_unit), _listed(rounded[ind.numerator]),
                _listed(rounded[ind.denominator]), strict=True,
            ),
        )
    )  # fmt: skip


NOT_ASSESSABLE = "数据不全，无法评价"


def _verdict_text(
    met_count: int, low: Sequence[str], *, total: int, min_met: int, remaining_ratio: float
) -> tuple[bool, str]:
    """The verdict of a unit whose values are all given: `met_count` of `total` met; `low`, the
    names of the unmet ones under `remaining_ratio` of their standard."""
    if met_count < min_met:
        return False, f"达标{met_count}项，少于{min_met}项"
    if low:
        return False, f"未达标项低于标准的{remaining_ratio:.0%}：{'、'.join(low)}"
    if met_count == total:
        return True, "达标"
    return True, f"达标{met_count}项，未达标项不低于标准的{remaining_ratio:.0%}"


def school_verdict(
    results: tuple[IndicatorResult, ...], *, min_met: int, remaining_ratio: float
) -> tuple[bool | None, str]:
    """At least `min_met` of 7 met, and every unmet one at least `remaining_ratio` of its standard."""
    if any(r.value is None for r in results):
        return None, NOT_ASSESSABLE
    unmet = [r for r in results if not r.met]
    low = [r.name for r in unmet if (r.ratio or 0) < remaining_ratio]
    return _verdict_text(
        len(results) - len(unmet), low, total=len(results), min_met=min_met, remaining_ratio=remaining_ratio
    )


def _verdicts(
    values: np.ndarray, standards: np.ndarray, names: Sequence[str], *, min_met: int, remaining_ratio: float
) -> tuple[list[int], list[tuple[bool | None, str]]]:
    """`school_verdict` of every unit at once: `values` (as shown, NaN where missing) and
    `standards`, a row per unit and a column per indicator (`names`). Each unit's met count and
    verdict; each distinct verdict is written once."""
    met, ratio = _compared(values, standards)
    missing = np.isnan(values).any(axis=1)
    # No ratio (a standard of 0) counts as 0, as in `school_verdict`.
    low = (~met & (np.nan_to_num(ratio) < remaining_ratio)).astype("int64") @ (1 << np.arange(len(names)))
    counts: list[int] = met.sum(axis=1).tolist()
    written: dict[tuple[int, int], tuple[bool, str]] = {}
    verdicts: list[tuple[bool | None, str]] = []
    for unassessable, met_count, bits in zip(missing.tolist(), counts, low.tolist(), strict=True):
        if unassessable:
            verdicts.append((None, NOT_ASSESSABLE))
            continue
        verdict = written.get((met_count, bits))
        if verdict is None:
            under = [name for i, name in enumerate(names) if bits >> i & 1]
            verdict = written[(met_count, bits)] = _verdict_text(
                met_count, under, total=len(names), min_met=min_met, remaining_ratio=remaining_ratio
            )
        verdicts.append(verdict)
    return counts, verdicts
