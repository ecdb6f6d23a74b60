"""Local planning rules kept as data (`data/planning.toml`): the project list's scoring, the quota
share, the private compulsory schools' cap. Read once per call; tests pass their own dicts."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

RULES_FILE = Path(__file__).resolve().parent / "data" / "planning.toml"


def load() -> dict[str, Any]:
    with RULES_FILE.open("rb") as fh:
        return tomllib.load(fh)
