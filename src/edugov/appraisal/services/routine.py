"""Teaching-routine checklists and inspections; shortfalls raised as rectification items."""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from edugov.accounts.models import User
from edugov.accounts.policy import ensure_can
from edugov.audit.models import AuditAction
from edugov.audit.services import audit_record
from edugov.common.errors import DomainError
from edugov.rectification import services as rectification
from edugov.registry.models import Area, School

from ..errors import AppraisalError as E
from ..models import (
    RoutineCategory,
    RoutineCheck,
    RoutineChecklist,
    RoutineInspection,
    RoutineMark,
)
from ..permissions import action
from .schemes import MAX_CHECKS, _text

DATA = Path(__file__).resolve().parent.parent / "data"

# -- teaching routine ------------------------------------------------------------------------------


@transaction.atomic
def checklist_create(
    *, actor: User, area: Area, name: str, checks: Sequence[tuple[str, str]], source: str = ""
) -> RoutineChecklist:
    ensure_can(actor, action("checklist_edit"), area)
    name = _text(name, "检查表名称", 100)
    if not checks:
        raise DomainError(E.NO_CHECKS)
    if len(checks) > MAX_CHECKS:
        raise DomainError(E.TOO_MANY, field="检查内容", limit=MAX_CHECKS)
    rows = []
    for category, text in checks:
        if category not in RoutineCategory.values:
            raise DomainError(E.BAD_FIELD, field="环节", reason="取值无效")
        rows.append((category, _text(text, "检查内容", 200)))
    checklist = RoutineChecklist.objects.create(area=area, name=name, source=(source or "").strip()[:200])
    RoutineCheck.objects.bulk_create(
        RoutineCheck(checklist=checklist, category=c, text=t, order=i) for i, (c, t) in enumerate(rows)
    )
    audit_record(action=AuditAction.CREATE, instance=checklist, actor=actor, changes={"checks": len(rows)})
    return checklist


def default_checks() -> tuple[str, str, list[tuple[str, str]]]:
    """The default checklist (data/routine_checklist.toml): name, source and (category, text) pairs."""
    data = tomllib.loads((DATA / "routine_checklist.toml").read_text(encoding="utf-8"))
    return data["name"], data["source"], [(c["category"], c["text"]) for c in data["checks"]]


def checklist_create_default(*, actor: User, area: Area) -> RoutineChecklist:
    name, source, checks = default_checks()
    return checklist_create(actor=actor, area=area, name=name, checks=checks, source=source)


@dataclass(frozen=True)
class MarkInput:
    check_id: int
    passed: bool
    note: str = ""


@transaction.atomic
def inspection_record(
    *,
    actor: User,
    school: School,
    checklist: RoutineChecklist,
    inspected_on: dt.date,
    marks: Sequence[MarkInput],
    note: str = "",
    now: dt.datetime | None = None,
) -> RoutineInspection:
    """A teaching-routine inspection: every check of the checklist marked passed or not (a failed
    one with what was wrong). The shortfalls become one rectification item at once, through the
    same finding the periodic source yields (idempotent on its cause key)."""
    from ..findings import routine_finding

    ensure_can(actor, action("inspect"), school)
    now = now or timezone.now()
    if not school.area.path.startswith(checklist.area.path):
        raise DomainError(E.BAD_FIELD, field="检查表", reason="不适用于该校")
    if inspected_on > timezone.localdate(now):
        raise DomainError(E.FUTURE_DATE)
    checks = {c.pk: c for c in checklist.checks.all()}
    given = {m.check_id: m for m in marks if m.check_id in checks}
    if len(given) < len(checks):
        raise DomainError(E.MARKS_INCOMPLETE, n=len(checks) - len(given))
    for m in given.values():
        if len((m.note or "").strip()) > 300:
            raise DomainError(E.BAD_FIELD, field="问题说明", reason="不能超过300字")
        if not m.passed and not (m.note or "").strip():
            raise DomainError(E.FAIL_NEEDS_NOTE, text=checks[m.check_id].text)
    if len((note or "").strip()) > 500:
        raise DomainError(E.BAD_FIELD, field="总体评价", reason="不能超过500字")
    inspection = RoutineInspection.objects.create(
        school=school,
        checklist=checklist,
        inspected_on=inspected_on,
        note=(note or "").strip(),
        created_by=actor,
    )
    RoutineMark.objects.bulk_create(
        RoutineMark(inspection=inspection, check_item_id=pk, passed=m.passed, note=(m.note or "").strip())
        for pk, m in given.items()
    )
    finding = routine_finding(inspection, now=now)
    if finding is not None:
        rectification.item_create_system(finding=finding, now=now, created_by=actor)
    audit_record(
        action=AuditAction.CREATE,
        instance=inspection,
        actor=actor,
        changes={"school": school.pk, "failed": sum(1 for m in given.values() if not m.passed)},
    )
    return inspection
