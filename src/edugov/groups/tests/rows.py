"""Town B's group rows for the scope and write walks (tests/test_scope_walk.py): a group led by
school B with an activity, a plan and a joint class, all named after school B."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from edugov.groups.models import (
    Activity,
    Evidence,
    JointClass,
    Membership,
    Rotation,
    SchoolGroup,
    UnificationPlan,
)


def add_town_b_groups(w: Any) -> None:
    start = dt.date(w.year.start_year, 9, 1)
    group = SchoolGroup.objects.create(
        name=f"{w.school_b.name}教育集团", kind="alliance", lead_school=w.school_b, start_date=start
    )
    Membership.objects.create(group=group, school=w.school_b, joined_on=start)
    UnificationPlan.objects.create(
        group=group, term=f"{w.year.start_year}-{w.year.start_year + 1}-1", unification="research",
        plan=f"{w.school_b.name}教研计划",
    )  # fmt: skip
    activity = Activity.objects.create(
        group=group, school=w.school_b, term=f"{w.year.start_year}-{w.year.start_year + 1}-1",
        unification="research", kind="research", title=f"{w.school_b.name}联合教研", held_on=start,
    )  # fmt: skip
    joint = JointClass.objects.create(
        group=group, name=f"{w.school_b.name}联合班", host_school=w.school_b, partner_school=w.school_b,
        grade=5, pupils=30, transported=10,
    )  # fmt: skip
    Rotation.objects.create(
        joint_class=joint,
        stage="第一阶段",
        school=w.school_b,
        start_date=start,
        end_date=start + dt.timedelta(days=60),
    )
    Evidence.objects.create(
        group=group, term=activity.term, unification="research", activity=activity, school=w.school_b,
        file="groups/probe.pdf", token="probe", original_name=f"{w.school_b.name}纪要.pdf", size=8,
        content_type="application/pdf", uploaded_at=timezone.now(),
    )  # fmt: skip
    w.group_b = group
