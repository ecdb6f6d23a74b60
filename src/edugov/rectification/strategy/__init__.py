"""Strategic tasks (重点任务): goals broken into key tasks and milestones, the red/amber/green rule,
roll-up by goal and by department, and the finding source that turns overdue milestones into
rectification items. One module per sub-domain, re-exported here:

    progress  the RAG rule and weighted progress (documented in docs/rectification.md)
    planning  goals, key tasks and milestones: creating, changing, reporting progress
    board     reads: goals, the board and its roll-up, chart, export, form look-ups
    overdue   the finding source of overdue milestones (registered on import)
"""

from .board import (
    EXPORT_HEADERS,
    Board,
    RollUp,
    TaskRow,
    board_chart,
    export_rows,
    goal_areas,
    goal_get,
    goal_list,
    lead_schools,
    milestone_get,
    milestones_due,
    owner_candidates,
    task_board,
    task_get,
    task_rows,
)
from .overdue import MILESTONE_OVERDUE, overdue_milestones
from .planning import (
    MILESTONE_FIELDS,
    TASK_FIELDS,
    goal_create,
    may_edit_task,
    may_plan,
    may_report,
    milestone_create,
    milestone_report,
    milestone_update,
    task_create,
    task_update,
)
from .progress import AMBER_LAG, RED_LAG, expected_progress, rag_status, weighted_progress

__all__ = [
    "AMBER_LAG",
    "EXPORT_HEADERS",
    "MILESTONE_FIELDS",
    "MILESTONE_OVERDUE",
    "RED_LAG",
    "TASK_FIELDS",
    "Board",
    "RollUp",
    "TaskRow",
    "board_chart",
    "expected_progress",
    "export_rows",
    "goal_areas",
    "goal_create",
    "goal_get",
    "goal_list",
    "lead_schools",
    "may_edit_task",
    "may_plan",
    "may_report",
    "milestone_create",
    "milestone_get",
    "milestone_report",
    "milestone_update",
    "milestones_due",
    "overdue_milestones",
    "owner_candidates",
    "rag_status",
    "task_board",
    "task_create",
    "task_get",
    "task_rows",
    "task_update",
    "weighted_progress",
]
