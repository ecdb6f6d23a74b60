"""The safety rules read from data (data/safety.toml): rectification deadlines by hazard severity,
which severities escalate at once, the holiday reminder topics and target, checklists by kind."""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data" / "safety.toml"


@cache
def _data() -> dict[str, Any]:
    with DATA.open("rb") as f:
        return tomllib.load(f)


@dataclass(frozen=True)
class Topic:
    code: str
    label: str
    text: str


def deadline_days(severity: str) -> int:
    return int(_data()["deadlines"][severity])


def deadline(severity: str, found_on: dt.date) -> dt.date:
    return found_on + dt.timedelta(days=deadline_days(severity))


def escalates(severity: str) -> bool:
    return severity in _data()["deadlines"]["escalate"]


def rectification_severity(severity: str) -> str:
    return str(_data()["severity_map"][severity])


def topics() -> list[Topic]:
    return [Topic(t["code"], t["label"], t["text"]) for t in _data()["reminders"]["topics"]]


def reminder_target() -> float:
    return float(_data()["reminders"]["target"])


def checklist(kind: str) -> list[str]:
    return list(_data()["checklists"].get(kind, []))


def photo_max_bytes() -> int:
    return int(_data()["photo"]["max_mb"]) * 1024 * 1024
