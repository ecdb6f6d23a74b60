"""Writes of hand-entered indicator values with their evidence file."""

from __future__ import annotations

from decimal import Decimal

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from edugov.accounts.models import User
from edugov.accounts.policy import ensure_can
from edugov.audit.models import AuditAction
from edugov.audit.services import audit_record
from edugov.common.errors import DomainError
from edugov.rectification import services as rectification
from edugov.registry.models import School

from ..errors import AppraisalError as E
from ..models import (
    Entry,
    Indicator,
    ScoringRule,
)
from ..permissions import action
from .schemes import MAX_EVIDENCE_MB, _dec


def evidence_check(upload: UploadedFile | None) -> None:
    """Evidence is a PDF, image or office file no larger than MAX_EVIDENCE_MB, and is what its name
    says (the rectification module's attachment check)."""
    if upload is None:
        return
    if (upload.size or 0) > MAX_EVIDENCE_MB * 1024 * 1024:
        raise DomainError(E.FILE_TOO_LARGE, limit=MAX_EVIDENCE_MB)
    rectification.attachment_check(upload)


@transaction.atomic
def entry_save(
    *,
    actor: User,
    indicator: Indicator,
    school: School,
    value: Decimal,
    note: str = "",
    evidence: UploadedFile | None = None,
) -> Entry:
    """A hand-entered value of an indicator for a school (a second save replaces the first; the
    earlier evidence stays unless a new file comes)."""
    ensure_can(actor, action("entry_edit"), school)
    if indicator.source:
        raise DomainError(E.NOT_ENTERED_ITEM, name=indicator.name)
    scheme_area = indicator.dimension.scheme.area
    if indicator.school_id is not None and indicator.school_id != school.pk:
        raise DomainError(E.NOT_OWN_ITEM)
    if not school.area.path.startswith(scheme_area.path):
        raise DomainError(E.NOT_OWN_ITEM)
    value = _dec(value, "填报值")
    if indicator.rule == ScoringRule.ENTERED and not Decimal(0) <= value <= 100:
        raise DomainError(E.VALUE_RANGE, low=0, high=100)
    note = (note or "").strip()
    if len(note) > 300:
        raise DomainError(E.BAD_FIELD, field="说明", reason="不能超过300字")
    evidence_check(evidence)
    row, created = Entry.objects.get_or_create(
        indicator=indicator, school=school, defaults={"value": value, "note": note, "entered_by": actor}
    )
    row.value, row.note, row.entered_by = value, note, actor
    if evidence is not None:
        row.evidence_name = (evidence.name or "佐证材料")[-200:]
        row.evidence.save(f"{indicator.pk}_{school.pk}_{evidence.name}"[-90:], evidence, save=False)
    row.save()
    audit_record(
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        instance=row,
        actor=actor,
        changes={"indicator": indicator.name, "value": str(value), "evidence": row.evidence_name},
    )
    return row


# The schools a scheme scores: primary and secondary schools (中小学), not kindergartens.
