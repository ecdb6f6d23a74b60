"""An institution's staff, matched against the registry's in-service teachers."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from edugov.accounts.models import User
from edugov.accounts.policy import ensure_can
from edugov.accounts.scope import ensure_references_writable
from edugov.audit.models import AuditAction
from edugov.audit.services import snapshot
from edugov.common.text import normalize_cell
from edugov.registry.models import Teacher

from ..models import Institution, Staff
from .common import _audit

STAFF_FIELDS = [
    "name", "id_number", "phone", "is_tutor", "teaches_subject", "subject", "qualification_number",
    "background_checked", "employed_from", "employed_to",
]  # fmt: skip


def _in_service_match(id_number: str) -> Teacher | None:
    return Teacher.objects.filter(id_number=id_number, archived_at__isnull=True).first()


@transaction.atomic
def staff_create(*, actor: User, institution: Institution, data: dict[str, Any]) -> Staff:
    ensure_can(actor, "tutoring.staff_create", institution)
    fields = {k: v for k, v in data.items() if k in STAFF_FIELDS}
    if isinstance(fields.get("id_number"), str):
        fields["id_number"] = normalize_cell(fields["id_number"]).upper()
    staff = Staff(institution=institution, **fields)
    staff.full_clean()
    # The in-service match below is the registry's answer, not a row the writer names.
    ensure_references_writable(actor, staff, fields=["institution"])
    staff.in_service_teacher = _in_service_match(staff.id_number)
    staff.save()
    _audit(AuditAction.CREATE, staff, institution.area.path, {"after": _masked_snapshot(staff)})
    return staff


def _masked_snapshot(staff: Staff) -> dict[str, Any]:
    from edugov.common.text import mask_id_number, mask_phone

    data = snapshot(staff)
    data["id_number"] = mask_id_number(staff.id_number)
    data["phone"] = mask_phone(staff.phone)
    return data


@transaction.atomic
def staff_match_in_service() -> int:
    """Re-match every staff member against the teacher registry (after a teacher import)."""
    by_id = dict(
        Teacher.objects.filter(archived_at__isnull=True).exclude(id_number="").values_list("id_number", "pk")
    )
    changed = []
    for staff in Staff.objects.only("pk", "id_number", "in_service_teacher_id"):
        found = by_id.get(staff.id_number)
        if found != staff.in_service_teacher_id:
            staff.in_service_teacher_id = found
            changed.append(staff)
    Staff.objects.bulk_update(changed, ["in_service_teacher"], batch_size=1000)
    return len(changed)
