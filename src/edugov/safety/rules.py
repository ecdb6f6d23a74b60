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


def drills_per_term() -> dict[str, int]:
    return {k: int(v) for k, v in _data()["drills"]["per_term"].items()}


def drills_first_month() -> tuple[list[str], int]:
    d = _data()["drills"]
    return list(d["first_month"]), int(d["first_month_days"])


def drills_due(kind: str, *, term_start: dt.date, term_end: dt.date, on: dt.date) -> int:
    """Drills of a kind due by `on`: the term's number spread evenly over the term (floor), and at
    least one once the first month has passed for the first-month kinds."""
    required = drills_per_term().get(kind, 0)
    length = max((term_end - term_start).days, 1)
    elapsed = min(max((on - term_start).days, 0), length)
    due = required * elapsed // length
    first, days = drills_first_month()
    if kind in first and (on - term_start).days >= days:
        due = max(due, 1)
    return due


def lesson_topics() -> list[str]:
    return list(_data()["lessons"]["topics"])


def patrol_every_days() -> int:
    return int(_data()["patrols"]["every_days"])


def public_limits() -> tuple[int, int]:
    p = _data()["public"]
    return int(p["reports_per_hour"]), int(p["acks_per_minute"])


def water_margin_degrees() -> float:
    """How far (in degrees) beyond the district's located schools a water's coordinates may lie."""
    return float(_data()["waters"]["margin_degrees"])


def china_box() -> tuple[float, float, float, float]:
    """China's box (west, south, east, north), the check when no school of the district is located."""
    w, s, e, n = _data()["waters"]["china"]
    return float(w), float(s), float(e), float(n)
