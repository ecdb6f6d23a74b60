"""Ethics (师德师风, issue 15 item 7): incidents against the ten guidelines (新时代中小学教师职业行为
十项准则, 2018), their handling and its effect. A confirmed incident vetoes the teacher's 优秀 in that
year's appraisal and their honours (一票否决): an appraisal already recorded as 优秀 is lowered to
合格, and appraisal.py refuses 优秀 and leaves the teacher out of honour lists afterwards. Tutoring
staff matched to in-service teachers (paid tutoring, guideline 10) arrive as incidents to handle.

Who sees what: the personnel department and the bureau's leaders see incidents; a school
administrator sees their school's counts by status only (`ethics_counts`); teachers nothing."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from edugov.accounts.models import User
from edugov.accounts.policy import ensure_can, role_may
from edugov.accounts.scope import scoped
from edugov.audit.models import AuditAction
from edugov.audit.services import audit_record, snapshot
from edugov.common.errors import DomainError
from edugov.registry.models import School, SchoolYear, Teacher

from .errors import WorkforceError as E
from .models import (
    Appraisal,
    AppraisalGrade,
    EthicsCategory,
    EthicsHandling,
    EthicsIncident,
    EthicsSource,
    EthicsStatus,
    TeacherYear,
)
from .permissions import action

TUTORING_KEY = "tutoring.staff:"
VETO_NOTE = "师德一票否决"


def _school_of(teacher: Teacher, year: SchoolYear) -> School:
    """Where the teacher worked that year (their record), else where they work today."""
    record = TeacherYear.objects.filter(teacher=teacher, school_year=year).select_related("school").first()
    if record is not None:
        return record.school
    if teacher.school_id is None:
        raise DomainError(E.ETHICS_NOT_STAFF, name=teacher.name, school="任何学校")
    return School.objects.get(pk=teacher.school_id)


@transaction.atomic
def incident_create(
    *,
    actor: User | None,
    teacher: Teacher,
    school_year: SchoolYear,
    category: str,
    occurred_on: dt.date,
    summary: str,
    source: str = EthicsSource.REPORT,
    source_key: str | None = None,
    today: dt.date | None = None,
) -> EthicsIncident:
    """Register an incident to handle. Refused in Chinese: an unknown guideline, a date in the
    future, an empty or overlong summary."""
    today = today or timezone.localdate()
    school = _school_of(teacher, school_year)
    if actor is not None:
        ensure_can(actor, action("ethics_edit"), school)
    if category not in EthicsCategory.values:
        raise DomainError(E.BAD_FIELD, field="违反准则", reason="请选择十项准则中的一项")
    if source not in EthicsSource.values:
        raise DomainError(E.BAD_FIELD, field="线索来源", reason="无效的来源")
    if occurred_on > today:
        raise DomainError(E.ETHICS_DATE)
    text = (summary or "").strip()
    if not text or len(text) > 500:
        raise DomainError(E.ETHICS_SUMMARY)
    row = EthicsIncident.objects.create(
        teacher=teacher,
        school=school,
        school_year=school_year,
        category=category,
        occurred_on=occurred_on,
        summary=text,
        source=source,
        source_key=source_key,
    )
    audit_record(action=AuditAction.CREATE, instance=row, changes={"after": snapshot(row)}, actor=actor)
    return row


@transaction.atomic
def incident_decide(
    *, actor: User | None, incident: EthicsIncident, confirmed: bool, handling: str = "", effect: str = ""
) -> EthicsIncident:
    """Confirm (with a handling) or dismiss a pending incident. A confirmed one applies the veto at
    once (`apply_veto`). Refused in Chinese: already decided, confirmed without a handling."""
    incident = EthicsIncident.objects.select_for_update().get(pk=incident.pk)
    if actor is not None:
        ensure_can(actor, action("ethics_edit"), incident)
    if incident.status != EthicsStatus.PENDING:
        raise DomainError(E.ETHICS_DECIDED)
    effect = (effect or "").strip()
    if len(effect) > 300:
        raise DomainError(E.BAD_FIELD, field="处理影响", reason="不能超过300字")
    if confirmed:
        if not handling or handling not in EthicsHandling.values:
            raise DomainError(E.ETHICS_HANDLING)
        incident.status, incident.handling = EthicsStatus.CONFIRMED, handling
    else:
        incident.status, incident.handling = EthicsStatus.DISMISSED, ""
    incident.effect = effect
    incident.decided_by, incident.decided_at = actor, timezone.now()
    incident.save(update_fields=["status", "handling", "effect", "decided_by", "decided_at"])
    audit_record(
        action=AuditAction.UPDATE,
        instance=incident,
        changes={
            "after": {
                "状态": incident.get_status_display(),
                "处理方式": incident.get_handling_display() if incident.handling else "",
                "处理影响": effect,
            }
        },
        actor=actor,
    )
    if confirmed:
        apply_veto(incident, actor=actor)
    return incident


def apply_veto(incident: EthicsIncident, *, actor: User | None = None) -> int:
    """一票否决: the teacher's 优秀 of the incident's year becomes 合格 (audited). Returns how many
    appraisals changed (0 or 1)."""
    found = Appraisal.objects.filter(
        teacher_id=incident.teacher_id, school_year_id=incident.school_year_id, grade=AppraisalGrade.EXCELLENT
    ).first()
    if found is None:
        return 0
    found.grade = AppraisalGrade.COMPETENT
    found.note = f"{VETO_NOTE}（{incident.get_category_display()}）"[:200]
    found.save(update_fields=["grade", "note", "updated_at"])
    audit_record(
        action=AuditAction.UPDATE,
        instance=found,
        changes={"before": {"考核等次": "优秀"}, "after": {"考核等次": "合格", "说明": found.note}},
        actor=actor,
    )
    return 1


def vetoed_teacher_ids(year: SchoolYear | None) -> set[int]:
    """Teachers with a confirmed incident in the year: no 优秀, no honours."""
    if year is None:
        return set()
    return set(
        EthicsIncident.objects.filter(school_year=year, status=EthicsStatus.CONFIRMED).values_list(
            "teacher_id", flat=True
        )
    )


@transaction.atomic
def sync_tutoring_matches(*, year: SchoolYear | None, today: dt.date | None = None) -> int:
    """Turn every tutoring staff member matched to an in-service teacher into an incident to handle
    (guideline 10: paid tutoring), once per staff row (the source key). Returns how many arrived."""
    from edugov.tutoring.selectors import in_service_matches

    if year is None:
        return 0
    today = today or timezone.localdate()
    seen = set(
        EthicsIncident.objects.filter(source_key__startswith=TUTORING_KEY).values_list(
            "source_key", flat=True
        )
    )
    teachers = {t.pk: t for t in Teacher.objects.filter(pk__in=[m.teacher_id for m in in_service_matches()])}
    made = 0
    for m in in_service_matches():
        key = f"{TUTORING_KEY}{m.staff_id}"
        teacher = teachers.get(m.teacher_id)
        if key in seen or teacher is None or teacher.school_id is None:
            continue
        subject = f"，任教{m.subject}" if m.subject else ""
        incident_create(
            actor=None,
            teacher=teacher,
            school_year=year,
            category=EthicsCategory.PRACTICE,
            occurred_on=min(m.employed_from or today, today),
            summary=f"校外培训机构从业人员比对：在“{m.institution_name}”任职{subject}，涉嫌有偿补课，待核查。"[
                :500
            ],
            source=EthicsSource.TUTORING_MATCH,
            source_key=key,
            today=today,
        )
        made += 1
    return made


# --- reads ---


def may_see_incidents(actor: Any) -> bool:
    return role_may(actor, action("ethics_view"))


def incident_list(*, actor: Any, year: SchoolYear | None = None) -> QuerySet[EthicsIncident]:
    """Incidents in the actor's scope: only for the roles that see them (empty for anyone else)."""
    if not may_see_incidents(actor):
        return EthicsIncident.objects.none()
    rows = scoped(EthicsIncident, actor).select_related("teacher", "school", "school_year")
    return rows.filter(school_year=year) if year is not None else rows


@dataclass(frozen=True)
class EthicsCounts:
    total: int
    by_status: dict[str, int]  # label -> count
    by_category: dict[str, int]  # label -> count, confirmed only
    vetoed: int  # teachers whose 优秀 and honours the year's confirmed incidents veto


def counts(*, actor: Any, year: SchoolYear | None, school: School | None = None) -> EthicsCounts:
    """Statuses and counts only (no teacher, no school, no summary), in the actor's read scope
    (one school's when given)."""
    if year is None or not (may_see_incidents(actor) or role_may(actor, action("ethics_counts"))):
        return EthicsCounts(0, {}, {}, 0)
    qs = scoped(EthicsIncident, actor).filter(school_year=year)
    if school is not None:
        qs = qs.filter(school=school)
    rows = list(qs.values_list("status", "category", "teacher_id"))
    status = Counter(s for s, _c, _t in rows)
    category = Counter(c for s, c, _t in rows if s == EthicsStatus.CONFIRMED)
    return EthicsCounts(
        total=len(rows),
        by_status={label: status.get(value, 0) for value, label in EthicsStatus.choices},
        by_category={EthicsCategory(c).label: n for c, n in sorted(category.items())},
        vetoed=len({t for s, _c, t in rows if s == EthicsStatus.CONFIRMED}),
    )
