"""The enrolment forecast of single schools as plain data, for other modules (workforce's five-year
teacher needs) so they never call the forecast's internals: pupils by school, school year and grade
from the cohort method on the actor's scope, and the standard class size it was planned with."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from edugov.accounts.models import User

from ..forecast import forecast
from .demand import MAX_HORIZON, inputs, norms


@dataclass(frozen=True)
class SchoolEnrolmentForecast:
    """`pupils`: school -> school year -> grade (1-9) -> forecast pupils, only for the schools the
    method can project (recorded enrolment in the base year and a positive entry ratio, that is the
    town's births or the district's grade 6 recorded); the others are in `without`."""

    base_year: int | None
    years: tuple[int, ...] = ()
    pupils: dict[int, dict[int, dict[int, float]]] = field(default_factory=dict)
    without: frozenset[int] = frozenset()
    class_size: dict[str, float] = field(default_factory=dict)  # stage -> standard class size

    def grades(self, school_id: int, year: int) -> dict[int, float]:
        """One school's forecast pupils by grade in one school year (empty when it has none)."""
        return dict(self.pupils.get(school_id, {}).get(year, {}))


def school_enrolment_forecast(
    *, actor: User, school_ids: Iterable[int], base_year: int, horizon: int
) -> SchoolEnrolmentForecast:
    """The schools' forecast for the `horizon` school years after `base_year` (at most MAX_HORIZON),
    read through the actor's scope: the same method and norms as the 学位预测 page."""
    ids = list(dict.fromkeys(school_ids))
    n = norms()
    data = inputs(actor=actor)
    if not data.histories:
        return SchoolEnrolmentForecast(base_year, without=frozenset(ids), class_size=dict(n.class_size))
    horizon = max(1, min(MAX_HORIZON, horizon))
    fc = forecast(
        data.histories, data.towns, base_year=base_year, horizon=horizon, yield_per_100=n.yield_per_100
    )
    wanted = set(ids)
    pupils = {
        sid: {y: dict(row) for y, row in years.items()}
        for sid, years in fc.schools.items()
        if sid in wanted and (e := fc.explain.get(sid)) is not None and e.entry_ratio > 0
    }
    return SchoolEnrolmentForecast(
        base_year=base_year,
        years=tuple(fc.years),
        pupils=pupils,
        without=frozenset(i for i in ids if i not in pupils),
        class_size=dict(n.class_size),
    )
