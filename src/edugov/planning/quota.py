"""Senior-high quota allocation (指标到校): the allocated places of a quality senior high school
shared among the junior schools by their graduating cohorts (grade 9 pupils), a rural school's cohort
weighted by the rural tilt, rounded by the largest-remainder method so the total is exact.

allocated = round_half_up(places × share%); weight_i = cohort_i × (tilt if rural else 1);
quota_i = floor(allocated × weight_i / Σweight) and the places left over go one each to the largest
remainders (ties: the larger cohort, then the school code)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction


@dataclass(frozen=True)
class Junior:
    school_id: int
    code: str
    name: str
    town: str
    rural: bool
    cohort: int


def allocated_places(places: int, share_pct: Decimal) -> int:
    return int((Decimal(places) * Decimal(share_pct) / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def allocate(total: int, juniors: list[Junior], rural_weight: Decimal) -> dict[int, int]:
    """school id -> places; sums to `total` whenever some school has a cohort."""
    weights = {
        j.school_id: Fraction(j.cohort) * (Fraction(str(rural_weight)) if j.rural else 1) for j in juniors
    }
    whole = sum(weights.values(), Fraction(0))
    if whole == 0 or total <= 0:
        return {j.school_id: 0 for j in juniors}
    exact = {k: total * w / whole for k, w in weights.items()}
    out = {k: int(v) for k, v in exact.items()}  # floor: the shares are non-negative
    left = total - sum(out.values())
    order = sorted(juniors, key=lambda j: (-(exact[j.school_id] - out[j.school_id]), -j.cohort, j.code))
    for j in order[:left]:
        out[j.school_id] += 1
    return out
