"""Creating items: by an officer or inspector (checked), or by the system from a finding (idempotent
on the finding's cause key); the units an item can name."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from edugov.accounts.models import Department, User
from edugov.accounts.policy import ensure_can
from edugov.accounts.scope import ensure_references_writable, write_scoped
from edugov.audit.models import AuditAction
from edugov.audit.services import audit_record, snapshot
from edugov.common.errors import DomainError
from edugov.registry.models import Area, School

from .. import permissions
from ..errors import RectificationError as E
from ..findings import Finding
from ..models import (
    EventAction,
    ItemEvent,
    ItemSource,
    ItemStatus,
    RectificationItem,
    Severity,
    UnitKind,
)
from .attachments import _check_files, _save_attachments
from .transitions import _now, _today


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


def institution_unit(*, institution_id: int, actor: User | None = None) -> UnitInfo:
    """An institution as a unit, read through the scoping point (the tutoring app owns the table)."""
    from django.apps import apps

    if not apps.is_installed("edugov.tutoring"):
        raise DomainError(E.UNKNOWN_UNIT)
    model = apps.get_model("tutoring", "Institution")
    # The item names the institution: it must lie in its writer's write scope.
    qs = write_scoped(model, actor) if actor is not None else model.objects.all()
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
    actor: User | None,
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
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=(str(actor) if getattr(actor, "pk", None) else "系统")[:64],
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
    actor: User,
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
    ensure_can(actor, permissions.action("item_create"))
    _check_choice(source, ItemSource, field_label="问题来源")
    _check_choice(severity, Severity, field_label="严重程度")
    _check_choice(department, Department, field_label="主管科室")
    _check_choice(unit_kind, UnitKind, field_label="责任单位类型")
    title = _clean_text(title, field_label="问题标题", max_length=200)
    required_action = _clean_text(required_action, field_label="整改要求", max_length=4000)
    evidence = _clean_text(evidence, field_label="问题依据", max_length=8000, required=False)
    if deadline < _today(now):
        raise DomainError(E.DEADLINE_PAST, today=_today(now))
    if unit_kind == UnitKind.INSTITUTION:
        unit = institution_unit(institution_id=unit_id, actor=actor)
    else:
        unit = resolve_unit(kind=unit_kind, unit_id=unit_id)
        anchor = unit.school if unit.school is not None else unit.area
        if not write_scoped(type(anchor)._default_manager.filter(pk=anchor.pk), actor).exists():
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
        created_by=actor,
        visit_kind=visit_kind,
        visit_id=visit_id,
    )
    ensure_references_writable(actor, item)
    item.save()
    ev = _event(item=item, action=EventAction.CREATE, actor=actor, now=now, to_status=ItemStatus.OPEN)
    _save_attachments(item=item, event=ev, files=files, actor=actor, now=now)
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
    _event(item=item, action=EventAction.CREATE, actor=created_by, now=now, to_status=ItemStatus.OPEN)
    audit_record(action=AuditAction.CREATE, instance=item, changes={"after": snapshot(item)})
    return item
