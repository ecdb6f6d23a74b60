"""Writes of school groups: set a group up with its lead and members, add a member, keep a term's
unification plan, record an activity once for the group, set up a joint class with its rotation.
Each asks the policy first, refuses bad input in Chinese (nothing written) and leaves an audit record."""

from __future__ import annotations

from .activities import activity_record, plan_save
from .effect import effect_mark_changed, effect_mark_stale, effect_refresh
from .evidence import MAX_EVIDENCE_FILES, MAX_EVIDENCE_MB, evidence_check, evidence_upload
from .groups import group_create, group_end, group_update, member_add, member_leave
from .joint_classes import joint_class_create, joint_class_update, rotation_add, rotation_delete
from .terms import TERM_RE, check_term, term_label, term_of

__all__ = [
    "MAX_EVIDENCE_FILES",
    "MAX_EVIDENCE_MB",
    "TERM_RE",
    "activity_record",
    "check_term",
    "effect_mark_changed",
    "effect_mark_stale",
    "effect_refresh",
    "evidence_check",
    "evidence_upload",
    "group_create",
    "group_end",
    "group_update",
    "joint_class_create",
    "joint_class_update",
    "member_add",
    "member_leave",
    "plan_save",
    "rotation_add",
    "rotation_delete",
    "term_label",
    "term_of",
]
