"""The rectification schema, one module per sub-domain (re-exported here, where Django and the
migrations look for it):

    items     problem items, their timeline, attachments and notifications (问题清单·对账销号)
    rankings  red and black lists and the battle map's district boundaries
    work      strategic tasks and leader liaison (重点任务、挂钩联系)

Supervision's models moved to their own app (edugov.supervision), keeping their tables."""

from .items import (
    OPEN_STATUSES,
    SEVERITY_RANK,
    WORKING_STATUSES,
    Attachment,
    EscalationLevel,
    EventAction,
    ItemEvent,
    ItemSource,
    ItemStatus,
    Notification,
    NotificationKind,
    RectificationItem,
    Severity,
    UnitKind,
    attachment_path,
)
from .rankings import Boundary, ListKind, PeriodKind, Ranking, RankingEntry, RankingStatus
from .work import KeyTask, LeaderVisit, LiaisonLink, Milestone, Rag, TaskGoal, VisitProblem

__all__ = [
    "OPEN_STATUSES",
    "SEVERITY_RANK",
    "WORKING_STATUSES",
    "Attachment",
    "Boundary",
    "EscalationLevel",
    "EventAction",
    "ItemEvent",
    "ItemSource",
    "ItemStatus",
    "KeyTask",
    "LeaderVisit",
    "LiaisonLink",
    "ListKind",
    "Milestone",
    "Notification",
    "NotificationKind",
    "PeriodKind",
    "Rag",
    "Ranking",
    "RankingEntry",
    "RankingStatus",
    "RectificationItem",
    "Severity",
    "TaskGoal",
    "UnitKind",
    "VisitProblem",
    "attachment_path",
]
