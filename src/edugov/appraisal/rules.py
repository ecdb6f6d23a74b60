"""Scoring rules as pure functions: an indicator's raw value becomes a score from 0 to 100 (linear
between a floor and a target, by thresholds, or the entered score itself); the points are the
score times the weight. Decimal throughout, rounded half up to two places."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


def q2(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def clamp(value: Decimal, low: Decimal = Decimal(0), high: Decimal = HUNDRED) -> Decimal:
    return max(low, min(high, value))


def linear(value: Decimal, *, floor: Decimal, target: Decimal) -> Decimal:
    """0 at the floor, 100 at the target and beyond, straight between. A target below the floor
    means lower is better (complaints, open hazards): the same formula reads it."""
    if target == floor:
        raise ValueError("floor and target must differ")
    return q2(clamp(HUNDRED * (value - floor) / (target - floor)))


def threshold(value: Decimal, *, bands: Sequence[Sequence[object]]) -> Decimal:
    """The score of the highest band whose lower bound the value reaches ([at_least, score] pairs);
    0 below every band."""
    best: Decimal | None = None
    best_bound: Decimal | None = None
    for bound_raw, score_raw in bands:
        bound, score = Decimal(str(bound_raw)), Decimal(str(score_raw))
        if value >= bound and (best_bound is None or bound > best_bound):
            best, best_bound = score, bound
    return q2(clamp(best if best is not None else Decimal(0)))


def entered(value: Decimal) -> Decimal:
    return q2(clamp(value))


def score(
    rule: str,
    value: Decimal,
    *,
    floor: Decimal | None = None,
    target: Decimal | None = None,
    bands: Sequence[Sequence[object]] = (),
) -> Decimal:
    if rule == "linear":
        if floor is None or target is None:
            raise ValueError("a linear rule needs its floor and target")
        return linear(value, floor=floor, target=target)
    if rule == "threshold":
        return threshold(value, bands=bands)
    return entered(value)


def points(score_: Decimal, weight: Decimal) -> Decimal:
    """The indicator's contribution to the 100-point total."""
    return q2(score_ * weight / HUNDRED)


def valid_bands(bands: object) -> bool:
    if not isinstance(bands, list | tuple) or not bands or len(bands) > 10:
        return False
    for pair in bands:
        if not isinstance(pair, list | tuple) or len(pair) != 2:
            return False
        try:
            bound, sc = Decimal(str(pair[0])), Decimal(str(pair[1]))
        except ArithmeticError:
            return False
        if not bound.is_finite() or not sc.is_finite() or not Decimal(0) <= sc <= HUNDRED:
            return False
    return True
