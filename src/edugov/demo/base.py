"""The demo generator's plug-in point: each domain registers one generator (and how to wipe its
rows), and `demo_build` runs them in order with a shared, seeded context.

    from edugov.demo.base import register_generator
    register_generator("tutoring", build_tutoring, order=300, reset=reset_tutoring)

Call it from the app's AppConfig.ready(). A generator draws only from `ctx.rng(name)`, never from
the global `random`, and dates only from `ctx.today` (the date the demo is built for) and what
derives from it (`ctx.current_year`, `ctx.reference_date`), never from the clock, so one seed and
one `today` always give the same rows.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

BEIJING = dt.timezone(dt.timedelta(hours=8))
YEAR_START = (9, 1)  # a school year runs from September 1 to August 31


def school_year_of(day: dt.date) -> int:
    """The start year of the school year holding `day` (2026-12-01 -> 2026, 2027-08-31 -> 2026)."""
    return day.year if (day.month, day.day) >= YEAR_START else day.year - 1


@dataclass
class DemoContext:
    """What generators share: the seed and scale, the date the demo is built for, seeded random
    streams, and the rows earlier generators built (`state`, keyed by generator name) so later ones
    can attach to them.

    Two dates: `today`, for stories told relative to the day the demo is looked at (overdue items,
    an institution collapsing now, homework up to yesterday), and `reference_date`, September 1 of
    the current school year, for what the school year starts from (teachers' ages, accounts)."""

    seed: int
    scale: float
    today: dt.date
    state: dict[str, Any] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def current_year(self) -> int:
        """The start year of the current school year, the one holding `today`."""
        return school_year_of(self.today)

    @property
    def reference_date(self) -> dt.date:
        return dt.date(self.current_year, *YEAR_START)

    @property
    def reference_datetime(self) -> dt.datetime:
        return dt.datetime.combine(self.reference_date, dt.time(8), tzinfo=BEIJING)

    def warn(self, message: str) -> None:
        """Something the operator should know about the build (printed by the `demo` command)."""
        self.warnings.append(message)

    def rng(self, name: str) -> random.Random:
        """An independent stream per name: adding a generator never changes another's rows.
        String seeds are hashed with SHA-512 by `random`, so they do not depend on PYTHONHASHSEED."""
        return random.Random(f"edugov-demo:{self.seed}:{name}")

    def count(self, label: str, n: int) -> None:
        self.counts[label] = self.counts.get(label, 0) + n


GeneratorFn = Callable[[DemoContext], None]
ResetFn = Callable[[], None]


@dataclass(frozen=True)
class Generator:
    name: str
    fn: GeneratorFn
    order: int
    reset: ResetFn | None = None


_GENERATORS: dict[str, Generator] = {}


def register_generator(name: str, fn: GeneratorFn, order: int, *, reset: ResetFn | None = None) -> None:
    """Register (or replace, so a reloaded app does not register twice) a domain's generator.
    `order`: registry 100, accounts 200; later modules use 300 and above. `reset` deletes the
    domain's demo rows; resets run in reverse order, so rows that point at the registry go first."""
    _GENERATORS[name] = Generator(name=name, fn=fn, order=order, reset=reset)


def unregister_generator(name: str) -> None:
    _GENERATORS.pop(name, None)


def generators() -> list[Generator]:
    return sorted(_GENERATORS.values(), key=lambda g: (g.order, g.name))
