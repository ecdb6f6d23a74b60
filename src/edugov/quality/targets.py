"""The targets quality findings compare with (data/quality_targets.toml, each with source and status)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).parent / "data" / "quality_targets.toml"


@dataclass(frozen=True)
class Targets:
    pass_rate_min: float
    pass_rate_source: str
    pass_rate_status: str
    good_rate_min: float
    good_rate_source: str
    good_rate_status: str
    below_years: int


@cache
def targets() -> Targets:
    data = tomllib.loads(DATA.read_text(encoding="utf-8"))
    f, va = data["fitness"], data["value_added"]
    return Targets(
        pass_rate_min=float(f["pass_rate_min"]),
        pass_rate_source=f["pass_rate_source"],
        pass_rate_status=f["pass_rate_status"],
        good_rate_min=float(f["good_rate_min"]),
        good_rate_source=f["good_rate_source"],
        good_rate_status=f["good_rate_status"],
        below_years=int(va["below_years"]),
    )
