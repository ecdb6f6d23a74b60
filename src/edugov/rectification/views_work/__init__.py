"""Pages of strategic tasks and leader liaison, one module per sub-domain (re-exported
here for the URLconf). Reads through selectors, writes through services; bad input is answered in
Chinese and changes nothing."""

from .liaison import leader_detail, leader_list, leader_visit_detail, leader_visit_new
from .tasks import (
    goal_new,
    milestone_edit,
    milestone_new,
    task_board,
    task_detail,
    task_edit,
    task_export,
    task_new,
)

__all__ = [
    "goal_new",
    "leader_detail",
    "leader_list",
    "leader_visit_detail",
    "leader_visit_new",
    "milestone_edit",
    "milestone_new",
    "task_board",
    "task_detail",
    "task_edit",
    "task_export",
    "task_new",
]
