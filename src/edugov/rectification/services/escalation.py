"""Overdue escalation (department, then bureau leaders), deadline reminders, marking notifications read."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q

from edugov.accounts.models import User
from edugov.accounts.policy import ensure_can
from edugov.audit.models import AuditAction
from edugov.audit.services import audit_record
from edugov.common.dates import cn_date
from edugov.registry.models import Area

from .. import permissions
from ..models import (
    WORKING_STATUSES,
    EscalationLevel,
    EventAction,
    Notification,
    NotificationKind,
    RectificationItem,
)
from .items import _event
from .notify import _department_officers, _leaders, _notify, _unit_users
from .transitions import _now, _today

DUE_SOON_DAYS = 3
LEADER_AFTER_DAYS = 7  # overdue this long: escalate from the department to the bureau leaders


@dataclass
class EscalationResult:
    escalated: int = 0
    to_department: int = 0
    to_leaders: int = 0
    notifications: int = 0
    item_ids: list[int] = field(default_factory=list)


def target_level(*, deadline: dt.date, today: dt.date) -> int:
    overdue = (today - deadline).days
    if overdue <= 0:
        return EscalationLevel.NONE
    return EscalationLevel.LEADER if overdue > LEADER_AFTER_DAYS else EscalationLevel.DEPARTMENT


@transaction.atomic
def items_escalate_overdue(*, now: dt.datetime | None = None, area: Area | None = None) -> EscalationResult:
    """Overdue items (the unit still owes work after the deadline) go up one level at a time:
    first to the department's officers, after LEADER_AFTER_DAYS more to the bureau leaders.
    Rerunning on the same day changes nothing."""
    now = _now(now)
    today = _today(now)
    qs = RectificationItem.objects.select_for_update(of=("self",)).filter(
        status__in=WORKING_STATUSES, deadline__lt=today, escalation_level__lt=EscalationLevel.LEADER
    )
    if area is not None:
        qs = qs.filter(area__path__startswith=area.path)
    result = EscalationResult()
    for item in qs.select_related("area", "school").order_by("pk"):
        target = target_level(deadline=item.deadline, today=today)
        if target <= item.escalation_level:
            continue
        level = item.escalation_level + 1  # one level per run
        days = (today - item.deadline).days
        label = EscalationLevel(level).label
        _raise_level(
            item, level=level, now=now, comment=f"已逾期{days}天，{label}", why={"overdue_days": days}
        )
        recipients = _department_officers(item) if level == EscalationLevel.DEPARTMENT else _leaders(item)
        msg = f"整改事项逾期{days}天，{label}：{item.unit_name} {item.title}"
        result.notifications += _notify(
            recipients + _unit_users(item), item=item, kind=NotificationKind.ESCALATED, message=msg, now=now
        )
        result.escalated += 1
        result.item_ids.append(item.pk)
        if level == EscalationLevel.DEPARTMENT:
            result.to_department += 1
        else:
            result.to_leaders += 1
    return result


@transaction.atomic
def item_escalate_now(*, item_id: int, reason: str, now: dt.datetime | None = None) -> bool:
    """Escalate one item to the bureau leaders at once, whatever its deadline (a major hazard, say):
    the event, the audit and the leaders' and department's notifications as for overdue
    escalation. False when the item is closed or already with the leaders (nothing written)."""
    now = _now(now)
    item = (
        RectificationItem.objects.select_for_update(of=("self",))
        .select_related("area", "school")
        .filter(pk=item_id, status__in=WORKING_STATUSES, escalation_level__lt=EscalationLevel.LEADER)
        .first()
    )
    if item is None:
        return False
    label = EscalationLevel.LEADER.label
    _raise_level(
        item,
        level=EscalationLevel.LEADER,
        now=now,
        comment=f"{reason}，{label}"[:500],
        why={"reason": reason},
    )
    _notify(
        _leaders(item) + _department_officers(item) + _unit_users(item),
        item=item,
        kind=NotificationKind.ESCALATED,
        message=f"{reason}，{label}：{item.unit_name} {item.title}",
        now=now,
    )
    return True


def _raise_level(
    item: RectificationItem, *, level: int, now: dt.datetime, comment: str, why: dict[str, Any]
) -> None:
    """What every escalation writes, overdue or at once: the new level, an ESCALATE event saying
    why (`comment`), and the audit of the level before and after with `why`. Notices differ by
    caller, so they stay there."""
    before = item.escalation_level
    item.escalation_level = level
    item.updated_at = now
    item.save(update_fields=["escalation_level", "updated_at"])
    _event(
        item=item,
        action=EventAction.ESCALATE,
        actor=None,
        now=now,
        from_status=item.status,
        to_status=item.status,
        comment=comment,
    )
    audit_record(
        action=AuditAction.UPDATE, instance=item, changes={"escalation_level": [before, level], **why}
    )


@transaction.atomic
def notifications_due_soon(*, now: dt.datetime | None = None) -> int:
    """Remind units of deadlines within DUE_SOON_DAYS, once per item and deadline."""
    now = _now(now)
    today = _today(now)
    created = 0
    items = RectificationItem.objects.filter(
        status__in=WORKING_STATUSES,
        deadline__gte=today,
        deadline__lte=today + dt.timedelta(days=DUE_SOON_DAYS),
    ).select_related("area", "school")
    for item in items:
        marker = f"整改期限{cn_date(item.deadline)}"
        # Notices written before dates were shown the Chinese way carry the ISO date: either counts.
        sent = Q(message__contains=marker) | Q(message__contains=f"整改期限{item.deadline:%Y-%m-%d}")
        if item.notifications.filter(sent, kind=NotificationKind.DUE_SOON).exists():
            continue
        created += _notify(
            _unit_users(item),
            item=item,
            kind=NotificationKind.DUE_SOON,
            now=now,
            message=f"整改事项即将到期（{marker}）：{item.title}",
        )
    return created


@transaction.atomic
def notification_mark_read(
    *, actor: User, ids: Sequence[int] | None = None, now: dt.datetime | None = None
) -> int:
    ensure_can(actor, permissions.action("notification_read"))
    qs = Notification.objects.filter(user=actor, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=_now(now))
