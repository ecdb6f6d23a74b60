"""Demo story of workforce: a yearly record for every teacher of the district's primary and
secondary schools, this year and last, built from the registry's teachers and this year's teaching
assignments. What the registry planned shows through: rural schools have few music, art and PE
teachers, so head teachers of other subjects teach those lessons (outside their certificate), and
rural staff are older, with more contract, retired-programme and volunteer teachers. Seeded by
ctx.rng; bulk-written, so the build stays fast."""

from __future__ import annotations

from .programmes import COMMUNITIES, MENTORING_GOALS, STUDIOS
from .records import DEFAULT_PERIODS, MAX_PERIODS
from .story import build_workforce, register, reset_workforce

__all__ = [
    "COMMUNITIES",
    "DEFAULT_PERIODS",
    "MAX_PERIODS",
    "MENTORING_GOALS",
    "STUDIOS",
    "build_workforce",
    "register",
    "reset_workforce",
]
