"""Writes of quality outcomes from the entry form and the API: one school's 中考 or 高考 line count
and one award count, checked as the import checks them (outcome_rules), updated in place on the
import's natural key, audited. Counts only: no pupil, no score, no top scorer."""

from __future__ import annotations

from django.db import transaction

from edugov.accounts.models import User
from edugov.accounts.policy import ensure_can
from edugov.audit.models import AuditAction
from edugov.audit.services import audit_record
from edugov.common.errors import DomainError
from edugov.registry.models import School, SchoolYear

from .errors import QualityError as E
from .models import Award, AwardLevel, ExamLine, LineResult, Recipient, exam_of
from .outcome_rules import award_problem, line_problem
from .permissions import action

FIELD_LABELS = {
    "school_code": "学校",
    "line": "分数线",
    "candidates": "参考人数",
    "reached": "上线人数",
    "contest": "赛事或评比",
    "prize": "奖项",
    "count": "获奖人次",
}


def _refuse(problem: tuple[str, str]) -> DomainError:
    field, reason = problem
    return DomainError(E.BAD_PARAM, field=FIELD_LABELS.get(field, field), reason=reason)


@transaction.atomic
def line_result_save(
    *,
    actor: User,
    school: School,
    school_year: SchoolYear,
    line: str,
    candidates: int,
    reached: int,
) -> LineResult:
    """One line count of a school in a year (the line says the exam: 中考 or 高考); a second save of
    the same line replaces the counts."""
    ensure_can(actor, action("import_outcomes"), school)
    if line not in ExamLine.values:
        raise DomainError(E.BAD_PARAM, field="分数线", reason="取值无效")
    problem = line_problem(
        exam=exam_of(line),
        school_code=school.code,
        school_type=school.school_type,
        line=line,
        candidates=candidates,
        reached=reached,
    )
    if problem is not None:
        raise _refuse(problem)
    row, created = LineResult.objects.select_for_update().get_or_create(
        school=school,
        school_year=school_year,
        line=line,
        defaults={"candidates": candidates, "reached": reached},
    )
    before = {} if created else {"candidates": row.candidates, "reached": row.reached}
    if not created:
        row.candidates, row.reached = candidates, reached
        row.save(update_fields=["candidates", "reached"])
    audit_record(
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        instance=row,
        actor=actor,
        changes={"before": before, "after": {"candidates": candidates, "reached": reached}},
    )
    return row


@transaction.atomic
def award_save(
    *,
    actor: User,
    school: School,
    school_year: SchoolYear,
    recipient: str,
    level: str,
    contest: str,
    prize: str,
    count: int,
) -> Award:
    """One award count (teachers or students of a school, a contest and prize, no names); the same
    school, year, recipient, level, contest and prize again replaces the count."""
    ensure_can(actor, action("import_outcomes"), school)
    if recipient not in Recipient.values:
        raise DomainError(E.BAD_PARAM, field="获奖对象", reason="应为教师或学生")
    if level not in AwardLevel.values:
        raise DomainError(E.BAD_PARAM, field="级别", reason="取值无效")
    problem = award_problem(contest=contest, prize=prize, count=count)
    if problem is not None:
        raise _refuse(problem)
    row, created = Award.objects.select_for_update().get_or_create(
        school=school,
        school_year=school_year,
        recipient=recipient,
        level=level,
        contest=contest.strip(),
        prize=prize.strip(),
        defaults={"count": count},
    )
    before = {} if created else {"count": row.count}
    if not created:
        row.count = count
        row.save(update_fields=["count"])
    audit_record(
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        instance=row,
        actor=actor,
        changes={"before": before, "after": {"count": count}},
    )
    return row
