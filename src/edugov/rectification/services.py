"""Writes of the rectification loop: creating items (by hand or from findings), the workflow
(assign → start → submit evidence → verify and close, or return), overdue escalation, and
notifications. Every transition is checked here (role, scope, state), audited with its comment
and attachments, and recorded on the item's timeline.

Time is a parameter (`now`), so that tests freeze the clock without sleeping."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from edugov.accounts.models import Department, Role, User
from edugov.accounts.policy import can, ensure_can, role_may
from edugov.accounts.scope import ensure_in_write_scope, ensure_references_writable, write_scoped
from edugov.audit.models import AuditAction, AuditEvent
from edugov.audit.services import audit_bulk, audit_record, snapshot
from edugov.common.errors import DomainError
from edugov.registry.models import Area, School

from . import permissions
from .errors import RectificationError as E
from .findings import Finding, FindingContext, get_finding_source
from .models import (
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
)

MAX_ATTACHMENT_MB = 20
MAX_ATTACHMENTS = 10
# Extension → accepted leading bytes (the file must be what its name says).
_SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "docx": (b"PK\x03\x04",),
    "xlsx": (b"PK\x03\x04",),
    "doc": (b"\xd0\xcf\x11\xe0",),
    "xls": (b"\xd0\xcf\x11\xe0",),
}
_CONTENT_TYPES = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
}
DUE_SOON_DAYS = 3
LEADER_AFTER_DAYS = 7  # overdue this long: escalate from the department to the bureau leaders
MAX_ID = 2**63 - 1


def storable_ids(ids: Iterable[int]) -> list[int]:
    """The ids a row could have. A number beyond a 64-bit integer names no row, but in an `IN (...)`
    list it crashes SQLite's driver instead of matching nothing; callers compare counts after."""
    return [i for i in ids if 0 < i <= MAX_ID]


# Who may do what ---------------------------------------------------------------------------------


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


def is_officer_for(user: Any, item: RectificationItem) -> bool:
    return permissions.is_officer_for(user, item)


def is_unit_user_for(user: Any, item: RectificationItem) -> bool:
    return permissions.is_unit_user_for(user, item)


def allowed_actions(user: Any, item: RectificationItem) -> list[str]:
    """The workflow actions `user` may take on `item` now (the page shows these buttons): the
    transition table says which the status allows, the policy who may take them."""
    open_now = [t.action for t in TRANSITIONS.values() if item.status in t.sources]
    names = permissions.item_steps(user, item, [permissions.TRANSITION_ACTIONS[a] for a in open_now])
    return [a for a in open_now if permissions.TRANSITION_ACTIONS[a] in names]


def may_comment(user: Any, item: RectificationItem) -> bool:
    return bool(permissions.item_steps(user, item, ["item_comment"]))


def _check_step(user: Any, item: RectificationItem, name: str, t: Transition | None = None) -> None:
    """Role (read-only, module, department), write scope, the status (for a transition), then the
    policy's predicate (own department, own unit)."""
    act = permissions.action(name)
    if not role_may(user, act):
        ensure_can(user, act)  # raises the policy's refusal
    ensure_in_write_scope(item, user)
    if t is not None and item.status not in t.sources:
        label = EventAction(t.action).label
        raise DomainError(E.TRANSITION_REFUSED, status=ItemStatus(item.status).label, action=label)
    if not can(user, act, item):
        raise permissions.transition_refusal(user, item, name)


def _check_transition(user: Any, item: RectificationItem, action: str) -> Transition:
    t = TRANSITIONS[action]
    _check_step(user, item, permissions.TRANSITION_ACTIONS[action], t)
    return t


# Attachments ------------------------------------------------------------------------------------


def attachment_check(upload: UploadedFile) -> str:
    """The file's extension after checking its size, type and leading bytes (Chinese errors)."""
    name = (upload.name or "附件")[-100:]
    if upload.size is None or upload.size == 0:
        raise DomainError(E.FILE_EMPTY, name=name)
    if upload.size > MAX_ATTACHMENT_MB * 1024 * 1024:
        raise DomainError(E.FILE_TOO_LARGE, name=name, limit=MAX_ATTACHMENT_MB)
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in _SIGNATURES:
        raise DomainError(E.FILE_TYPE, name=name)
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if not any(head.startswith(sig) for sig in _SIGNATURES[ext]):
        raise DomainError(E.FILE_CONTENT, name=name)
    return ext


def _save_attachments(
    *,
    item: RectificationItem,
    event: ItemEvent | None,
    files: Sequence[UploadedFile],
    user: Any,
    now: dt.datetime,
) -> list[Attachment]:
    saved = []
    for upload in files:
        ext = attachment_check(upload)
        att = Attachment(
            item=item,
            event=event,
            token=secrets.token_hex(4),
            original_name=(upload.name or "附件")[-200:],
            size=upload.size or 0,
            content_type=_CONTENT_TYPES[ext],
            uploaded_by=user if getattr(user, "pk", None) else None,
            uploaded_at=now,
        )
        att.file.save(upload.name or f"file.{ext}", upload, save=False)
        att.save()
        saved.append(att)
    return saved


def _check_files(files: Sequence[UploadedFile]) -> None:
    if len(files) > MAX_ATTACHMENTS:
        raise DomainError(E.TOO_MANY_FILES, limit=MAX_ATTACHMENTS)
    for f in files:
        attachment_check(f)  # all checked before anything is written


# Notifications ----------------------------------------------------------------------------------


def _unit_users(item: RectificationItem) -> list[User]:
    users = User.objects.filter(is_active=True)
    if item.unit_kind == UnitKind.SCHOOL:
        school = item.school
        ids = [item.school_id] + ([school.central_school_id] if school and school.central_school_id else [])
        found = list(users.filter(role=Role.SCHOOL_ADMIN, school_id__in=ids))
    elif item.unit_kind == UnitKind.INSTITUTION:
        found = list(users.filter(role=Role.INSTITUTION_OPERATOR, institution_id=item.institution_id))
    else:
        found = []
    if item.responsible_person_id and all(u.pk != item.responsible_person_id for u in found):
        found.append(item.responsible_person)  # type: ignore[arg-type]
    return found


def _ancestor_paths(path: str) -> list[str]:
    codes = [c for c in path.strip("/").split("/") if c]
    return ["/" + "/".join(codes[: i + 1]) + "/" for i in range(len(codes))]


def _department_officers(item: RectificationItem) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True,
            role=Role.DEPARTMENT_OFFICER,
            department=item.department,
            area__path__in=_ancestor_paths(item.area.path),
        )
    )


def _leaders(item: RectificationItem) -> list[User]:
    return list(
        User.objects.filter(is_active=True, role=Role.LEADER, area__path__in=_ancestor_paths(item.area.path))
    )


def _notify(
    users: Iterable[User], *, item: RectificationItem, kind: str, message: str, now: dt.datetime
) -> int:
    rows = [
        Notification(user=u, item=item, kind=kind, message=message[:300], created_at=now)
        for u in {u.pk: u for u in users}.values()
    ]
    Notification.objects.bulk_create(rows)
    return len(rows)


# Creating items ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitInfo:
    kind: str
    school: School | None
    institution_id: int | None
    area: Area
    name: str
    longitude: Decimal | None
    latitude: Decimal | None


def _decimal(v: Any) -> Decimal | None:
    return None if v is None else Decimal(f"{float(v):.6f}")


def resolve_unit(
    *,
    kind: str,
    unit_id: int,
    name: str = "",
    area_id: int | None = None,
    longitude: Any = None,
    latitude: Any = None,
) -> UnitInfo:
    if kind == UnitKind.SCHOOL:
        school = School.objects.select_related("area").filter(pk=unit_id).first()
        if school is None:
            raise DomainError(E.UNKNOWN_UNIT)
        return UnitInfo(kind, school, None, school.area, school.name, school.longitude, school.latitude)
    if kind == UnitKind.AREA:
        area = Area.objects.filter(pk=unit_id).first()
        if area is None:
            raise DomainError(E.UNKNOWN_UNIT)
        return UnitInfo(kind, None, None, area, area.name, None, None)
    if kind == UnitKind.INSTITUTION:
        area = Area.objects.filter(pk=area_id).first() if area_id else None
        if area is None or not name:
            raise DomainError(E.UNKNOWN_UNIT)
        return UnitInfo(kind, None, unit_id, area, name, _decimal(longitude), _decimal(latitude))
    raise DomainError(E.UNKNOWN_UNIT)


def institution_unit(*, institution_id: int, user: Any = None) -> UnitInfo:
    """An institution as a unit, read through the scoping point (the tutoring app owns the table)."""
    from django.apps import apps

    if not apps.is_installed("edugov.tutoring"):
        raise DomainError(E.UNKNOWN_UNIT)
    model = apps.get_model("tutoring", "Institution")
    # The item names the institution: it must lie in its writer's write scope.
    qs = write_scoped(model, user) if user is not None else model.objects.all()
    inst = qs.filter(pk=institution_id).first()
    if inst is None:
        raise DomainError(E.UNKNOWN_UNIT)
    return resolve_unit(
        kind=UnitKind.INSTITUTION,
        unit_id=inst.pk,
        name=inst.name,
        area_id=inst.area_id,
        longitude=inst.longitude,
        latitude=inst.latitude,
    )


def _new_item(*, unit: UnitInfo, now: dt.datetime, **fields: Any) -> RectificationItem:
    return RectificationItem(
        unit_kind=unit.kind,
        school=unit.school,
        institution_id=unit.institution_id,
        area=unit.area,
        unit_name=unit.name[:120],
        longitude=unit.longitude,
        latitude=unit.latitude,
        created_at=now,
        updated_at=now,
        **fields,
    )


def _event(
    *,
    item: RectificationItem,
    action: str,
    user: Any,
    now: dt.datetime,
    comment: str = "",
    from_status: str = "",
    to_status: str = "",
    save: bool = True,
) -> ItemEvent:
    ev = ItemEvent(
        item=item,
        action=action,
        from_status=from_status,
        to_status=to_status,
        comment=comment,
        actor=user if getattr(user, "pk", None) else None,
        actor_name=(str(user) if getattr(user, "pk", None) else "系统")[:64],
        at=now,
    )
    if save:
        ev.save()
    return ev


def _clean_text(value: str, *, field_label: str, max_length: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise DomainError(E.BAD_FIELD, field=field_label, reason="不能为空")
    if len(value) > max_length:
        raise DomainError(E.BAD_FIELD, field=field_label, reason=f"不能超过{max_length}个字")
    return value


def _check_choice(value: str, choices: Any, *, field_label: str) -> str:
    if value not in choices.values:
        raise DomainError(E.BAD_FIELD, field=field_label, reason="取值无效")
    return value


@transaction.atomic
def item_create(
    *,
    user: Any,
    source: str,
    unit_kind: str,
    unit_id: int,
    title: str,
    required_action: str,
    department: str,
    deadline: dt.date,
    severity: str = Severity.MEDIUM,
    evidence: str = "",
    files: Sequence[UploadedFile] = (),
    visit_kind: str = "",
    visit_id: int | None = None,
    now: dt.datetime | None = None,
) -> RectificationItem:
    """An item entered by an officer or inspector (supervision, leader visit, complaint, manual)."""
    now = _now(now)
    ensure_can(user, permissions.action("item_create"))
    _check_choice(source, ItemSource, field_label="问题来源")
    _check_choice(severity, Severity, field_label="严重程度")
    _check_choice(department, Department, field_label="主管科室")
    _check_choice(unit_kind, UnitKind, field_label="责任单位类型")
    title = _clean_text(title, field_label="问题标题", max_length=200)
    required_action = _clean_text(required_action, field_label="整改要求", max_length=4000)
    evidence = _clean_text(evidence, field_label="问题依据", max_length=8000, required=False)
    if deadline < _today(now):
        raise DomainError(E.DEADLINE_PAST, today=_today(now).isoformat())
    if unit_kind == UnitKind.INSTITUTION:
        unit = institution_unit(institution_id=unit_id, user=user)
    else:
        unit = resolve_unit(kind=unit_kind, unit_id=unit_id)
        anchor = unit.school if unit.school is not None else unit.area
        if not write_scoped(type(anchor)._default_manager.filter(pk=anchor.pk), user).exists():
            raise DomainError(E.UNKNOWN_UNIT)
    _check_files(files)
    item = _new_item(
        unit=unit,
        now=now,
        title=title,
        source=source,
        department=department,
        deadline=deadline,
        severity=severity,
        evidence=evidence,
        required_action=required_action,
        created_by=user,
        visit_kind=visit_kind,
        visit_id=visit_id,
    )
    ensure_references_writable(user, item)
    item.save()
    ev = _event(item=item, action=EventAction.CREATE, user=user, now=now, to_status=ItemStatus.OPEN)
    _save_attachments(item=item, event=ev, files=files, user=user, now=now)
    audit_record(action=AuditAction.CREATE, instance=item, changes={"after": snapshot(item)})
    return item


@transaction.atomic
def item_create_system(
    *,
    finding: Finding,
    source: str = ItemSource.DATA,
    now: dt.datetime | None = None,
    visit_kind: str = "",
    visit_id: int | None = None,
    created_by: Any = None,
) -> RectificationItem:
    """An item raised by the system (a data finding, a supervision or liaison visit record):
    the caller has already checked permission. Idempotent on the finding's cause key."""
    now = _now(now)
    finding.check()
    existing = RectificationItem.objects.filter(cause_key=finding.cause_key).first()
    if existing is not None:
        return existing
    u = finding.unit
    unit = resolve_unit(
        kind=u.kind, unit_id=u.id, name=u.name, area_id=u.area_id, longitude=u.longitude, latitude=u.latitude
    )
    item = _new_item(
        unit=unit,
        now=now,
        title=finding.title[:200],
        source=source,
        finding_source=finding.source,
        cause_key=finding.cause_key,
        cause_checked_at=now,
        department=finding.department,
        deadline=_today(now) + dt.timedelta(days=finding.deadline_days),
        severity=finding.severity,
        evidence=finding.evidence,
        evidence_data=dict(finding.data),
        required_action=finding.required_action,
        visit_kind=visit_kind,
        visit_id=visit_id,
        created_by=created_by,
    )
    item.save()
    _event(item=item, action=EventAction.CREATE, user=created_by, now=now, to_status=ItemStatus.OPEN)
    audit_record(action=AuditAction.CREATE, instance=item, changes={"after": snapshot(item)})
    return item


# Findings sync ----------------------------------------------------------------------------------


@dataclass
class SyncResult:
    source: str
    found: int = 0
    created: int = 0
    reopened: int = 0
    still_open: int = 0
    cause_gone: int = 0
    cause_back: int = 0
    created_ids: list[int] = field(default_factory=list)


@transaction.atomic
def findings_sync(*, source: str, area: Area | None = None, now: dt.datetime | None = None) -> SyncResult:
    """Run one registered finding source and bring its items in line: a new cause gets one open
    item, a closed item whose cause is found again reopens, an open item whose cause is no longer
    found is marked (it still closes only by verification)."""
    now = _now(now)
    registered = get_finding_source(source)
    if registered is None:
        raise DomainError(E.UNKNOWN_SOURCE, source=source[:64])
    findings: dict[str, Finding] = {}
    for f in registered.fn(FindingContext(now=now, area=area)):
        f.check()
        findings.setdefault(f.cause_key, f)
    result = SyncResult(source=source, found=len(findings))

    existing_qs = RectificationItem.objects.filter(finding_source=source)
    if area is not None:
        existing_qs = existing_qs.filter(area__path__startswith=area.path)
    existing = {i.cause_key: i for i in existing_qs}
    # A cause may have been raised under another source name before; the key stays unique.
    others = set(
        RectificationItem.objects.filter(
            cause_key__in=[k for k in findings if k not in existing]
        ).values_list("cause_key", flat=True)
    )

    # New causes: bulk, because a first run over a district finds hundreds.
    schools = School.objects.in_bulk(
        {f.unit.id for k, f in findings.items() if k not in existing and f.unit.kind == UnitKind.SCHOOL}
    )
    areas = Area.objects.in_bulk(
        {f.unit.id for k, f in findings.items() if k not in existing and f.unit.kind == UnitKind.AREA}
        | {f.unit.area_id for f in findings.values() if f.unit.area_id}
        | {s.area_id for s in schools.values()}
    )
    new_items: list[RectificationItem] = []
    today = _today(now)
    for key, f in findings.items():
        if key in existing or key in others:
            continue
        if f.unit.kind == UnitKind.SCHOOL:
            s = schools.get(f.unit.id)
            if s is None:
                continue
            unit = UnitInfo(UnitKind.SCHOOL, s, None, areas[s.area_id], s.name, s.longitude, s.latitude)
        elif f.unit.kind == UnitKind.AREA:
            a = areas.get(f.unit.id)
            if a is None:
                continue
            unit = UnitInfo(UnitKind.AREA, None, None, a, a.name, None, None)
        else:
            a = areas.get(f.unit.area_id or 0)
            if a is None:
                continue
            unit = UnitInfo(
                UnitKind.INSTITUTION,
                None,
                f.unit.id,
                a,
                f.unit.name or f"机构{f.unit.id}",
                _decimal(f.unit.longitude),
                _decimal(f.unit.latitude),
            )
        new_items.append(
            _new_item(
                unit=unit,
                now=now,
                title=f.title[:200],
                source=registered.item_source,
                finding_source=source,
                cause_key=key,
                cause_checked_at=now,
                department=f.department,
                deadline=today + dt.timedelta(days=f.deadline_days),
                severity=f.severity,
                evidence=f.evidence,
                evidence_data=dict(f.data),
                required_action=f.required_action,
            )
        )
    if new_items:
        RectificationItem.objects.bulk_create(new_items, batch_size=1000)
        # bulk_create sets primary keys on PostgreSQL and SQLite ≥ 3.35; fetch them to be safe.
        created = list(
            RectificationItem.objects.filter(cause_key__in=[i.cause_key for i in new_items]).select_related(
                "area"
            )
        )
        ItemEvent.objects.bulk_create(
            [
                _event(
                    item=i,
                    action=EventAction.CREATE,
                    user=None,
                    now=now,
                    to_status=ItemStatus.OPEN,
                    comment=f"数据发现：{registered.label}",
                    save=False,
                )
                for i in created
            ],
            batch_size=2000,
        )
        audit_bulk(
            events=[
                AuditEvent(
                    actor=None,
                    actor_name="系统",
                    source="task",
                    action=AuditAction.CREATE,
                    model=RectificationItem._meta.label,
                    object_id=str(i.pk),
                    object_repr=str(i)[:200],
                    changes={"finding_source": source, "cause_key": i.cause_key},
                    area_path=i.area.path,
                )
                for i in created
            ]
        )
        result.created = len(created)
        result.created_ids = [i.pk for i in created]

    for key, item in existing.items():
        f = findings.get(key)
        if f is not None and item.status == ItemStatus.CLOSED:
            _reopen(
                item=item,
                user=None,
                now=now,
                comment=f"数据复核：问题仍存在（{registered.label}）",
                finding=f,
            )
            result.reopened += 1
        elif f is not None:
            result.still_open += 1
            changed = ["cause_checked_at", "evidence", "evidence_data"]
            item.cause_checked_at, item.evidence, item.evidence_data = now, f.evidence, dict(f.data)
            if not item.cause_present:
                item.cause_present = True
                changed.append("cause_present")
                _event(
                    item=item,
                    action=EventAction.CAUSE_BACK,
                    user=None,
                    now=now,
                    from_status=item.status,
                    to_status=item.status,
                    comment=f.evidence[:500],
                )
                result.cause_back += 1
            item.save(update_fields=changed)
        elif item.cause_present:
            item.cause_present = False
            item.cause_checked_at = now
            item.save(update_fields=["cause_present", "cause_checked_at"])
            _event(
                item=item,
                action=EventAction.CAUSE_GONE,
                user=None,
                now=now,
                from_status=item.status,
                to_status=item.status,
                comment=f"最近一次计算未再发现该问题（{registered.label}）",
            )
            audit_record(action=AuditAction.UPDATE, instance=item, changes={"cause_present": [True, False]})
            result.cause_gone += 1
    return result


def findings_sync_all(*, area: Area | None = None, now: dt.datetime | None = None) -> list[SyncResult]:
    from .findings import finding_sources

    return [findings_sync(source=s.name, area=area, now=now) for s in finding_sources()]


# The workflow ------------------------------------------------------------------------------------


def _apply(
    *,
    item: RectificationItem,
    t: Transition,
    user: Any,
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
    ensure_references_writable(user, item, fields=[k for k in update if k not in ("status", "updated_at")])
    item.save(update_fields=update)
    ev = _event(
        item=item,
        action=t.action,
        user=user,
        now=now,
        comment=comment,
        from_status=before,
        to_status=t.target,
    )
    saved = _save_attachments(item=item, event=ev, files=files, user=user, now=now)
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
    user: Any,
    deadline: dt.date,
    responsible_person: User | None = None,
    responsible_name: str = "",
    comment: str = "",
    now: dt.datetime | None = None,
) -> RectificationItem:
    now = _now(now)
    item = _lock(item)
    t = _check_transition(user, item, EventAction.ASSIGN)
    if deadline < _today(now):
        raise DomainError(E.DEADLINE_PAST, today=_today(now).isoformat())
    if responsible_person is not None and not _may_be_responsible(responsible_person, item):
        raise DomainError(E.UNKNOWN_PERSON)
    name = _clean_text(responsible_name, field_label="责任人姓名", max_length=64, required=False)
    if responsible_person is not None and not name:
        name = str(responsible_person)
    _apply(
        item=item,
        t=t,
        user=user,
        now=now,
        comment=_clean_text(comment, field_label="说明", max_length=2000, required=False),
        extra={"deadline": deadline, "responsible_person": responsible_person, "responsible_name": name},
    )
    _notify(
        _unit_users(item),
        item=item,
        kind=NotificationKind.ASSIGNED,
        now=now,
        message=f"新交办整改事项：{item.title}，整改期限{deadline:%Y-%m-%d}",
    )
    return item


def _may_be_responsible(person: User, item: RectificationItem) -> bool:
    return permissions.may_be_responsible(person, item)


@transaction.atomic
def item_start(
    *, item: RectificationItem, user: Any, comment: str = "", now: dt.datetime | None = None
) -> RectificationItem:
    now = _now(now)
    item = _lock(item)
    t = _check_transition(user, item, EventAction.START)
    _apply(
        item=item,
        t=t,
        user=user,
        now=now,
        comment=_clean_text(comment, field_label="说明", max_length=2000, required=False),
    )
    return item


@transaction.atomic
def item_submit_evidence(
    *,
    item: RectificationItem,
    user: Any,
    comment: str,
    files: Sequence[UploadedFile],
    now: dt.datetime | None = None,
) -> RectificationItem:
    now = _now(now)
    item = _lock(item)
    t = _check_transition(user, item, EventAction.SUBMIT)
    if not (comment or "").strip() or not files:
        raise DomainError(E.EVIDENCE_REQUIRED)
    comment = _clean_text(comment, field_label="整改说明", max_length=4000)
    _check_files(files)
    _apply(item=item, t=t, user=user, now=now, comment=comment, files=files)
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
    *, item: RectificationItem, user: Any, comment: str = "", now: dt.datetime | None = None
) -> RectificationItem:
    """对账销号: close after checking the submitted evidence."""
    now = _now(now)
    item = _lock(item)
    t = _check_transition(user, item, EventAction.VERIFY)
    submitted = item.events.filter(action=EventAction.SUBMIT).order_by("-at", "-pk").first()
    if submitted is None or not submitted.attachments.exists():
        raise DomainError(E.NOTHING_SUBMITTED)
    comment = _clean_text(comment, field_label="核验意见", max_length=2000, required=False)
    _apply(
        item=item,
        t=t,
        user=user,
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
    user: Any,
    comment: str,
    deadline: dt.date | None = None,
    now: dt.datetime | None = None,
) -> RectificationItem:
    now = _now(now)
    item = _lock(item)
    t = _check_transition(user, item, EventAction.RETURN)
    if not (comment or "").strip():
        raise DomainError(E.COMMENT_REQUIRED, action=EventAction.RETURN.label)
    comment = _clean_text(comment, field_label="退回理由", max_length=2000)
    extra: dict[str, Any] = {}
    if deadline is not None:
        if deadline < _today(now):
            raise DomainError(E.DEADLINE_PAST, today=_today(now).isoformat())
        extra["deadline"] = deadline
    _apply(item=item, t=t, user=user, now=now, comment=comment, extra=extra)
    _notify(
        _unit_users(item),
        item=item,
        kind=NotificationKind.RETURNED,
        now=now,
        message=f"整改材料被退回：{item.title}。理由：{comment}",
    )
    return item


def _reopen(
    *, item: RectificationItem, user: Any, now: dt.datetime, comment: str, finding: Finding | None = None
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
    _apply(item=item, t=TRANSITIONS[EventAction.REOPEN], user=user, now=now, comment=comment, extra=extra)
    _notify(
        _unit_users(item) + _department_officers(item),
        item=item,
        kind=NotificationKind.REOPENED,
        now=now,
        message=f"整改事项重新打开：{item.title}",
    )


@transaction.atomic
def item_reopen(
    *, item: RectificationItem, user: Any, comment: str, now: dt.datetime | None = None
) -> RectificationItem:
    now = _now(now)
    item = _lock(item)
    _check_transition(user, item, EventAction.REOPEN)
    if not (comment or "").strip():
        raise DomainError(E.COMMENT_REQUIRED, action=EventAction.REOPEN.label)
    _reopen(item=item, user=user, now=now, comment=_clean_text(comment, field_label="说明", max_length=2000))
    return item


@transaction.atomic
def item_comment(
    *,
    item: RectificationItem,
    user: Any,
    comment: str,
    files: Sequence[UploadedFile] = (),
    now: dt.datetime | None = None,
) -> ItemEvent:
    now = _now(now)
    _check_step(user, item, "item_comment")
    comment = _clean_text(comment, field_label="备注", max_length=2000)
    _check_files(files)
    ev = _event(
        item=item,
        action=EventAction.COMMENT,
        user=user,
        now=now,
        comment=comment,
        from_status=item.status,
        to_status=item.status,
    )
    saved = _save_attachments(item=item, event=ev, files=files, user=user, now=now)
    audit_record(
        action=AuditAction.UPDATE,
        instance=item,
        changes={"action": "comment", "comment": comment, "attachments": [a.original_name for a in saved]},
    )
    return ev


# Escalation and the daily round ----------------------------------------------------------------


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
        item.escalation_level = level
        item.updated_at = now
        item.save(update_fields=["escalation_level", "updated_at"])
        label = EscalationLevel(level).label
        _event(
            item=item,
            action=EventAction.ESCALATE,
            user=None,
            now=now,
            from_status=item.status,
            to_status=item.status,
            comment=f"已逾期{days}天，{label}",
        )
        audit_record(
            action=AuditAction.UPDATE,
            instance=item,
            changes={"escalation_level": [level - 1, level], "overdue_days": days},
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
        marker = f"整改期限{item.deadline:%Y-%m-%d}"
        if item.notifications.filter(kind=NotificationKind.DUE_SOON, message__contains=marker).exists():
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
    *, user: Any, ids: Sequence[int] | None = None, now: dt.datetime | None = None
) -> int:
    ensure_can(user, permissions.action("notification_read"))
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=_now(now))


def milestones_due_by_user(*, today: dt.date, days: int = DUE_SOON_DAYS) -> dict[int, tuple[User, list[str]]]:
    """Unfinished strategic-task milestones due within `days` (or already overdue, up to 30 days),
    as digest lines for their owners and their department's officers."""
    from .strategy import milestones_due

    out: dict[int, tuple[User, list[str]]] = {}
    for m in milestones_due(start=today - dt.timedelta(days=30), end=today + dt.timedelta(days=days)):
        t = m.task
        left = (m.deadline - today).days
        when = f"{m.deadline:%Y-%m-%d}到期" + (f"（已逾期{-left}天）" if left < 0 else f"（剩{left}天）")
        line = f"· [任务节点] {t.code}{t.title}—{m.title}，{when}，当前进度{m.progress}%"
        users = [u for u in (m.owner, t.owner) if u is not None and u.is_active]
        users += list(
            User.objects.filter(
                is_active=True,
                role=Role.DEPARTMENT_OFFICER,
                department=t.department,
                area__path__in=_ancestor_paths(t.area.path),
            )
        )
        for u in users:
            if not u.email:
                continue
            entry = out.setdefault(u.pk, (u, []))
            if line not in entry[1]:
                entry[1].append(line)
    return out


def digest_send(*, now: dt.datetime | None = None) -> int:
    """E-mail each user with an address the notifications not yet e-mailed and the strategic-task
    milestones due soon or overdue (one message per user). Returns the number of messages sent.
    SMTP comes from the environment (console by default)."""
    from django.core.mail import EmailMessage, get_connection

    now = _now(now)
    pending = (
        Notification.objects.filter(emailed_at__isnull=True, user__is_active=True)
        .exclude(user__email="")
        .select_related("user", "item")
        .order_by("user_id", "created_at")
    )
    by_user: dict[int, list[Notification]] = {}
    users: dict[int, User] = {}
    for n in pending:
        by_user.setdefault(n.user_id, []).append(n)
        users[n.user_id] = n.user
    milestones = milestones_due_by_user(today=_today(now))
    for uid, (u, _) in milestones.items():
        users.setdefault(uid, u)
    messages = []
    for uid, user in users.items():
        rows = by_user.get(uid, [])
        ms_lines = milestones.get(uid, (user, []))[1]
        lines = [f"{user}，您好：", ""]
        if rows:
            lines.append(f"截至{timezone.localtime(now):%Y-%m-%d %H:%M}，您有{len(rows)}条整改事项提醒：")
            lines += [f"· [{n.get_kind_display()}] {n.message}（{n.item.number}）" for n in rows]
        if ms_lines:
            lines += ["", f"重点任务节点即将到期或已逾期{len(ms_lines)}个："]
            lines += ms_lines
        lines += ["", "请登录区域教育治理平台处理。本邮件由系统自动发送。"]
        subject = f"【整改事项每日提醒】{len(rows)}条待办"
        if ms_lines:
            subject += f"，{len(ms_lines)}个任务节点到期"
        messages.append(
            EmailMessage(
                subject=subject,
                body="\n".join(lines),
                from_email=getattr(settings, "DEFAULT_FROM_EMAIL", None),
                to=[user.email],
            )
        )
    if not messages:
        return 0
    sent = get_connection().send_messages(messages) or 0
    Notification.objects.filter(pk__in=[n.pk for rows in by_user.values() for n in rows]).update(
        emailed_at=now
    )
    return int(sent)


def daily_round(*, now: dt.datetime | None = None) -> dict[str, int]:
    """What the daily task does: escalate overdue items, remind of approaching deadlines, mail the digest."""
    now = _now(now)
    esc = items_escalate_overdue(now=now)
    due = notifications_due_soon(now=now)
    mails = digest_send(now=now)
    return {"escalated": esc.escalated, "due_soon": due, "emails": mails}


def overdue_q(today: dt.date) -> Q:
    return Q(status__in=WORKING_STATUSES, deadline__lt=today)
