"""The `group` scope anchor: a grant of it lets the group head (the lead school's administrator)
read every member school's rows; writing stays with each school's own anchor."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from edugov.accounts.anchors import AnchorType, Mode, schools_q
from edugov.accounts.models import Role
from edugov.common.cache import cached_figure


@cached_figure("groups.member_school_ids")
def member_school_ids(group_ids: list[int]) -> list[int]:
    """The current members of the groups: asked by every scoped read of a group head's page (12-14
    on one page), so kept per data generation (a membership change is an audited write)."""
    from .models import Membership

    return list(
        Membership.objects.filter(group_id__in=group_ids, left_on__isnull=True).values_list(
            "school_id", flat=True
        )
    )


def _to_q(rule: Any, ids: list[int], mode: Mode, user: Any) -> Q | None:
    if mode == "write":
        return None  # the head reads the members; each school writes its own rows
    return schools_q(rule, member_school_ids(ids), mode)


GROUP_ANCHOR = AnchorType(
    kind="group",
    label="学校集团（成员校）",
    roles=frozenset({Role.SCHOOL_ADMIN}),
    model="groups.SchoolGroup",
    to_q=_to_q,
)
