"""After-school satisfaction counts (people, never pupils' names)."""

from __future__ import annotations

from django.db import transaction

from edugov.accounts.models import User
from edugov.accounts.policy import ensure_can
from edugov.audit.models import AuditAction
from edugov.audit.services import audit_record
from edugov.common.errors import DomainError
from edugov.registry.models import School, SchoolYear

from ..errors import AppraisalError as E
from ..models import (
    SatisfactionSurvey,
)
from ..permissions import action


@transaction.atomic
def survey_save(
    *, actor: User, school: School, school_year: SchoolYear, respondent: str, respondents: int, satisfied: int
) -> SatisfactionSurvey:
    """A year's after-school satisfaction counts of one school's parents or pupils (a second save
    replaces the first)."""
    ensure_can(actor, action("survey_edit"), school)
    if respondent not in ("parents", "pupils"):
        raise DomainError(E.BAD_FIELD, field="调查对象", reason="取值无效")
    for label, n in (("答卷数", respondents), ("满意数", satisfied)):
        if not 0 <= n <= 100000:
            raise DomainError(E.BAD_FIELD, field=label, reason="应在0至100000之间")
    if satisfied > respondents:
        raise DomainError(E.SURVEY_COUNTS)
    row, created = SatisfactionSurvey.objects.update_or_create(
        school=school,
        school_year=school_year,
        respondent=respondent,
        defaults={"respondents": respondents, "satisfied": satisfied},
    )
    audit_record(
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        instance=row,
        actor=actor,
        changes={"respondent": respondent, "respondents": respondents, "satisfied": satisfied},
    )
    return row
