"""The planning demo on the registry's demo district alone (registry, accounts, planning): eight
projects of which two are late with a published red and black list, three private schools with one
over plan, a quota allocation with exact totals, zones, villages, merge candidates, a closure."""

from __future__ import annotations

import datetime as dt

import pytest

from edugov.demo.base import DemoContext, generators
from edugov.planning import selectors
from edugov.planning.models import Closure, ListStatus, ProjectList, Village, Zone
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
    table = selectors.quota_table(actor=reader)
    assert table.plans and table.schools
    for p in table.plans:
        assert sum(table.cells[(p.pk, j.school_id)] for j in table.schools) == table.allocated[p.pk]
    assert Zone.objects.exists() and Village.objects.exists() and Closure.objects.exists()
    proposals = selectors.layout_proposals(actor=reader)
    actions = [c["action"] for c in proposals]
    assert actions.count("close") >= 2 and "build" in actions
    close = next(c for c in proposals if c["action"] == "close")
    merge = selectors.merge_preview(actor=reader, closing_id=close["school_id"], target_id=close["target_id"])
    assert merge["pupils_moved"] == close["pupils"] and merge["farthest_km"] > 0
    m = selectors.map_data(actor=reader)
    assert m["schools"] and m["villages"] and m["projects"] and m["rings"]
