"""Writes of the rectification loop: creating items (by hand or from findings), the workflow
(assign → start → submit evidence → verify and close, or return), overdue escalation, and
notifications. Every transition is checked here (role, scope, state), audited with its comment
and attachments, and recorded on the item's timeline.

Time is a parameter (`now`), so that tests freeze the clock without sleeping. One module per
sub-domain; every public name is re-exported here (`from edugov.rectification import services`)."""

from .attachments import MAX_ATTACHMENT_MB, MAX_ATTACHMENTS, attachment_check
from .digest import daily_round, digest_send, milestones_due_by_user, overdue_q
from .escalation import (
    DUE_SOON_DAYS,
    LEADER_AFTER_DAYS,
    EscalationResult,
    item_escalate_now,
    items_escalate_overdue,
    notification_mark_read,
    notifications_due_soon,
    target_level,
)
from .items import UnitInfo, institution_unit, item_create, item_create_system, resolve_unit
from .sync import SyncResult, findings_sync, findings_sync_all
from .transitions import (
    MAX_ID,
    TRANSITIONS,
    Transition,
    allowed_actions,
    is_officer_for,
    is_unit_user_for,
    may_comment,
    storable_ids,
)
from .workflow import (
    ITEM_ACTIONS,
    _apply,
    item_assign,
    item_comment,
    item_reopen,
    item_return,
    item_start,
    item_submit_evidence,
    item_transition,
    item_verify,
)

__all__ = [
    "DUE_SOON_DAYS",
    "ITEM_ACTIONS",
    "LEADER_AFTER_DAYS",
    "MAX_ATTACHMENTS",
    "MAX_ATTACHMENT_MB",
    "MAX_ID",
    "TRANSITIONS",
    "EscalationResult",
    "SyncResult",
    "Transition",
    "UnitInfo",
    "_apply",
    "allowed_actions",
    "attachment_check",
    "daily_round",
    "digest_send",
    "findings_sync",
    "findings_sync_all",
    "institution_unit",
    "is_officer_for",
    "is_unit_user_for",
    "item_assign",
    "item_comment",
    "item_create",
    "item_create_system",
    "item_escalate_now",
    "item_reopen",
    "item_return",
    "item_start",
    "item_submit_evidence",
    "item_transition",
    "item_verify",
    "items_escalate_overdue",
    "may_comment",
    "milestones_due_by_user",
    "notification_mark_read",
    "notifications_due_soon",
    "overdue_q",
    "resolve_unit",
    "storable_ids",
    "target_level",
]
