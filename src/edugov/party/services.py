"""Writes of party leadership status: a school's status (organisation kind, rules adopted,
demonstration, brand), a term's meeting counts, and the district's coverage target. Each asks the
policy first, refuses bad input in Chinese (nothing written) and leaves an audit record."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from edugov.accounts.models import User
from edugov.accounts.policy import ensure_can
from edugov.audit.models import AuditAction
from edugov.audit.services import audit_record
from edugov.common.errors import DomainError
from edugov.common.terms import TERM_RE, term_of  # noqa: F401 (views and reports call services.term_of)
from edugov.registry.models import Area, School

from .errors import PartyError as E
from .models import CoverageTarget, MeetingCount, OrgKind, PartyStatus, TutoringPartyCount
from .permissions import action


@transaction.atomic
def status_save(
    *,
    actor: User,
    school: School,
    org_kind: str,
    rules_adopted: bool,
    office_rules_adopted: bool,
    attached_to: School | None = None,
    adopted_on: dt.date | None = None,
    demonstration: bool = False,
    brand: str = "",
) -> PartyStatus:
    ensure_can(actor, action("status_edit"), school)
    if org_kind not in OrgKind.values:
        raise DomainError(E.BAD_FIELD, field="党组织形式", reason="请选择")
    if org_kind == OrgKind.ATTACHED:
        if attached_to is None:
            raise DomainError(E.ATTACHED_NEEDS_SCHOOL)
        if attached_to.pk == school.pk:
            raise DomainError(E.ATTACHED_SELF)
    else:
        attached_to = None
    row, created = PartyStatus.objects.update_or_create(
        school=school,
        defaults={
            "org_kind": org_kind,
            "attached_to": attached_to,
            "rules_adopted": bool(rules_adopted),
            "office_rules_adopted": bool(office_rules_adopted),
            "adopted_on": adopted_on,
            "demonstration": bool(demonstration),
            "brand": (brand or "").strip()[:60],
        },
    )
    audit_record(
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        instance=row,
        actor=actor,
        changes={"org_kind": org_kind, "covered": row.covered, "demonstration": row.demonstration},
    )
    return row


@transaction.atomic
def meetings_save(
    *, actor: User, school: School, term: str, party_meetings: int, office_meetings: int
) -> MeetingCount:
    """A term's meeting counts (a second save replaces the first). A count below zero is refused."""
    ensure_can(actor, action("status_edit"), school)
    m = TERM_RE.match((term or "").strip())
    if m is None or int(m.group(2)) != int(m.group(1)) + 1:
        raise DomainError(E.BAD_TERM)
    for label, value in (("党组织会议次数", party_meetings), ("校长办公会议次数", office_meetings)):
        if value < 0:
            raise DomainError(E.NEGATIVE, field=label)
        if value > 1000:
            raise DomainError(E.BAD_FIELD, field=label, reason="不能超过1000")
    row, created = MeetingCount.objects.update_or_create(
        school=school,
        term=term.strip(),
        defaults={"party_meetings": party_meetings, "office_meetings": office_meetings},
    )
    audit_record(
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        instance=row,
        actor=actor,
        changes={"term": row.term, "party_meetings": party_meetings, "office_meetings": office_meetings},
    )
    return row


@transaction.atomic
def target_set(*, actor: User, area: Area, year: int, deadline: dt.date, share: int = 100) -> CoverageTarget:
    ensure_can(actor, action("target_edit"), area)
    if not 0 <= share <= 100:
        raise DomainError(E.SHARE)
    row, created = CoverageTarget.objects.update_or_create(
        area=area, year=year, defaults={"deadline": deadline, "share": share}
    )
    audit_record(
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        instance=row,
        actor=actor,
        changes={"year": year, "deadline": deadline.isoformat(), "share": share},
    )
    return row


@transaction.atomic
def tutoring_counts_save(
    *, actor: User, area: Area, year: int, institutions: int, own_org: int, joint_org: int
) -> TutoringPartyCount:
    """The year's party organisation coverage of the district's tutoring institutions, as counts
    (a second save replaces the first). Refused: a count below zero, parts above the total."""
    ensure_can(actor, action("target_edit"), area)
    for label, value in (
        ("校外培训机构数", institutions),
        ("单独建立", own_org),
        ("联合建立或挂靠", joint_org),
    ):
        if value < 0:
            raise DomainError(E.NEGATIVE, field=label)
        if value > 100000:
            raise DomainError(E.BAD_FIELD, field=label, reason="不能超过100000")
    if own_org + joint_org > institutions:
        raise DomainError(E.TUTORING_PARTS, covered=own_org + joint_org, total=institutions)
    row, created = TutoringPartyCount.objects.update_or_create(
        area=area,
        year=year,
        defaults={"institutions": institutions, "own_org": own_org, "joint_org": joint_org},
    )
    audit_record(
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        instance=row,
        actor=actor,
        changes={"year": year, "institutions": institutions, "own_org": own_org, "joint_org": joint_org},
    )
    return row
