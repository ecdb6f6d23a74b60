"""The planning demo on the registry's demo district alone (registry, accounts, planning): eight
projects of which two are late with a published red and black list, three private schools with one
over plan (a private nine-year school, whose pupils count against the cap), a quota allocation
with exact totals, zones, villages, a village school of about 40 pupils and teaching points as merge
and close candidates, a closure."""

from __future__ import annotations

import datetime as dt

import pytest

from edugov.demo.base import DemoContext, generators
from edugov.planning import selectors
from edugov.planning.models import Closure, ListStatus, PrivateSchoolYear, ProjectList, Village, Zone
from edugov.registry.models import SchoolClass, SchoolType
from edugov.reports import read_as

TODAY = dt.date(2026, 12, 1)


@pytest.mark.django_db
def test_demo_story():
    ctx = DemoContext(seed=3, scale=0.1, today=TODAY)
    for gen in generators():
        if gen.name in ("registry", "accounts", "planning"):
            gen.fn(ctx)
    reader = read_as(None)
    board = selectors.project_board(actor=reader, today=TODAY)
    assert len(board) == 8 and sum(1 for r in board if r.late) == 2
    plist = ProjectList.objects.get()
    assert plist.status == ListStatus.PUBLISHED and plist.notice_number
    black = {e["project"] for e in plist.entries if e["list"] == "黑榜"}
    late = {r.project.name for r in board if r.late}
    assert late <= black
    assert any(e["list"] == "红榜" for e in plist.entries)
    private = selectors.private_overview(actor=reader)
    assert len(private.rows) == 3 and sum(1 for r in private.rows if r.over_plan) == 1
    # The private nine-year school is the one over its plan, and its pupils (its current grade 1-9
    # classes) over all compulsory pupils make the share read against the 5% cap.
    over = next(r for r in private.rows if r.over_plan)
    assert over.compulsory and over.row.school.school_type == SchoolType.NINE_YEAR
    current = SchoolClass.objects.filter(school_year__start_year=2026, grade__gte=1, grade__lte=9)
    mine = sum(c.boys + c.girls for c in current.filter(school=over.row.school))
    public = sum(c.boys + c.girls for c in current.exclude(school__ownership="private"))
    assert [r.row.school for r in private.rows if r.compulsory] == [over.row.school]
    assert PrivateSchoolYear.objects.get(school=over.row.school).pupils == mine == private.private_compulsory
    assert private.all_compulsory == mine + public
    assert private.share_pct == round(mine / (mine + public) * 100, 2) and private.cap_pct == 5
    table = selectors.quota_table(actor=reader)
    assert table.plans and table.schools
    for p in table.plans:
        assert sum(table.cells[(p.pk, j.school_id)] for j in table.schools) == table.allocated[p.pk]
    assert Zone.objects.exists() and Village.objects.exists() and Closure.objects.exists()
    proposals = selectors.layout_proposals(actor=reader)
    actions = [c["action"] for c in proposals]
    assert actions.count("close") >= 2 and "build" in actions
    # The village school of about 40 pupils: a merge candidate, with its size and receiver as reasons.
    village = next(c for c in proposals if c["action"] == "merge" and c["pupils"] < 50)
    assert 34 <= village["pupils"] <= 46
    assert village["pupils"] == sum(c.boys + c.girls for c in current.filter(school_id=village["school_id"]))
    assert village["reasons"][0] == f"学校在校生{village['pupils']}人，少于100人"
    assert village["reasons"][1].startswith(f"{village['target']}相距{village['km']:g}公里（不超过8公里）")
    assert 0 < village["km"] <= 8
    moved = selectors.merge_preview(
        actor=reader, closing_id=village["school_id"], target_id=village["target_id"]
    )
    assert moved["pupils_moved"] == village["pupils"]
    close = next(c for c in proposals if c["action"] == "close")
    merge = selectors.merge_preview(actor=reader, closing_id=close["school_id"], target_id=close["target_id"])
    assert merge["pupils_moved"] == close["pupils"] and merge["farthest_km"] > 0
    m = selectors.map_data(actor=reader)
    assert m["schools"] and m["villages"] and m["projects"] and m["rings"]
