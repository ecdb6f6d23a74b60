"""The recruitment plan (招聘计划, issue 15 item 3): per school year, a line per school and subject
proposed from the five-year gap (teachers the curriculum needs, minus the certified teachers
teaching it, plus the certified share of those reaching retirement age within five years), which
the personnel department edits (how many to recruit, a note) and exports as a report."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from edugov.accounts.models import User
from edugov.accounts.policy import ensure_can
from edugov.accounts.scope import scoped
from edugov.audit.models import AuditAction
from edugov.audit.services import audit_record
from edugov.common.bounds import BoundError, parse_bounded_int
from edugov.common.errors import DomainError
from edugov.registry.models import SchoolYear
from edugov.reports import read_as

from . import selectors
from .errors import WorkforceError as E
from .models import RECRUIT_MAX, RecruitmentLine, RecruitmentPlan
from .permissions import action

NOTE_MAX = 200


def proposed_count(gap_in_five_years: float) -> int:
    """Whole teachers to recruit for a five-year gap: rounded half up (a gap of 0.5 is a teacher,
    0.4 is covered by the load of others); nothing for no gap."""
    if gap_in_five_years <= 0:
        return 0
    return int(Decimal(str(gap_in_five_years)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Proposal:
    school_id: int
    subject: str
    gap_in_five_years: float
    proposed: int


def proposals(*, actor: Any, year: SchoolYear, today: dt.date | None = None) -> list[Proposal]:
    """Every school x subject whose five-year gap comes to at least one teacher."""
    st = selectors.staffing(actor=actor, year=year, today=today)
    out = []
    for s in st.schools:
        for row in s.subjects:
            n = proposed_count(row.gap_in_five_years)
            if n > 0:
                out.append(Proposal(s.school_id, row.subject, row.gap_in_five_years, n))
    return out


def plan_for(year: SchoolYear | None) -> RecruitmentPlan | None:
    return RecruitmentPlan.objects.filter(school_year=year).first() if year else None


def plan_lines(*, actor: Any, plan: RecruitmentPlan | None) -> QuerySet[RecruitmentLine]:
    if plan is None:
        return RecruitmentLine.objects.none()
    return scoped(RecruitmentLine, actor).filter(plan=plan).select_related("school", "school__area")


@transaction.atomic
def plan_build(
    *, actor: User | None, year: SchoolYear | None, today: dt.date | None = None
) -> RecruitmentPlan:
    """Create the year's plan, or refresh its proposals: a new line plans the proposed number; a
    line already there keeps the officer's number and note and gets the new proposal beside it
    (0 when the gap has closed). The system (actor None: the demo) builds over the whole district."""
    if actor is not None:
        ensure_can(actor, action("recruitment_edit"))
    if year is None:
        raise DomainError(E.RECRUIT_NO_YEAR)
    plan, created = RecruitmentPlan.objects.select_for_update().get_or_create(
        school_year=year, defaults={"created_by": actor}
    )
    found = {(p.school_id, p.subject): p for p in proposals(actor=read_as(actor), year=year, today=today)}
    existing = {(line.school_id, line.subject): line for line in plan.lines.all()}
    added = refreshed = 0
    for key, line in existing.items():
        p = found.get(key)
        gap = Decimal(str(p.gap_in_five_years)) if p else Decimal(0)
        proposed = p.proposed if p else 0
        if line.proposed != proposed or line.gap_in_five_years != gap:
            line.proposed, line.gap_in_five_years = proposed, gap
            line.save(update_fields=["proposed", "gap_in_five_years", "updated_at"])
            refreshed += 1
    new = [
        RecruitmentLine(
            plan=plan,
            school_id=p.school_id,
            subject=p.subject,
            gap_in_five_years=Decimal(str(p.gap_in_five_years)),
            proposed=min(p.proposed, RECRUIT_MAX),
            quantity=min(p.proposed, RECRUIT_MAX),
        )
        for key, p in found.items()
        if key not in existing
    ]
    RecruitmentLine.objects.bulk_create(new)
    added = len(new)
    plan.save(update_fields=["updated_at"])
    audit_record(
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        instance=plan,
        changes={"after": {"新增明细": added, "更新建议": refreshed}},
        actor=actor,
    )
    return plan


def _quantity(raw: str) -> int:
    try:
        return parse_bounded_int(raw or "", minimum=0, maximum=RECRUIT_MAX)
    except BoundError:
        raise DomainError(E.RECRUIT_QUANTITY, maximum=RECRUIT_MAX, value=(raw or "").strip()[:20]) from None


@transaction.atomic
def lines_save(
    *, actor: User, plan: RecruitmentPlan, edits: Mapping[int, tuple[str, str]]
) -> list[RecruitmentLine]:
    """Save the officer's numbers and notes ({line id: (quantity as typed, note)}). Every value is
    checked before anything is written: one bad quantity or note refuses the whole form."""
    ensure_can(actor, action("recruitment_edit"))
    lines = {
        line.pk: line
        for line in scoped(RecruitmentLine, actor)
        .select_for_update()
        .filter(plan=plan, pk__in=list(edits))
        .select_related("school")
    }
    if len(lines) != len(edits):
        raise DomainError(E.RECRUIT_LINE_UNKNOWN)
    parsed: dict[int, tuple[int, str]] = {}
    for pk, (raw_qty, raw_note) in edits.items():
        line = lines[pk]
        ensure_can(actor, action("recruitment_edit"), line.school)
        note = (raw_note or "").strip()
        if len(note) > NOTE_MAX:
            raise DomainError(E.RECRUIT_NOTE, maximum=NOTE_MAX)
        parsed[pk] = (_quantity(raw_qty), note)
    changed = []
    for pk, (qty, note) in parsed.items():
        line = lines[pk]
        if (line.quantity, line.note) == (qty, note):
            continue
        before = {"计划招聘（人）": line.quantity, "备注": line.note}
        line.quantity, line.note = qty, note
        line.save(update_fields=["quantity", "note", "updated_at"])
        audit_record(
            action=AuditAction.UPDATE,
            instance=line,
            changes={"before": before, "after": {"计划招聘（人）": qty, "备注": note}},
            actor=actor,
        )
        changed.append(line)
    return changed
