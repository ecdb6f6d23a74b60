"""The item workflow: assign → start → submit evidence → verify (close) or return, reopen, comment;
and `item_transition`, the one dispatcher the page and the API call by action name."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from edugov.accounts.models import User
from edugov.accounts.scope import ensure_references_writable
from edugov.audit.models import AuditAction
from edugov.audit.services import audit_record
from edugov.common.dates import cn_date
from edugov.common.errors import DomainError

from .. import permissions
from ..errors import RectificationError as E
from ..findings import Finding
from ..models import (
    EscalationLevel,
    EventAction,
    ItemEvent,
    NotificationKind,
    RectificationItem,
)
from .attachments import _check_files, _save_attachments
from .items import _clean_text, _event
from .notify import _department_officers, _notify, _unit_users
from .transitions import TRANSITIONS, Transition, _check_step, _check_transition, _now, _today


def _apply(
    *,
    item: RectificationItem,
    t: Transition,
    actor: User | None,
    now: dt.datetime,
    comment: str,
    files: Sequence[UploadedFile] = (),
    extra: dict[str, Any] | None = None,
) -> ItemEvent:
    before = item.status
    changes: dict[str, Any] = {"status": [before, t.target]}
    item.status = t.target
    item.updated_at = now
    update = ["status", "updated_at"]
    for k, v in (extra or {}).items():
        old = getattr(item, k)
        if old != v:
            changes[k] = [getattr(old, "pk", old), getattr(v, "pk", v)]
            setattr(item, k, v)
            update.append(k)
    ensure_references_writable(actor, item, fields=[k for k in update if k not in ("status", "updated_at")])
    item.save(update_fields=update)
    ev = _event(
        item=item,
        action=t.action,
        actor=actor,
        now=now,
        comment=comment,
        from_status=before,
        to_status=t.target,
    )
    saved = _save_attachments(item=item, event=ev, files=files, actor=actor, now=now)
    changes = {k: [str(x) if isinstance(x, dt.date) else x for x in v] for k, v in changes.items()}
    audit_record(
        action=AuditAction.UPDATE,
        instance=item,
        changes={
            **changes,
            "action": t.action,
            "comment": comment,
            "attachments": [a.original_name for a in saved],
        },
    )
    return ev


def _lock(item: RectificationItem) -> RectificationItem:
    return (
        RectificationItem.objects.select_for_update(of=("self",))
        .select_related("area", "school")
        .get(pk=item.pk)
    )


@transaction.atomic
def item_assign(
    *,
    item: RectificationItem,
    actor: User,
    deadline: dt.date,
    responsible_person: User | None = None,
    responsible_name: str = "",
    comment: str = "",
    now: dt.datetime | None = None,
) -> RectificationItem:
    now = _now(now)
    item = _lock(item)
    t = _check_transition(actor, item, EventAction.ASSIGN)
    if deadline < _today(now):
        raise DomainError(E.DEADLINE_PAST, today=_today(now))
    if responsible_person is not None and not _may_be_responsible(responsible_person, item):
        raise DomainError(E.UNKNOWN_PERSON)
    name = _clean_text(responsible_name, field_label="责任人姓名", max_length=64, required=False)
    if responsible_person is not None and not name:
        name = str(responsible_person)
    _apply(
        item=item,
        t=t,
        actor=actor,
        now=now,
        comment=_clean_text(comment, field_label="说明", max_length=2000, required=False),
        extra={"deadline": deadline, "responsible_person": responsible_person, "responsible_name": name},
    )
    _notify(
        _unit_users(item),
        item=item,
        kind=NotificationKind.ASSIGNED,
        now=now,
        message=f"新交办整改事项：{item.title}，整改期限{cn_date(deadline)}",
    )
    return item


def _may_be_responsible(person: User, item: RectificationItem) -> bool:
    return permissions.may_be_responsible(person, item)


@transaction.atomic
def item_start(
    *, item: RectificationItem, actor: User, comment: str = "", now: dt.datetime | None = None
) -> RectificationItem:
    now = _now(now)
    item = _lock(item)
    t = _check_transition(actor, item, EventAction.START)
    _apply(
        item=item,
        t=t,
        actor=actor,
        now=now,
        comment=_clean_text(comment, field_label="说明", max_length=2000, required=False),
    )
    return item


@transaction.atomic
def item_submit_evidence(
    *,
    item: RectificationItem,
    actor: User,
    comment: str,
    files: Sequence[UploadedFile],
    now: dt.datetime | None = None,
) -> RectificationItem:
    now = _now(now)
    item = _lock(item)
    t = _check_transition(actor, item, EventAction.SUBMIT)
    if not (comment or "").strip() or not files:
        raise DomainError(E.EVIDENCE_REQUIRED)
    comment = _clean_text(comment, field_label="整改说明", max_length=4000)
    _check_files(files)
    _apply(item=item, t=t, actor=actor, now=now, comment=comment, files=files)
    _notify(
        _department_officers(item),
        item=item,
        kind=NotificationKind.SUBMITTED,
        now=now,
        message=f"{item.unit_name}已提交整改材料，待核验：{item.title}",
    )
    return item


@transaction.atomic
def item_verify(
    *, item: RectificationItem, actor: User, comment: str = "", now: dt.datetime | None = None
) -> RectificationItem:
    """对账销号: close after checking the submitted evidence."""
    now = _now(now)
    item = _lock(item)
    t = _check_transition(actor, item, EventAction.VERIFY)
    submitted = item.events.filter(action=EventAction.SUBMIT).order_by("-at", "-pk").first()
    if submitted is None or not submitted.attachments.exists():
        raise DomainError(E.NOTHING_SUBMITTED)
    comment = _clean_text(comment, field_label="核验意见", max_length=2000, required=False)
    _apply(
        item=item,
        t=t,
        actor=actor,
        now=now,
        comment=comment,
        extra={"closed_at": now, "closed_on_time": _today(now) <= item.deadline},
    )
    _notify(
        _unit_users(item),
        item=item,
        kind=NotificationKind.CLOSED,
        now=now,
        message=f"整改事项已销号：{item.title}",
    )
    return item


@transaction.atomic
def item_return(
    *,
    item: RectificationItem,
    actor: User,
    comment: str,
    deadline: dt.date | None = None,
    now: dt.datetime | None = None,
) -> RectificationItem:
    now = _now(now)
    item = _lock(item)
    t = _check_transition(actor, item, EventAction.RETURN)
    if not (comment or "").strip():
        raise DomainError(E.COMMENT_REQUIRED, action=EventAction.RETURN.label)
    comment = _clean_text(comment, field_label="退回理由", max_length=2000)
    extra: dict[str, Any] = {}
    if deadline is not None:
        if deadline < _today(now):
            raise DomainError(E.DEADLINE_PAST, today=_today(now))
        extra["deadline"] = deadline
    _apply(item=item, t=t, actor=actor, now=now, comment=comment, extra=extra)
    _notify(
        _unit_users(item),
        item=item,
        kind=NotificationKind.RETURNED,
        now=now,
        message=f"整改材料被退回：{item.title}。理由：{comment}",
    )
    return item


def _reopen(
    *,
    item: RectificationItem,
    actor: User | None,
    now: dt.datetime,
    comment: str,
    finding: Finding | None = None,
) -> None:
    extra: dict[str, Any] = {
        "closed_at": None,
        "closed_on_time": None,
        "reopen_count": item.reopen_count + 1,
        "escalation_level": EscalationLevel.NONE,
        "cause_present": True,
        "cause_checked_at": now,
    }
    if finding is not None:
        extra.update(
            evidence=finding.evidence,
            evidence_data=dict(finding.data),
            deadline=_today(now) + dt.timedelta(days=finding.deadline_days),
        )
    _apply(item=item, t=TRANSITIONS[EventAction.REOPEN], actor=actor, now=now, comment=comment, extra=extra)
    _notify(
        _unit_users(item) + _department_officers(item),
        item=item,
        kind=NotificationKind.REOPENED,
        now=now,
        message=f"整改事项重新打开：{item.title}",
    )


@transaction.atomic
def item_reopen(
    *, item: RectificationItem, actor: User, comment: str, now: dt.datetime | None = None
) -> RectificationItem:
    now = _now(now)
    item = _lock(item)
    _check_transition(actor, item, EventAction.REOPEN)
    if not (comment or "").strip():
        raise DomainError(E.COMMENT_REQUIRED, action=EventAction.REOPEN.label)
    _reopen(
        item=item, actor=actor, now=now, comment=_clean_text(comment, field_label="说明", max_length=2000)
    )
    return item


@transaction.atomic
def item_comment(
    *,
    item: RectificationItem,
    actor: User,
    comment: str,
    files: Sequence[UploadedFile] = (),
    now: dt.datetime | None = None,
) -> ItemEvent:
    now = _now(now)
    _check_step(actor, item, "item_comment")
    comment = _clean_text(comment, field_label="备注", max_length=2000)
    _check_files(files)
    ev = _event(
        item=item,
        action=EventAction.COMMENT,
        actor=actor,
        now=now,
        comment=comment,
        from_status=item.status,
        to_status=item.status,
    )
    saved = _save_attachments(item=item, event=ev, files=files, actor=actor, now=now)
    audit_record(
        action=AuditAction.UPDATE,
        instance=item,
        changes={"action": "comment", "comment": comment, "attachments": [a.original_name for a in saved]},
    )
    return ev


def item_transition(
    *,
    actor: User,
    item: RectificationItem,
    action: str,
    comment: str = "",
    deadline: dt.date | None = None,
    responsible_name: str = "",
    files: Sequence[UploadedFile] = (),
    now: dt.datetime | None = None,
) -> RectificationItem:
    """One workflow step named by its action (`assign`, `start`, `submit`, `verify`, `return`,
    `reopen`, `comment`): the item page and the API both call this, so they answer an unknown action,
    a missing deadline or a refusal alike. Each step checks its own permission."""
    if action == EventAction.ASSIGN:
        if deadline is None:
            raise DomainError(E.BAD_FIELD, field="整改期限", reason="请选择日期")
        return item_assign(
            item=item,
            actor=actor,
            deadline=deadline,
            responsible_name=responsible_name,
            comment=comment,
            now=now,
        )
    if action == EventAction.START:
        return item_start(item=item, actor=actor, comment=comment, now=now)
    if action == EventAction.SUBMIT:
        return item_submit_evidence(item=item, actor=actor, comment=comment, files=files, now=now)
    if action == EventAction.VERIFY:
        return item_verify(item=item, actor=actor, comment=comment, now=now)
    if action == EventAction.RETURN:
        return item_return(item=item, actor=actor, comment=comment, deadline=deadline, now=now)
    if action == EventAction.REOPEN:
        return item_reopen(item=item, actor=actor, comment=comment, now=now)
    if action == EventAction.COMMENT:
        item_comment(item=item, actor=actor, comment=comment, files=files, now=now)
        return item
    raise DomainError(E.UNKNOWN_ACTION, action=action[:20])


ITEM_ACTIONS: tuple[str, ...] = (*TRANSITIONS, EventAction.COMMENT)
