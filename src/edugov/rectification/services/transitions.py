"""The workflow's transition table and the checks every step passes: the policy (role, department,
unit), the write scope and the item's status."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone

from edugov.accounts.models import User
from edugov.accounts.policy import can, ensure_can, role_may
from edugov.accounts.scope import ensure_in_write_scope
from edugov.common.errors import DomainError

from .. import permissions
from ..errors import RectificationError as E
from ..models import (
    EventAction,
    ItemStatus,
    RectificationItem,
)

MAX_ID = 2**63 - 1


def storable_ids(ids: Iterable[int]) -> list[int]:
    """The ids a row could have. A number beyond a 64-bit integer names no row, but in an `IN (...)`
    list it crashes SQLite's driver instead of matching nothing; callers compare counts after."""
    return [i for i in ids if 0 < i <= MAX_ID]


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str
    by_officer: bool  # bureau officers (assign, verify, return, reopen)
    by_unit: bool  # the responsible unit (start, submit)


S = ItemStatus
TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        Transition(EventAction.ASSIGN, frozenset({S.OPEN, S.ASSIGNED}), S.ASSIGNED, True, False),
        Transition(EventAction.START, frozenset({S.ASSIGNED, S.RETURNED}), S.IN_RECTIFICATION, True, True),
        Transition(
            EventAction.SUBMIT, frozenset({S.IN_RECTIFICATION, S.RETURNED}), S.EVIDENCE_SUBMITTED, False, True
        ),
        Transition(EventAction.VERIFY, frozenset({S.EVIDENCE_SUBMITTED}), S.CLOSED, True, False),
        Transition(EventAction.RETURN, frozenset({S.EVIDENCE_SUBMITTED}), S.RETURNED, True, False),
        Transition(EventAction.REOPEN, frozenset({S.CLOSED}), S.OPEN, True, False),
    )
}


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def _today(now: dt.datetime) -> dt.date:
    return timezone.localtime(now).date()


def is_officer_for(actor: User, item: RectificationItem) -> bool:
    return permissions.is_officer_for(actor, item)


def is_unit_user_for(actor: User, item: RectificationItem) -> bool:
    return permissions.is_unit_user_for(actor, item)


def allowed_actions(actor: User, item: RectificationItem) -> list[str]:
    """The workflow actions `actor` may take on `item` now (the page shows these buttons): the
    transition table says which the status allows, the policy who may take them."""
    open_now = [t.action for t in TRANSITIONS.values() if item.status in t.sources]
    names = permissions.item_steps(actor, item, [permissions.TRANSITION_ACTIONS[a] for a in open_now])
    return [a for a in open_now if permissions.TRANSITION_ACTIONS[a] in names]


def may_comment(actor: User, item: RectificationItem) -> bool:
    return bool(permissions.item_steps(actor, item, ["item_comment"]))


def _check_step(actor: User, item: RectificationItem, name: str, t: Transition | None = None) -> None:
    """Role (read-only, module, department), write scope, the status (for a transition), then the
    policy's predicate (own department, own unit)."""
    act = permissions.action(name)
    if not role_may(actor, act):
        ensure_can(actor, act)  # raises the policy's refusal
    ensure_in_write_scope(item, actor)
    if t is not None and item.status not in t.sources:
        label = EventAction(t.action).label
        raise DomainError(E.TRANSITION_REFUSED, status=ItemStatus(item.status).label, action=label)
    if not can(actor, act, item):
        raise permissions.transition_refusal(actor, item, name)


def _check_transition(actor: User, item: RectificationItem, action: str) -> Transition:
    t = TRANSITIONS[action]
    _check_step(actor, item, permissions.TRANSITION_ACTIONS[action], t)
    return t
