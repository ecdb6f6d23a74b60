"""Grid cells and inspections: each hazard found becomes a rectification; a major one tells the bureau."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from edugov.accounts.models import Department, User
from edugov.audit.models import AuditAction
from edugov.audit.services import audit_record, snapshot
from edugov.common.errors import DomainError
from edugov.rectification import services as rectification
from edugov.rectification.findings import Finding, Unit
from edugov.registry.models import Area, School

from .. import rules
from ..channels import Channel, Message, channel
from ..errors import SafetyError as E
from ..models import (
    SCHOOL_KINDS,
    CellKind,
    GridCell,
    Hazard,
    HazardKind,
    HazardSeverity,
    Inspection,
)
from .common import BUREAU, HAZARD_SOURCE, _ensure_either, _now, _text, photo_check

logger = logging.getLogger(__name__)


@transaction.atomic
def cell_create(
    *,
    actor: User,
    area: Area | None,
    school: School | None,
    kind: str,
    name: str,
    person_name: str = "",
    contact: str = "",
) -> GridCell:
    _ensure_either(actor, "cell_edit", school or area)
    if kind not in CellKind.values:
        raise DomainError(E.BAD_FIELD, field="网格类型", reason="取值无效")
    if kind in SCHOOL_KINDS and school is None:
        raise DomainError(E.CELL_NEEDS_SCHOOL)
    if school is not None:
        area = school.area
    if area is None:
        raise DomainError(E.REQUIRED, field="所属镇街或学校")
    cell = GridCell(
        area=area,
        school=school,
        kind=kind,
        name=_text(name, field="网格名称", max_length=64),
        person_name=person_name.strip()[:32],
        contact=contact.strip(),
    )
    try:
        cell.full_clean()
    except ValidationError as exc:
        reason = "；".join(m for ms in exc.message_dict.values() for m in ms)
        raise DomainError(E.BAD_FIELD, field="安全网格", reason=reason) from None
    cell.save()
    audit_record(action=AuditAction.CREATE, instance=cell, changes={"after": snapshot(cell)})
    return cell


@dataclass(frozen=True)
class HazardInput:
    description: str
    severity: str
    photo: UploadedFile | None = None


@transaction.atomic
def inspection_record(
    *,
    actor: User,
    school: School,
    kind: str,
    inspected_on: dt.date,
    hazards: Sequence[HazardInput] = (),
    checked: Sequence[str] = (),
    now: dt.datetime | None = None,
    via: Channel | None = None,
) -> Inspection:
    """An inspection and its hazards; every hazard becomes a rectification item at once, with the
    deadline its severity gives (data), a major one marked severe for the leaders."""
    now = _now(now)
    _ensure_either(actor, "inspect", school)
    if kind not in HazardKind.values:
        raise DomainError(E.BAD_FIELD, field="排查类别", reason="取值无效")
    if inspected_on > timezone.localdate(now):
        raise DomainError(E.FUTURE_DATE)
    for h in hazards:  # every check before anything is written
        _text(h.description, field="隐患描述", max_length=500)
        if h.severity not in HazardSeverity.values:
            raise DomainError(E.BAD_FIELD, field="隐患等级", reason="取值无效")
        photo_check(h.photo)
    inspection = Inspection.objects.create(
        school=school,
        kind=kind,
        inspected_on=inspected_on,
        by_bureau=actor.school_id is None,
        checked=[c for c in checked if c in rules.checklist(kind)],
        created_by=actor,
    )
    for h in hazards:
        hazard = Hazard.objects.create(
            inspection=inspection,
            description=h.description.strip(),
            severity=h.severity,
            photo=h.photo or "",
            deadline=rules.deadline(h.severity, inspected_on),
        )
        item = rectification.item_create_system(
            finding=_hazard_finding(hazard, school, now), source="data", now=now, created_by=actor
        )
        hazard.item_id = item.pk
        hazard.save(update_fields=["item_id"])
        if rules.escalates(hazard.severity):
            _escalate_major(hazard, school, item.pk, now, via)
    audit_record(action=AuditAction.CREATE, instance=inspection, changes={"after": snapshot(inspection)})
    return inspection


def _escalate_major(
    hazard: Hazard, school: School, item_id: int, now: dt.datetime, via: Channel | None
) -> None:
    """A major hazard's item goes to the bureau leaders at once, and the bureau's safety office is
    told through the channel adapter (after the commit, so a failed send never loses the record)."""
    label = HazardSeverity(hazard.severity).label
    rectification.item_escalate_now(item_id=item_id, reason=f"{label}立即上报", now=now)
    text = (
        f"【{label}】{school.name}{hazard.inspection.inspected_on:%Y年%m月%d日}排查发现："
        f"{hazard.description}；整改期限{hazard.deadline:%Y年%m月%d日}，已立即上报局领导。"
    )
    transaction.on_commit(lambda: _tell_bureau(text, via))


def _tell_bureau(text: str, via: Channel | None) -> None:
    try:
        (via or channel()).send(Message(to=BUREAU, text=text))
    except DomainError:
        logger.warning("safety: major hazard notice not delivered: %s", text)


def _hazard_finding(hazard: Hazard, school: School, now: dt.datetime) -> Finding:
    label = HazardSeverity(hazard.severity).label
    kind = HazardKind(hazard.inspection.kind).label
    escalate = rules.escalates(hazard.severity)
    return Finding(
        cause_key=f"{HAZARD_SOURCE}:{hazard.pk}",
        source=HAZARD_SOURCE,
        unit=Unit.school(school.pk),
        title=f"{school.name}{kind}{label}：{hazard.description}"[:200],
        evidence=f"{hazard.inspection.inspected_on:%Y年%m月%d日}排查发现{label}（{kind}）：{hazard.description}"
        + ("；重大隐患，立即上报分管领导" if escalate else ""),
        severity=rules.rectification_severity(hazard.severity),
        required_action=f"在{rules.deadline_days(hazard.severity)}日内消除隐患，上传整改前后照片",
        department=Department.SAFETY,
        deadline_days=max((hazard.deadline - timezone.localdate(now)).days, 0),
        data={"hazard_id": hazard.pk, "severity": hazard.severity, "escalate": escalate},
    )
