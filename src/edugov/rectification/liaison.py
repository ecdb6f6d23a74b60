"""Leader liaison (挂钩联系): district leaders linked to schools, their visit records, and the
problems they raise, each of which becomes one rectification item (source 领导走访) through the
item services. One visit record per leader and day: submitting the same visit again adds to it and
never duplicates a problem or its item."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from edugov.accounts.models import Department, Role, User
from edugov.accounts.policy import can, ensure_can, role_may
from edugov.accounts.scope import ensure_references_writable, scoped, write_scoped
from edugov.audit.models import AuditAction
from edugov.audit.services import audit_create, audit_record
from edugov.common.dates import cn_date
from edugov.common.errors import DomainError
from edugov.registry.models import Area, School

from . import permissions, services
from .errors import RectificationError as E
from .findings import Finding, Unit
from .models import (
    OPEN_STATUSES,
    ItemSource,
    LeaderVisit,
    LiaisonLink,
    RectificationItem,
    Severity,
    VisitProblem,
)

VISIT_KIND = "leader_visit"


@dataclass(frozen=True)
class ProblemInput:
    school_id: int
    title: str
    required_action: str
    department: str
    deadline: dt.date
    severity: str = Severity.MEDIUM


def _today(now: dt.datetime) -> dt.date:
    return timezone.localtime(now).date()


def _leader_in_scope(user: Any, leader_id: int) -> User:
    leader = (
        User.objects.filter(pk=leader_id, role=Role.LEADER, is_active=True).select_related("area").first()
    )
    if leader is None:
        raise DomainError(E.NOT_LEADER)
    in_area = (
        user.area is not None and leader.area is not None and leader.area.path.startswith(user.area.path)
    )
    if not (user.is_superuser or in_area or leader.pk == user.pk):
        raise DomainError(E.NOT_LEADER)
    return leader


@transaction.atomic
def liaison_set(
    *, user: Any, leader_id: int, school_ids: Sequence[int], now: dt.datetime | None = None
) -> list[LiaisonLink]:
    """District administrators link a leader to schools (the list replaces the previous one)."""
    ensure_can(user, permissions.action("liaison_set"))
    leader = _leader_in_scope(user, leader_id)
    ids = {int(i) for i in school_ids}
    schools = list(write_scoped(School, user).filter(pk__in=services.storable_ids(ids)))
    if len(schools) != len(ids):
        raise DomainError(E.UNKNOWN_UNIT)
    now = now or timezone.now()
    current = {link.school_id: link for link in LiaisonLink.objects.filter(leader=leader)}
    removed = [sid for sid in current if sid not in ids]
    LiaisonLink.objects.filter(leader=leader, school_id__in=removed).delete()
    added = [
        LiaisonLink.objects.create(leader=leader, school=s, since=_today(now))
        for s in schools
        if s.pk not in current
    ]
    audit_record(
        action=AuditAction.UPDATE,
        instance=leader,
        changes={"liaison_schools": {"added": [s.school_id for s in added], "removed": removed}},
        actor=user,
    )
    return list(LiaisonLink.objects.filter(leader=leader).select_related("school"))


def _cause_key(visit: LeaderVisit, school_id: int, title: str) -> str:
    digest = hashlib.sha1(title.encode()).hexdigest()[:16]
    return f"{VISIT_KIND}:{visit.pk}:{school_id}:{digest}"


@transaction.atomic
def leader_visit_record(
    *,
    user: Any,
    visited_on: dt.date,
    school_ids: Sequence[int],
    observations: str = "",
    problems: Sequence[ProblemInput] = (),
    leader_id: int | None = None,
    now: dt.datetime | None = None,
) -> tuple[LeaderVisit, list[RectificationItem]]:
    """A leader records a visit (a district administrator or inspector may record it for a leader).
    Each new problem becomes an item; a problem already recorded for the same visit, school and
    title is not raised again. Returns the visit and the items raised by this call."""
    now = now or timezone.now()
    today = _today(now)
    act = permissions.action("leader_visit_record")
    if not role_may(user, act):
        ensure_can(user, act)  # the policy's refusal
    if leader_id is None and permissions.is_leader(user):
        leader_id = user.pk  # a leader records their own visit
    if leader_id is None:
        raise DomainError(E.NOT_LEADER)
    leader = (
        user if leader_id == user.pk and permissions.is_leader(user) else _leader_in_scope(user, leader_id)
    )
    # A leader writes their own visit records only (the check); the new record is not a row yet,
    # so the policy looks at whose visit it is.
    ensure_can(user, act, LeaderVisit(leader=leader))
    own = leader.pk == user.pk
    if not isinstance(visited_on, dt.date):
        raise DomainError(E.BAD_FIELD, field="走访日期", reason="日期格式应为YYYY-MM-DD")
    if visited_on > today:
        raise DomainError(E.VISIT_IN_FUTURE, today=today)
    ids = {int(i) for i in school_ids}
    if not ids:
        raise DomainError(E.NO_SCHOOLS)
    # Recording one's own visit cites the schools one may read; recording it for a leader names
    # schools (and raises their items) within the recorder's write scope.
    found = scoped(School, user, mode="read" if own else "write")
    found = found.filter(pk__in=services.storable_ids(ids)).select_related("area")
    schools = {s.pk: s for s in found}
    if len(schools) != len(ids):
        raise DomainError(E.UNKNOWN_UNIT)
    observations = (observations or "").strip()
    if len(observations) > 8000:
        raise DomainError(E.BAD_FIELD, field="所见情况", reason="不能超过8000个字")
    checked: list[ProblemInput] = []
    for p in problems:
        if p.school_id not in schools:
            raise DomainError(E.SCHOOL_NOT_VISITED, school=str(p.school_id))
        title = (p.title or "").strip()
        action = (p.required_action or "").strip()
        if not title or len(title) > 200:
            raise DomainError(E.BAD_FIELD, field="问题", reason="不能为空且不超过200字")
        if not action or len(action) > 4000:
            raise DomainError(E.BAD_FIELD, field="整改要求", reason="不能为空且不超过4000字")
        if p.department not in Department.values:
            raise DomainError(E.BAD_FIELD, field="主管科室", reason="取值无效")
        if p.severity not in Severity.values:
            raise DomainError(E.BAD_FIELD, field="严重程度", reason="取值无效")
        if p.deadline < today:
            raise DomainError(E.DEADLINE_PAST, today=today)
        checked.append(ProblemInput(p.school_id, title, action, p.department, p.deadline, p.severity))

    visit = LeaderVisit.objects.select_for_update().filter(leader=leader, visited_on=visited_on).first()
    if visit is None:
        district = next(iter(schools.values())).area
        visit = LeaderVisit(
            leader=leader, area=leader.area or district, visited_on=visited_on, observations=observations,
            created_by=user, created_at=now, updated_at=now,
        )  # fmt: skip
        # The area is the leader's own (or the district's), not chosen: a leader's own record keeps
        # it; a recorder for a leader must be able to write there.
        ensure_references_writable(user, visit, fields=[] if own else None)
        visit.save()
        visit.schools.set(schools.values())
        audit_create(instance=visit, actor=user)
    else:
        before = visit.observations
        if observations and observations not in before:
            visit.observations = f"{before}\n{observations}".strip()
        visit.updated_at = now
        visit.save(update_fields=["observations", "updated_at"])
        visit.schools.add(*schools.values())
        audit_record(
            action=AuditAction.UPDATE,
            instance=visit,
            changes={"observations": [before, visit.observations], "schools": sorted(schools)},
            actor=user,
        )
    raised: list[RectificationItem] = []
    for p in checked:
        if VisitProblem.objects.filter(visit=visit, school_id=p.school_id, title=p.title).exists():
            continue
        school = schools[p.school_id]
        item = services.item_create_system(
            finding=Finding(
                cause_key=_cause_key(visit, p.school_id, p.title),
                source=VISIT_KIND,
                unit=Unit.school(school.pk),
                title=f"{school.name}：{p.title}"[:200],
                evidence=f"{leader}于{cn_date(visited_on)}走访{school.name}时提出：{p.title}",
                severity=p.severity,
                required_action=p.required_action,
                department=p.department,
                deadline_days=(p.deadline - today).days,
                data={"leader": str(leader), "visited_on": visited_on.isoformat()},
            ),
            source=ItemSource.LEADER_VISIT,
            now=now,
            visit_kind=VISIT_KIND,
            visit_id=visit.pk,
            created_by=user,
        )
        problem = VisitProblem.objects.create(
            visit=visit, school=school, title=p.title, required_action=p.required_action,
            department=p.department, severity=p.severity, deadline=p.deadline, item=item,
        )  # fmt: skip
        audit_create(instance=problem, actor=user)
        raised.append(item)
    return visit, raised


def is_leader(user: Any) -> bool:
    return permissions.is_leader(user)


def may_record_for(user: Any, leader: Any) -> bool:
    """Whether `user` may record a visit of `leader` (a leader only their own)."""
    return can(user, permissions.action("leader_visit_record"), LeaderVisit(leader=leader))


# Reads -------------------------------------------------------------------------------------------


def leader_list(*, user: Any) -> QuerySet[User]:
    """Leaders whose area lies in the user's scope (a leader sees only themself)."""
    if permissions.is_leader(user) and not user.is_superuser:
        return User.objects.filter(pk=user.pk)
    areas = scoped(Area, user)
    return User.objects.filter(role=Role.LEADER, is_active=True, area__in=areas).order_by("username")


def leader_get(*, user: Any, pk: int) -> User:
    leader = leader_list(user=user).filter(pk=pk).first()
    if leader is None:
        raise Http404("领导不存在或不在您的数据范围内")
    return leader


def liaison_schools(*, user: Any, leader: User) -> QuerySet[School]:
    return (
        scoped(School, user)
        .filter(pk__in=LiaisonLink.objects.filter(leader=leader).values("school_id"))
        .select_related("area")
        .order_by("area__path", "name")
    )


def visit_list(*, user: Any, leader: User | None = None) -> QuerySet[LeaderVisit]:
    ids = scoped(LeaderVisit, user).values("pk")
    qs = (
        LeaderVisit.objects.filter(pk__in=ids)
        .select_related("leader")
        .prefetch_related("schools", "problems")
    )
    return qs.filter(leader=leader) if leader is not None else qs


def visit_get(*, user: Any, pk: int) -> LeaderVisit:
    visit = visit_list(user=user).filter(pk=pk).first()
    if visit is None:
        raise Http404("走访记录不存在或不在您的数据范围内")
    return visit


def leader_open_items(*, user: Any, leader: User) -> QuerySet[RectificationItem]:
    """Open items of the leader's liaison schools (any source)."""
    return (
        scoped(RectificationItem, user)
        .filter(school_id__in=LiaisonLink.objects.filter(leader=leader).values("school_id"))
        .filter(status__in=OPEN_STATUSES)
        .select_related("school")
        .order_by("deadline", "pk")
    )
