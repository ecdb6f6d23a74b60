"""What the district pages of quality monitoring (质量监测 and 学生体质健康) show, computed once per
data generation and read scope, as the compliance pages of burden do.

Every figure here aggregates a whole district's results (about 60,000 fitness results and the
assessments' scores at scale 1): 1.8-3.4 s a visit under load. The key is what the user may
*read* (`reports.cache.reader_key`: their scope anchors and the read actions of this module), not
their person or role: a district's administrator, leader and officers share one entry, and a
school's account never reads the district's figures. Every committed write moves the data
generation (common.cache), so a new import is shown at once."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from edugov.accounts.models import User
from edugov.common.cache import cached_figure
from edugov.common.errors import DomainError
from edugov.registry.models import SchoolYear
from edugov.reports.readers import Reader

from . import fitness_selectors, selectors
from .models import Assessment


def reader(user: User) -> Reader:
    """The user as the quality pages' cache key sees them: their rows and quality's read actions."""
    return Reader(user, "quality")


@dataclass(frozen=True)
class OverviewFigures:
    assessments: list[Assessment]
    current: Assessment | None
    schools: list[selectors.BandRow]
    total: selectors.BandRow | None
    histogram: dict[str, Any] | None
    cockpit: list[selectors.CockpitBlock]
    va: selectors.ValueAddedView | None
    fitness_year: SchoolYear | None
    fitness_total: fitness_selectors.RateRow | None
    fitness_trend: list[tuple[SchoolYear, fitness_selectors.RateRow]]
    fitness_chart: dict[str, Any] | None


def _default_va(actor: User, assessments: list[Assessment]) -> selectors.ValueAddedView | None:
    pair = selectors.default_pair(assessments)
    if pair is None:
        return None
    try:
        return selectors.value_added(actor=actor, prior=pair[0], post=pair[1])
    except DomainError:
        return None


@cached_figure("quality.overview_page")
def _overview(reader: Reader, current_pk: int | None) -> OverviewFigures:
    actor = reader.user
    assessments = list(selectors.assessment_list(actor=actor))
    current = next((a for a in assessments if a.pk == current_pk), None)
    years = fitness_selectors.fitness_years(actor=actor)
    points = fitness_selectors.trend(actor=actor) if years else []
    return OverviewFigures(
        assessments=assessments,
        current=current,
        schools=selectors.school_bands(actor=actor, assessment=current) if current else [],
        total=selectors.total_bands(actor=actor, assessment=current) if current else None,
        histogram=selectors.score_histogram(actor=actor, assessment=current) if current else None,
        cockpit=selectors.cockpit(actor=actor, assessments=assessments),
        va=_default_va(actor, assessments),
        fitness_year=years[0] if years else None,
        fitness_total=fitness_selectors.total_rates(actor=actor, year=years[0]) if years else None,
        fitness_trend=points,
        fitness_chart=fitness_selectors.trend_chart(points) if years else None,
    )


def overview_figures(*, user: User, current: Assessment | None) -> OverviewFigures:
    """The 质量监测 page's figures for the user's read scope: the assessment `current` (picked and
    checked against the scope by the view) and the cockpit, value-added and fitness blocks."""
    return _overview(reader(user), current.pk if current is not None else None)


@dataclass(frozen=True)
class FitnessFigures:
    total: fitness_selectors.RateRow
    towns: list[fitness_selectors.RateRow]
    areas: list[fitness_selectors.RateRow]
    schools: list[fitness_selectors.RateRow]
    items: list[tuple[str, int, float]]
    trend: list[tuple[SchoolYear, fitness_selectors.RateRow]]
    chart: dict[str, Any]


@cached_figure("quality.fitness_years")
def _fitness_years(reader: Reader) -> list[SchoolYear]:
    return fitness_selectors.fitness_years(actor=reader.user)


def fitness_years(*, user: User) -> list[SchoolYear]:
    """The school years with fitness results in the user's read scope, latest first."""
    return _fitness_years(reader(user))


@cached_figure("quality.fitness_page")
def _fitness(reader: Reader, year: SchoolYear) -> FitnessFigures:
    actor = reader.user
    points = fitness_selectors.trend(actor=actor)
    return FitnessFigures(
        total=fitness_selectors.total_rates(actor=actor, year=year),
        towns=fitness_selectors.town_rates(actor=actor, year=year),
        areas=fitness_selectors.urban_rural_rates(actor=actor, year=year),
        schools=fitness_selectors.school_rates(actor=actor, year=year),
        items=fitness_selectors.item_pass_rates(actor=actor, year=year),
        trend=points,
        chart=fitness_selectors.trend_chart(points),
    )


def fitness_figures(*, user: User, year: SchoolYear) -> FitnessFigures:
    """The 学生体质健康 page's figures of one school year for the user's read scope."""
    return _fitness(reader(user), year)
