"""Writes of school safety: grid cells, inspections whose hazards each become a rectification item,
holiday reminders scheduled to every class and sent through a channel, head teachers' confirmations,
parents' acknowledgements (public, by the class's link), the public's drowning-risk reports, and
where each dangerous water is (location and map coordinates).

Time is a parameter (`now`) so tests freeze the clock without sleeping."""

from __future__ import annotations

from .common import BUREAU, HAZARD_SOURCE, IMAGE_TYPES, photo_check, term_of
from .holidays import acknowledge, holiday_schedule, reminder_confirm, reminders_flag_missing, reminders_send
from .inspections import HazardInput, _hazard_finding, cell_create, inspection_record
from .records import drill_record, incident_record, lesson_record, patrol_record, reward_pay
from .water import water_report_handle, water_report_submit
from .waters import degrees, district_box, water_place_set

__all__ = [
    "BUREAU",
    "HAZARD_SOURCE",
    "IMAGE_TYPES",
    "HazardInput",
    "_hazard_finding",
    "acknowledge",
    "cell_create",
    "degrees",
    "district_box",
    "drill_record",
    "holiday_schedule",
    "incident_record",
    "inspection_record",
    "lesson_record",
    "patrol_record",
    "photo_check",
    "reminder_confirm",
    "reminders_flag_missing",
    "reminders_send",
    "reward_pay",
    "term_of",
    "water_place_set",
    "water_report_handle",
    "water_report_submit",
]
