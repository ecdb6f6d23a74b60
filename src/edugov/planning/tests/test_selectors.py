"""Places against demand worked out by hand on the mini district (see conftest), the what-if, the
back-test on data the method fits exactly, the layout list and the overdue board."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from edugov.planning import selectors

pytestmark = pytest.mark.django_db


def _row(o, town: str, stage: str = "primary"):
    return next(r for r in o.rows if r.town == town and r.stage == stage)


def test_gap_by_town_and_year(world):
    o = selectors.planning_overview(actor=world.planner, horizon=3)
    assert o.base_year == 2025 and o.years == [2026, 2027, 2028]
    a = _row(o, "甲街道")
    cells = {c["year"]: c for c in a.cells}
    # 2026: grades 1-3 of 80 each (0.5 x 160 births; ratios 1) = 240 against 4 x 45 = 180 places
    assert (cells[2026]["demand"], cells[2026]["places"], cells[2026]["gap"]) == (240, 180, -60)
    # 2027: + the estate (500 x 12 / 100 = 60) and the project's 90 places (completing June 2027)
    assert (cells[2027]["demand"], cells[2027]["housing"], cells[2027]["places"], cells[2027]["gap"]) == (
        300,
        60,
        270,
        -30,
    )
    assert a.first_short == 2026
    assert cells[2026]["over_capacity_schools"] == 1 and cells[2026]["oversized_classes"] == 0
    # the method fits school A's history exactly: a back-test error of 0
    assert a.mape == pytest.approx(0.0)
    assert any("45" in c or "标准班额" in c for c in o.citations)


def test_what_if_project_and_migration(world):
    extra = {"school_id": world.md.school_a.pk, "stage": "primary", "places": 100, "year": 2026}
    o = selectors.planning_overview(actor=world.planner, horizon=2, extra_project=extra)
    assert _row(o, "甲街道").cells[0]["gap"] == 40  # 280 places for 240 pupils
    # +10% a year on every grade that moves up: 2026 = 80 + 2 x 88 = 256
    o = selectors.planning_overview(actor=world.planner, horizon=1, migration=0.10)
    assert _row(o, "甲街道").cells[0]["demand"] == 256


def test_overview_reads_in_few_queries(world):
    with CaptureQueriesContext(connection) as ctx:
        selectors.planning_overview(actor=world.planner, horizon=10)
    assert len(ctx.captured_queries) <= 12


def test_a_town_officer_sees_only_their_town(world):
    o = selectors.planning_overview(actor=world.md.users["town_officer"], horizon=2)
    assert {r.town for r in o.rows} == {"甲街道"}


def test_layout_lists_the_falling_small_school_with_reasons(world):
    rows = selectors.layout_list(actor=world.planner)
    assert [r["school"] for r in rows] == ["乙镇中心小学"]
    reasons = rows[0]["reasons"]
    assert reasons[0] == "在校生2023学年120人，2025学年80人，减少33%"
    assert "少于100人" in reasons[1]


def test_overdue_milestones_and_late_projects(world):
    board = selectors.project_board(actor=world.planner, today=dt.date(2026, 1, 5))
    assert board[0].overdue == ["主体封顶（应于2025-10-01完成）"] and not board[0].late
    board = selectors.project_board(actor=world.planner, today=dt.date(2027, 7, 1))
    assert board[0].late


def test_findings_a_town_short_within_three_years_and_a_late_project(world):
    import datetime as dt_

    from django.utils import timezone

    from edugov.planning.findings import places_short, projects_late
    from edugov.rectification.findings import FindingContext

    ctx = FindingContext(now=timezone.now(), area=world.md.district)
    short = list(places_short(ctx))
    assert [f.title for f in short] == ["甲街道小学学位自2026学年不足"]
    assert "缺口60个" in short[0].evidence and "回测误差0.0%" in short[0].evidence
    late = list(projects_late(ctx))
    assert [f.title for f in late] == (
        ["甲街道第一小学扩建逾期未竣工"] if timezone.localdate() > dt_.date(2027, 6, 30) else []
    )


def test_school_enrolment_forecast_for_other_modules(world):
    """The public forecast by school, worked by hand (no migration recorded). School A: entry ratio
    (80 x 3) / (160 x 3) = 0.5 and progression 1, so 0.5 x 160 = 80 in every grade. School B (births
    80): entry ratio (40 + 40 + 20) / (80 x 3) = 5/12; grade 2 ratio (40 + 20) / (40 + 40) = 0.75,
    grade 3 ratio (40 + 40) / (40 + 40) = 1. 2026: grade 1 = 5/12 x 80 = 33.33, grade 2 = 20 x 0.75
    = 15, grade 3 = 20; 2027: 33.33, 33.33 x 0.75 = 25, 15. The teaching point has no classes."""
    md = world.md
    ids = [md.school_a.pk, md.school_b.pk, md.point_a.pk]
    fc = selectors.school_enrolment_forecast(actor=world.planner, school_ids=ids, base_year=2025, horizon=2)
    assert fc.years == (2026, 2027) and fc.base_year == 2025
    assert fc.grades(md.school_a.pk, 2027) == pytest.approx({1: 80.0, 2: 80.0, 3: 80.0})
    assert fc.grades(md.school_b.pk, 2026) == pytest.approx({1: 100 / 3, 2: 15.0, 3: 20.0})
    assert fc.grades(md.school_b.pk, 2027) == pytest.approx({1: 100 / 3, 2: 25.0, 3: 15.0})
    assert fc.without == {md.point_a.pk} and fc.grades(md.point_a.pk, 2026) == {}
    assert fc.class_size["primary"] == 45
    # Read through the actor's scope: the town officer of 甲街道 gets school A only.
    mine = selectors.school_enrolment_forecast(
        actor=md.users["town_officer"], school_ids=ids, base_year=2025, horizon=20
    )
    assert set(mine.pupils) == {md.school_a.pk} and len(mine.years) == selectors.MAX_HORIZON
