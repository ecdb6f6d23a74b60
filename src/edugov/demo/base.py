"""The demo generator's plug-in point: each domain registers one generator (and how to wipe its
rows), and `demo_build` runs them in order with a shared, seeded context.

    from edugov.demo.base import register_generator
    register_generator("tutoring", build_tutoring, order=300, reset=reset_tutoring)

Call it from the app's AppConfig.ready(). A generator draws only from `ctx.rng(name)`, never from
the global `random`, and dates only from `ctx.reference_date`, so a seed always gives the same rows.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# Every "today" in the demo is this date: the start of the 2025-2026 school year.
REFERENCE_DATE = dt.date(2025, 9, 1)
REFERENCE_DATETIME = dt.datetime(2025, 9, 1, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@dataclass
class DemoContext:
    """What generators share: the seed and scale, seeded random streams, and the rows earlier
    generators built (`state`, keyed by generator name) so later ones can attach to them."""

    seed: int
    scale: float
    reference_date: dt.date = REFERENCE_DATE
    state: dict[str, Any] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

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
