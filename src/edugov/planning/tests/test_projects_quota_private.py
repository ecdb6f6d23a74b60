"""Monthly progress, delay flags and the projects' red and black list; completion adding places;
the senior-high quota allocation (largest remainder, rural tilt); private schools against plan and
the cap. Figures worked out by hand in each test's docstring."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from edugov.common.errors import DomainError
from edugov.planning import selectors, services
from edugov.planning.lists import ProjectFigures, flags, rank
from edugov.planning.models import PrivateSchoolYear, ProjectList, ProjectProgress, QuotaPlan
from edugov.planning.quota import Junior, allocate, allocated_places
from edugov.testing import make_class, make_school

pytestmark = pytest.mark.django_db

RULES = {
    "projects": {
        "behind_points": 10,
        "seriously_behind_points": 20,
        "score": {"base": 100, "per_point_behind": 2, "per_overdue_milestone": 10, "late": 30},
        "red": {"top": 1, "min_score": 95},
        "black": {"bottom": 1, "max_score": 80},
    }
}


def _f(
    pid: int, name: str, planned: int | None, actual: int | None, overdue: int = 0, late: bool = False
) -> ProjectFigures:
    return ProjectFigures(pid, name, "某校", planned, actual, overdue, late, completed=False)


def test_red_and_black_list_by_hand():
    """A on plan: 100. B 5 points behind: 100-10 = 90. C 20 behind and a milestone overdue:
    100-40-10 = 50. D late and 10 behind: 100-20-30 = 50. D ranks before C (fewer points behind),
    red = A; black = the bottom one (C) and D, tied with it on 50: a cut never splits a tie."""
    entries = rank(
        [
            _f(1, "A", 50, 50),
            _f(2, "B", 60, 55),
            _f(3, "C", 80, 60, overdue=1),
            _f(4, "D", 100, 90, late=True),
        ],
        RULES,
    )
    got = [(e["project"], e["rank"], e["score"], e["list"]) for e in entries]
    assert got == [
        ("A", 1, 100.0, "红榜"),
        ("B", 2, 90.0, ""),
        ("D", 3, 50.0, "黑榜"),
        ("C", 4, 50.0, "黑榜"),
    ]
    assert flags(_f(3, "C", 80, 60, overdue=1), RULES) == ["严重滞后（落后计划20个百分点）", "逾期节点1个"]
    assert flags(_f(5, "E", None, None), RULES) == ["本月未报送进度"]


def test_progress_and_list_through_services(world):
    """The project (started 2025-03-01, milestone 主体封顶 due 2025-10-01 not done) reports 60% planned,
    45% done for 2025-11: 15 points behind (进度滞后) and one overdue milestone: 100-30-10 = 60."""
    p = world.project
    services.progress_report(
        actor=world.planner, project=p, month=dt.date(2025, 11, 5), planned_pct=60, actual_pct=45
    )
    plist = services.project_list_make(
        actor=world.planner, area=world.md.district, month=dt.date(2025, 11, 1)
    )
    (entry,) = plist.entries
    assert entry["score"] == 60.0
    assert entry["flags"] == ["进度滞后（落后计划15个百分点）", "逾期节点1个"]
    assert entry["list"] == "黑榜"  # 60 < 80
    services.project_list_publish(actor=world.planner, plist=plist)
    with pytest.raises(DomainError, match="已发布"):
        services.project_list_make(actor=world.planner, area=world.md.district, month=dt.date(2025, 11, 1))
    assert ProjectList.objects.get().notice_number.endswith(f"{plist.pk}号")


@pytest.mark.parametrize(
    ("month", "planned", "actual", "message"),
    [
        (dt.date(2025, 2, 1), 10, 10, "进度月份不能早于项目开工月份"),
        (dt.date(2025, 6, 1), 101, 10, "计划累计进度应在0～100之间"),
        (dt.date(2025, 6, 1), 10, -1, "实际累计进度应在0～100之间"),
        (dt.date(2025, 8, 1), 40, 20, "实际累计进度不能低于上月（上月为30%）"),
    ],
)
def test_bad_progress_is_refused(world, month, planned, actual, message):
    services.progress_report(
        actor=world.planner, project=world.project, month=dt.date(2025, 7, 1), planned_pct=30, actual_pct=30
    )
    with pytest.raises(DomainError) as exc:
        services.progress_report(
            actor=world.planner, project=world.project, month=month, planned_pct=planned, actual_pct=actual
        )
    assert exc.value.message == message
    assert ProjectProgress.objects.count() == 1


def test_completion_before_start_refused_and_places_join_supply(world):
    p = world.project
    with pytest.raises(DomainError, match="竣工日期不能早于开工日期"):
        services.project_complete(actor=world.planner, project=p, completed_on=dt.date(2025, 2, 1))
    p.refresh_from_db()
    assert p.completed_on is None
    services.project_complete(actor=world.planner, project=p, completed_on=dt.date(2026, 7, 1))
    # completed before September 2026: its 90 places serve the 2026 school year (planned: 2027)
    assert (world.md.school_a.pk, "primary", 90, 2026) in selectors.project_places(actor=world.planner)


def test_largest_remainder_with_rural_tilt():
    """200 places × 50% = 100. Cohorts 150 (urban), 100 and 50 (rural), tilt 1.2: weights 150, 120,
    60 (330). Exact 45.45, 36.36, 18.18: floors 45+36+18 = 99, the one left goes to the largest
    remainder (0.45): 46, 36, 18 = 100."""
    assert allocated_places(200, Decimal("50")) == 100
    js = [
        Junior(1, "1", "城区中学", "甲", False, 150),
        Junior(2, "2", "乙镇中学", "乙", True, 100),
        Junior(3, "3", "丙镇中学", "丙", True, 50),
    ]
    assert allocate(100, js, Decimal("1.2")) == {1: 46, 2: 36, 3: 18}
    assert allocate(100, js, Decimal("1")) == {1: 50, 2: 33, 3: 17}  # 50, 33.33, 16.67
    assert allocated_places(75, Decimal("50")) == 38  # 37.5 rounds half up


def test_quota_table_and_bad_share(world):
    md = world.md
    senior = make_school(town=md.town_a, name="区第一高级中学", school_type="senior")
    for town, code, pupils in ((md.town_a, "111", 150), (md.town_b, "220", 100), (md.town_b, "210", 50)):
        school = make_school(town=town, school_type="junior", urban_rural_code=code)
        make_class(school=school, year=md.year, grade=9, boys=pupils // 2, girls=pupils - pupils // 2)
    with pytest.raises(DomainError, match="指标到校比例应在50%～100%之间"):
        services.quota_save(actor=world.planner, school=senior, year=2026, places=200, share_pct=Decimal(40))
    with pytest.raises(DomainError, match="不是普通高中"):
        services.quota_save(
            actor=world.planner, school=md.school_a, year=2026, places=200, share_pct=Decimal(50)
        )
    assert not QuotaPlan.objects.exists()
    plan = services.quota_save(
        actor=world.planner,
        school=senior,
        year=2026,
        places=200,
        share_pct=Decimal(50),
        rural_weight=Decimal("1.2"),
    )
    table = selectors.quota_table(actor=world.planner)
    assert table.allocated == {plan.pk: 100}
    assert sorted(table.totals.values()) == [18, 36, 46]


def test_private_school_over_plan_and_share(world):
    """The private school recorded 80 pupils; the public classes of 2025 hold 240 (school A) + 80
    (school B) = 320 pupils: 80 / 400 = 20% against a 5% cap."""
    md = world.md
    private = make_school(town=md.town_a, name="民办育英学校", ownership="private")
    with pytest.raises(DomainError, match="学费收入不能多于总收入"):
        services.private_year_save(
            actor=world.planner, school=private, year=2025, approved_scale=100, plan_enrolment=20,
            actual_enrolment=30, pupils=80, income=Decimal(10), fee_income=Decimal(20),
        )  # fmt: skip
    with pytest.raises(DomainError, match="不是民办学校"):
        services.private_year_save(
            actor=world.planner, school=md.school_a, year=2025, approved_scale=100, plan_enrolment=20,
            actual_enrolment=30, pupils=80,
        )  # fmt: skip
    assert not PrivateSchoolYear.objects.exists()
    services.private_year_save(
        actor=world.planner, school=private, year=2025, approved_scale=100, plan_enrolment=20,
        actual_enrolment=30, pupils=80, income=Decimal(500), fee_income=Decimal(400),
        related_party_payments=Decimal(35),
    )  # fmt: skip
    o = selectors.private_overview(actor=world.planner)
    (row,) = o.rows
    assert row.over_plan and not row.over_scale and row.related_party
    assert o.private_compulsory == 80 and o.all_compulsory == 400
    assert o.share_pct == 20.0 and o.over_cap


def test_findings_black_listed_project_and_private_school_over_plan(world):
    from django.utils import timezone

    from edugov.planning.findings import private_over_plan, project_black_list
    from edugov.rectification.findings import FindingContext

    services.progress_report(
        actor=world.planner, project=world.project, month=dt.date(2025, 11, 1), planned_pct=60, actual_pct=45
    )
    plist = services.project_list_make(
        actor=world.planner, area=world.md.district, month=dt.date(2025, 11, 1)
    )
    ctx = FindingContext(now=timezone.now(), area=world.md.district)
    assert list(project_black_list(ctx)) == []  # a draft list raises nothing
    services.project_list_publish(actor=world.planner, plist=plist)
    (black,) = list(project_black_list(ctx))
    assert black.title == "甲街道第一小学扩建列入2025年11月项目建设黑榜"
    assert "得分60" in black.evidence and "进度滞后（落后计划15个百分点）" in black.evidence
    private = make_school(town=world.md.town_a, name="民办育英学校", ownership="private")
    services.private_year_save(
        actor=world.planner, school=private, year=2025, approved_scale=100, plan_enrolment=20,
        actual_enrolment=30, pupils=80,
    )  # fmt: skip
    (over,) = list(private_over_plan(ctx))
    assert over.title == "民办育英学校2025年超计划招生"
    assert "实际招生30人，超出招生计划20人" in over.evidence
