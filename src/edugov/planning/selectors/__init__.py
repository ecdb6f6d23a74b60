"""Reads of planning: the enrolment history from the registry's classes, the towns' figures, the
forecast with its back-test, places against demand by town and year, the layout list and the
project board. Everything is read through the actor's scope and returned as plain data."""

from .demand import (
    MAX_HORIZON,
    STAGE_LABELS,
    Inputs,
    Norms,
    inputs,
    join_year,
    norms,
    project_places,
    school_places,
)
from .enrolment import SchoolEnrolmentForecast, school_enrolment_forecast
from .layout import closures, layout_points, layout_proposals, layout_rules, map_data, merge_preview, zones
from .overview import GapRow, Overview, layout_list, planning_overview
from .private import COMPULSORY_TYPES, PrivateOverview, PrivateRow, private_overview
from .projects import ProjectRow, progress_table, project_board, project_figures, project_list, project_lists
from .quota import QuotaTable, juniors, quota_plans, quota_table

__all__ = [
    "COMPULSORY_TYPES",
    "MAX_HORIZON",
    "STAGE_LABELS",
    "GapRow",
    "Inputs",
    "Norms",
    "Overview",
    "PrivateOverview",
    "PrivateRow",
    "ProjectRow",
    "QuotaTable",
    "SchoolEnrolmentForecast",
    "closures",
    "inputs",
    "join_year",
    "juniors",
    "layout_list",
    "layout_points",
    "layout_proposals",
    "layout_rules",
    "map_data",
    "merge_preview",
    "norms",
    "planning_overview",
    "private_overview",
    "progress_table",
    "project_board",
    "project_figures",
    "project_list",
    "project_lists",
    "project_places",
    "quota_plans",
    "quota_table",
    "school_enrolment_forecast",
    "school_places",
    "zones",
]
