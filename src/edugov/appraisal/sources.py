"""The registry of the scorecard's data sources (IndicatorSource): each turns a set of schools and
a school year into one raw value per school, with a line saying what it rests on. Modules' figures
are read through their public selectors (inputs.py registers them); an indicator names a source by
its code, or none when the school enters the value by hand."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class SourceValue:
    value: Decimal | None  # None: no data for the school
    detail: str  # what the value rests on, in Chinese ("12个班·周，11个达标")


@dataclass(frozen=True)
class SourceContext:
    reader: Any  # the bureau of the scheme's district (BureauReader), read through the scoping point
    school_year: Any  # registry.SchoolYear
    school_ids: tuple[int, ...]
    as_of: dt.datetime

    @property
    def day(self) -> dt.date:
        return min(self.as_of.date(), self.school_year.end_date)


SourceFn = Callable[[SourceContext], Mapping[int, SourceValue]]


@dataclass(frozen=True)
class IndicatorSource:
    code: str
    label: str  # Chinese: shown in the scheme and the evidence trail
    unit: str  # "%", "项", "分"
    fn: SourceFn
    owner: str  # the module whose figures these are
    lower_is_better: bool = False
    # a sensible default rule for the scheme form: (floor, target)
    suggested: tuple[Decimal, Decimal] = (Decimal(0), Decimal(100))


_SOURCES: dict[str, IndicatorSource] = {}


def register_source(source: IndicatorSource) -> None:
    """Register (or replace, so a reloaded app does not register twice) a source."""
    _SOURCES[source.code] = source


def get_source(code: str) -> IndicatorSource | None:
    return _SOURCES.get(code)


def indicator_sources() -> list[IndicatorSource]:
    return sorted(_SOURCES.values(), key=lambda s: s.code)


def source_choices() -> list[tuple[str, str]]:
    return [(s.code, s.label) for s in indicator_sources()]


def pct(num: int | Decimal, den: int | Decimal) -> Decimal | None:
    """A share in percent to two places (numerators and denominators summed before dividing)."""
    if not den:
        return None
    return (Decimal(num) * 100 / Decimal(den)).quantize(Decimal("0.01"))
