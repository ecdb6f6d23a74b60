"""Inspections and enforcement; the institution's (or site's) status follows the decided action."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from edugov.accounts.models import User
from edugov.accounts.policy import ensure_can, role_may
from edugov.accounts.scope import ensure_references_writable
from edugov.audit.models import AuditAction
from edugov.audit.services import audit_create, audit_update
from edugov.common.errors import DomainError
from edugov.standards.loader import library

from .. import rules
from ..models import ActionKind, EnforcementAction, Inspection, InstitutionStatus, UnlicensedStatus
from .common import TutoringError, _audit, snapshot_safe
from .institutions import institution_set_list, institution_transition


def _check_inspectors(inspectors: list[User], area_path: str) -> None:
    """At least the number the law asks for (tutoring.inspection_min_inspectors), each an officer who
    may inspect and whose area covers the place inspected."""
    need = rules.inspection_min_inspectors(area_path)
    if len(inspectors) < need:
        rule = library().value("tutoring.inspection_min_inspectors", area_path=area_path).rule
        citation = (
            f"{rule.source.title}{rule.article}"  # the law and article; its status stays in the library
        )
        raise DomainError(TutoringError.TOO_FEW_INSPECTORS, n=need, citation=citation, count=len(inspectors))
    for person in inspectors:
        covers = person.area is not None and area_path.startswith(person.area.path)
        if not (person.is_active and covers and role_may(person, "tutoring.inspection_record")):
            raise DomainError(TutoringError.INSPECTOR_OUT_OF_SCOPE, name=str(person))


@transaction.atomic
def inspection_record(*, actor: User, data: dict[str, Any]) -> Inspection:
    """An inspection with its officers on site (`data["inspectors"]`, two or more); an inspection
    only planned (no inspection date yet) may name them later."""
    ensure_can(actor, "tutoring.inspection_record")
    allowed = ("institution", "unlicensed_site", "planned_on", "inspected_on", "findings", "compliant",
               "attachment", "is_reinspection")  # fmt: skip
    inspection = Inspection(inspector=actor, **{k: v for k, v in data.items() if k in allowed})
    target = inspection.institution or inspection.unlicensed_site
    if target is None or (inspection.institution and inspection.unlicensed_site):
        raise DomainError(TutoringError.ACTION_TARGET)
    ensure_can(actor, "tutoring.inspection_record", target)
    inspection.area = target.area
    inspection.full_clean(exclude=["inspector"])
    ensure_references_writable(actor, inspection)
    inspectors = list(dict.fromkeys(data.get("inspectors") or []))  # each once, in the order given
    if inspection.inspected_on is not None or inspectors:
        _check_inspectors(inspectors, target.area.path)
    inspection.save()
    inspection.inspectors.set(inspectors)
    after = {**snapshot_safe(inspection), "inspectors": [str(u) for u in inspectors]}
    _audit(AuditAction.CREATE, inspection, inspection.area.path, {"after": after})
    return inspection


STATUS_FOR_ACTION: dict[str, InstitutionStatus] = {
    ActionKind.RECTIFY: InstitutionStatus.RECTIFYING,
    ActionKind.SUSPEND: InstitutionStatus.SUSPENDED,
    ActionKind.REVOKE: InstitutionStatus.REVOKED,
}


@transaction.atomic
def enforcement_create(*, actor: User, data: dict[str, Any]) -> EnforcementAction:
    """Decide an action; the institution's status (or the site's) follows in the same transaction."""
    ensure_can(actor, "tutoring.enforcement_create")
    allowed = ("institution", "unlicensed_site", "inspection", "kind", "decided_on", "deadline",
               "referred_to", "note")  # fmt: skip
    action = EnforcementAction(actor=actor, **{k: v for k, v in data.items() if k in allowed})
    target = action.institution or action.unlicensed_site
    if target is None or (action.institution and action.unlicensed_site):
        raise DomainError(TutoringError.ACTION_TARGET)
    ensure_can(actor, "tutoring.enforcement_create", target)
    kind = action.kind
    if kind == ActionKind.CLOSE_UNLICENSED and action.unlicensed_site is None:
        raise DomainError(
            TutoringError.ACTION_KIND_TARGET, kind=ActionKind(kind).label, target="无证无照培训点"
        )
    if (kind in STATUS_FOR_ACTION or kind == ActionKind.BLACKLIST) and action.institution is None:
        raise DomainError(TutoringError.ACTION_KIND_TARGET, kind=ActionKind(kind).label, target="持证机构")
    if kind == ActionKind.RECTIFY and action.deadline is None:
        raise DomainError(TutoringError.DEADLINE_REQUIRED)
    action.area = target.area
    action.full_clean(exclude=["actor"])
    ensure_references_writable(actor, action)
    action.save()
    reason = f"{ActionKind(kind).label}：{action.note}" if action.note else ActionKind(kind).label
    if kind in STATUS_FOR_ACTION and action.institution is not None:
        institution_transition(
            institution=action.institution, actor=actor, to_status=STATUS_FOR_ACTION[kind], reason=reason,
            on=action.decided_on,
        )  # fmt: skip
    elif kind == ActionKind.BLACKLIST and action.institution is not None:
        institution_set_list(institution=action.institution, actor=actor, list_status="black", reason=reason)
    elif kind == ActionKind.CLOSE_UNLICENSED and action.unlicensed_site is not None:
        site = action.unlicensed_site
        before = site.status
        site.status, site.closed_on = UnlicensedStatus.CLOSED, action.decided_on
        site.save(update_fields=["status", "closed_on"])
        audit_update(instance=site, changes={"status": (before, site.status)})
    audit_create(instance=action)
    return action
