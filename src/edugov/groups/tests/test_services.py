"""Group writes and reads: refusals in Chinese with nothing written, activities counted for every
member, the eight unifications' statuses, the group anchor (the head reads members, writes only its
own school), joint classes' stage check, and the effect verdicts worked out by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from edugov.accounts.scope import scoped, write_scoped
from edugov.common.errors import DomainError, PermissionDenied
from edugov.groups import selectors, services
from edugov.groups.effect import EffectSeries, _verdict
from edugov.groups.findings import previous_term, unifications_without_activity
from edugov.groups.models import Activity, JointClass, Membership, SchoolGroup
from edugov.rectification.findings import FindingContext
from edugov.registry.models import SchoolType
from edugov.testing import make_school

pytestmark = pytest.mark.django_db
TERM = "2025-2026-1"


def test_a_school_in_two_close_groups_is_refused_and_nothing_is_written(world):
    before = (SchoolGroup.objects.count(), Membership.objects.count())
    with pytest.raises(DomainError) as exc:
        services.group_create(
            actor=world.officer, name="乙镇集团", kind="close", lead_school=world.md.school_b,
            start_date=dt.date(2026, 3, 1),
        )  # fmt: skip
    assert "已是紧密型教育集团“甲街道第一小学教育集团”的成员" in exc.value.message
    assert (SchoolGroup.objects.count(), Membership.objects.count()) == before
    # an alliance may share a member with a close group
    alliance = services.group_create(
        actor=world.officer, name="乙镇联盟", kind="alliance", lead_school=world.md.school_b,
        start_date=dt.date(2026, 3, 1),
    )  # fmt: skip
    assert alliance.memberships.count() == 1


def test_a_group_without_lead_school_is_refused(world):
    with pytest.raises(DomainError, match="请选择牵头学校"):
        services.group_create(
            actor=world.officer,
            name="无牵头",
            kind="alliance",
            lead_school=None,
            start_date=dt.date(2026, 1, 1),
        )
    assert not SchoolGroup.objects.filter(name="无牵头").exists()


def test_an_activity_is_recorded_once_and_counted_for_every_member(world):
    g = world.group
    services.activity_record(
        actor=world.member_admin, group=g, school=world.school_c, unification="research", kind="research",
        title="联合教研", held_on=dt.date(2025, 10, 9), participants=40,
    )  # fmt: skip
    services.plan_save(actor=world.head, group=g, term=TERM, unification="research", plan="每月一次联合教研")
    services.plan_save(actor=world.head, group=g, term=TERM, unification="training", plan="新教师培训")
    assert Activity.objects.count() == 1
    credited = {c.school_name: (c.hosted, c.credited) for c in selectors.member_activity(g, TERM)}
    assert credited == {"甲街道第一小学": (0, 1), "乙镇中心小学": (0, 1), "乙镇丙村小学": (1, 1)}
    rows = {r.code: r.status for r in selectors.unification_rows(g, TERM)}
    assert rows["research"] == "ok" and rows["training"] == "no_activity" and rows["students"] == "missing"
    assert list(rows.values()).count("missing") == 6
    with pytest.raises(DomainError, match="参与人次：不能小于0"):
        services.activity_record(
            actor=world.member_admin, group=g, school=world.school_c, unification="research", kind="research",
            title="x", held_on=dt.date(2025, 10, 9), participants=-1,
        )  # fmt: skip
    assert Activity.objects.count() == 1


def test_the_group_head_reads_the_members_and_writes_only_its_own_school(world):
    services.activity_record(
        actor=world.member_admin, group=world.group, school=world.school_c, unification="students",
        kind="student", title="运动会", held_on=dt.date(2025, 11, 2),
    )  # fmt: skip
    assert scoped(Activity, world.head).count() == 1  # the member's activity, through the grant
    assert write_scoped(Activity.objects.all(), world.head).count() == 0
    other_admin = world.md.users  # school A's teacher has no grant: reads none of it
    assert scoped(Activity, other_admin["teacher"]).count() == 0
    with pytest.raises(PermissionDenied):
        services.activity_record(
            actor=world.head, group=world.group, school=world.school_c, unification="students",
            kind="student", title="代登记", held_on=dt.date(2025, 11, 2),
        )  # fmt: skip
    # the member reads its group through its membership, not other groups
    assert [g.pk for g in selectors.groups_of_school(actor=world.member_admin, school=world.school_c)] == [
        world.group.pk
    ]


def test_a_joint_class_with_a_school_of_another_stage_is_refused(world):
    junior = make_school(town=world.md.town_b, name="乙镇初级中学", school_type=SchoolType.JUNIOR)
    services.member_add(actor=world.officer, group=world.group, school=junior, joined_on=dt.date(2026, 2, 1))
    with pytest.raises(DomainError, match="乙镇初级中学（初级中学）没有5年级"):
        services.joint_class_create(
            actor=world.officer, group=world.group, name="五年级联合班", host_school=world.md.school_a,
            partner_school=junior, grade=5, pupils=30,
        )  # fmt: skip
    with pytest.raises(DomainError, match="接送学生数不能多于学位数"):
        services.joint_class_create(
            actor=world.officer, group=world.group, name="五年级联合班", host_school=world.md.school_a,
            partner_school=world.school_c, grade=5, pupils=30, transported=31,
        )  # fmt: skip
    assert not JointClass.objects.exists()
    joint = services.joint_class_create(
        actor=world.officer, group=world.group, name="五年级联合班", host_school=world.md.school_a,
        partner_school=world.school_c, grade=5, pupils=30, transported=12, teachers=[world.md.teacher_a],
        rotations=[("第一阶段", world.md.school_a, dt.date(2025, 9, 1), dt.date(2025, 11, 15))],
    )  # fmt: skip
    assert (joint.rotations.count(), joint.teachers.count()) == (1, 1)


@pytest.mark.parametrize(
    ("before", "after", "gaps", "verdict"),
    [
        (3.0, 1.5, [3, 2, 1], "差距缩小"),
        (2.0, 3.0, [2, 2, 4], "差距扩大"),
        (None, None, [4, 4], "差距未缩小"),
        (None, None, [5, 2], "差距缩小"),
        (-1.0, -2.0, [-1, -2], "不落后于牵头学校"),
        (None, None, [2], "数据不足"),
    ],
)
def test_effect_verdicts(before, after, gaps, verdict):
    s = EffectSeries(1, "x", 2025, gaps, before, after)
    assert _verdict(s, gaps) == verdict


def test_a_unification_without_activity_last_term_is_a_finding(world):
    assert previous_term("2026-2027-1") == "2025-2026-2" and previous_term("2025-2026-2") == "2025-2026-1"
    services.activity_record(
        actor=world.member_admin, group=world.group, school=world.school_c, unification="research",
        kind="research", title="联合教研", held_on=dt.date(2025, 10, 9),
    )  # fmt: skip
    now = dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC)
    found = list(unifications_without_activity(FindingContext(now=now)))
    assert len(found) == 7  # eight unifications, one with an activity in 2025-2026-1
    assert all(f.unit.id == world.md.school_a.pk for f in found)
    assert "统一教学研究" not in " ".join(f.title for f in found)
    # the term as people read it, not its code
    assert all("2025-2026学年第一学期" in f.title and "2025-2026-1" not in f.title for f in found)


@pytest.mark.parametrize(
    ("code", "label"),
    [("2026-2027-1", "2026-2027学年第一学期"), ("2025-2026-2", "2025-2026学年第二学期"), ("其他", "其他")],
)
def test_a_term_reads_as_its_chinese_name(code, label):
    assert services.term_label(code) == label
