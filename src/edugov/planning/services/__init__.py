"""Writes of planning: a town's yearly figures, new housing, a school's classrooms, construction
projects and their milestones, and a stored forecast. Each asks the policy, checks the rows it
touches are in the writer's scope, refuses bad input in Chinese and leaves an audit record."""

from .figures import capacity_set, forecast_save, housing_create, town_year_save
from .layout import CLOSURE_BEFORE, closure_drop, closure_propose, closure_step, village_save, zone_save
from .private import private_year_save
from .projects import (
    milestone_done,
    progress_report,
    project_complete,
    project_create,
    project_list_make,
    project_list_publish,
)
from .quota import SENIOR_TYPES, quota_save

__all__ = [
    "CLOSURE_BEFORE",
    "SENIOR_TYPES",
    "capacity_set",
    "closure_drop",
    "closure_propose",
    "closure_step",
    "forecast_save",
    "housing_create",
    "milestone_done",
    "private_year_save",
    "progress_report",
    "project_complete",
    "project_create",
    "project_list_make",
    "project_list_publish",
    "quota_save",
    "town_year_save",
    "village_save",
    "zone_save",
]
