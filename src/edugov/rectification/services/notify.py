"""In-app notifications and who receives them (the unit's users, the department's officers, leaders)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from edugov.accounts.models import Role, User

from ..models import (
    Notification,
    RectificationItem,
    UnitKind,
)


def _unit_users(item: RectificationItem) -> list[User]:
    users = User.objects.filter(is_active=True)
    if item.unit_kind == UnitKind.SCHOOL:
        school = item.school
        ids = [i for i in (item.school_id, school.central_school_id if school else None) if i is not None]
        found = list(users.filter(role=Role.SCHOOL_ADMIN, school_id__in=ids))
    elif item.unit_kind == UnitKind.INSTITUTION:
        found = list(users.filter(role=Role.INSTITUTION_OPERATOR, institution_id=item.institution_id))
    else:
        found = []
    if item.responsible_person_id and all(u.pk != item.responsible_person_id for u in found):
        found.append(item.responsible_person)  # type: ignore[arg-type]
    return found


def _ancestor_paths(path: str) -> list[str]:
    codes = [c for c in path.strip("/").split("/") if c]
    return ["/" + "/".join(codes[: i + 1]) + "/" for i in range(len(codes))]


def _department_officers(item: RectificationItem) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True,
            role=Role.DEPARTMENT_OFFICER,
            department=item.department,
            area__path__in=_ancestor_paths(item.area.path),
        )
    )


def _leaders(item: RectificationItem) -> list[User]:
    return list(
        User.objects.filter(is_active=True, role=Role.LEADER, area__path__in=_ancestor_paths(item.area.path))
    )


def _notify(
    users: Iterable[User], *, item: RectificationItem, kind: str, message: str, now: dt.datetime
) -> int:
    rows = [
        Notification(user=u, item=item, kind=kind, message=message[:300], created_at=now)
        for u in {u.pk: u for u in users}.values()
    ]
    Notification.objects.bulk_create(rows)
    return len(rows)
