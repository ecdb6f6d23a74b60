"""Red and black lists: the rules on hand-built cases, the workflow, the notices."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from edugov.accounts.models import Role
from edugov.common.errors import DomainError, PermissionDenied
from edugov.rectification import rankings, services
from edugov.rectification.rankings import UnitFigures, load_rules, score_units
from edugov.reports import render_pdf, render_xlsx

from .conftest import NOW, pdf

pytestmark = pytest.mark.django_db


def U(name, due, on_time, overdue, data=0):  # type: ignore[no-untyped-def]
    return UnitFigures("school", f"school:{name}", name, 1, due, on_time, overdue, data)


def test_rules_by_hand():
    rules = load_rules()  # base 40; on-time rate ×60; overdue ×-10; open data findings ×-5
    units = [
        U("甲", 4, 4, 0),  # 40 + 60 = 100
        U("乙", 2, 1, 0, 1),  # 40 + 30 - 5 = 65
        U("丙", 5, 2, 3),  # 40 + 24 - 30 = 34
        U("丁", 1, 1, 1),  # 40 + 60 - 10 = 90, but overdue: not red
        U("戊", 0, 0, 2),  # no due items: not ranked
        U("己", 3, 3, 0, 2),  # 40 + 60 - 10 = 90: red
    ]
    out = score_units(units, rules)
    # Ties: same score, fewer overdue items first.
    names = [s.figures.unit_name for s in out]
    assert names == ["甲", "己", "丁", "乙", "丙"]
    kinds = {s.figures.unit_name: s.list_kind for s in out}
    assert kinds == {"甲": "red", "己": "red", "丁": "", "乙": "", "丙": "black"}
    assert {s.figures.unit_name: s.score for s in out}["丙"] == Decimal("34.00")


def test_top_and_bottom_limits():
    rules = load_rules()
    rules["red"]["top"] = 1
    rules["black"]["bottom"] = 1
    # a 100, b 70 (40 + 30), c -10, d 0: no ties at either cut-off
    out = score_units([U("a", 1, 1, 0), U("b", 2, 1, 0), U("c", 1, 0, 5), U("d", 1, 0, 4)], rules)
    assert [(s.figures.unit_name, s.list_kind) for s in out] == [
        ("a", "red"),
        ("b", ""),
        ("d", ""),
        ("c", "black"),
    ]


def test_ties_at_the_cut_off_are_all_listed():
    """Units with the same score as the last one inside a cut-off are all on the list (并列入榜):
    never one of two equal scores listed and the other not."""
    rules = load_rules()
    rules["red"]["top"] = 2
    rules["black"]["bottom"] = 2
    units = [
        U("甲", 1, 1, 0),  # 100
        U("乙", 2, 2, 0),  # 100
        U("丙", 4, 4, 0),  # 100: tied with the 2nd at the red cut-off
        U("丁", 4, 3, 0),  # 40 + 45 = 85: below the red minimum (90)
        U("戊", 2, 0, 1, 1),  # 40 - 10 - 5 = 25
        U("己", 4, 0, 1, 1),  # 25: tied with the 2nd worst at the black cut-off
        U("庚", 1, 0, 2),  # 40 - 20 = 20: the worst
    ]
    out = score_units(units, rules)
    kinds = {s.figures.unit_name: s.list_kind for s in out}
    scores = {s.figures.unit_name: s.score for s in out}
    assert scores["戊"] == scores["己"] == Decimal("25.00")
    assert kinds == {
        "甲": "red",
        "乙": "red",
        "丙": "red",
        "丁": "",
        "戊": "black",
        "己": "black",
        "庚": "black",
    }


def test_ties_never_split_by_the_cut_off_on_either_side():
    rules = load_rules()
    rules["red"]["top"] = 1
    rules["black"]["bottom"] = 1
    out = score_units([U(str(n), 1, 1, 0) for n in range(3)] + [U("x", 2, 0, 1), U("y", 2, 0, 1)], rules)
    assert [s.list_kind for s in out] == ["red", "red", "red", "black", "black"]


def test_tied_units_share_a_rank():
    """Equal score and equal overdue items: one rank for both (并列), the next unit's rank skips."""
    out = score_units(
        [U("甲", 1, 1, 0), U("乙", 2, 2, 0), U("丙", 4, 3, 0), U("丁", 2, 0, 1, 1), U("戊", 4, 0, 1, 1)],
        load_rules(),
    )
    # 甲 100, 乙 100, 丙 85, 丁 25 (1 overdue), 戊 25 (1 overdue)
    assert {s.figures.unit_name: s.rank for s in out} == {"甲": 1, "乙": 1, "丙": 3, "丁": 4, "戊": 4}
    assert [s.rank for s in out] == [1, 1, 3, 4, 4]
    # Same score, fewer overdue items: ranked ahead, not tied.
    out = score_units([U("a", 3, 3, 0, 2), U("b", 1, 1, 1)], load_rules())  # both 90
    assert [(s.figures.unit_name, s.rank) for s in out] == [("a", 1), ("b", 2)]


def test_notice_says_ties_are_listed():
    rules = load_rules()
    ranking = rankings.Ranking(
        period_start=dt.date(2025, 10, 1), period_end=dt.date(2025, 10, 31), rules=rules
    )
    text = "".join(rankings.notice_text(ranking))
    assert "名次分界处得分相同的并列入榜" in text


def test_bad_rules():
    rules = load_rules()
    rules["metrics"].append({"code": "exam_scores", "name": "x", "weight": 1})
    with pytest.raises(DomainError, match="未知指标"):
        rankings.check_rules(rules)


def test_period_bounds():
    assert rankings.period_bounds("month", 2025, 12) == (dt.date(2025, 12, 1), dt.date(2025, 12, 31))
    assert rankings.period_bounds("month", 2024, 2) == (dt.date(2024, 2, 1), dt.date(2024, 2, 29))
    assert rankings.period_bounds("quarter", 2025, 4) == (dt.date(2025, 10, 1), dt.date(2025, 12, 31))
    assert rankings.period_bounds("quarter", 2025, 1) == (dt.date(2025, 1, 1), dt.date(2025, 3, 31))


def test_ranking_from_items_workflow_and_notices(district, make_item, client):
    officer, school = district.users[Role.DEPARTMENT_OFFICER], district.users[Role.SCHOOL_ADMIN]
    a = make_item(deadline=dt.date(2025, 10, 15))
    services.item_assign(item=a, actor=officer, deadline=dt.date(2025, 10, 15), now=NOW)
    services.item_start(item=a, actor=school, now=NOW)
    services.item_submit_evidence(item=a, actor=school, comment="ok", files=[pdf()], now=NOW)
    services.item_verify(item=a, actor=officer, now=NOW + dt.timedelta(days=5))
    make_item(school=district.school_b, deadline=dt.date(2025, 10, 20))  # never done: overdue at month end
    admin = district.users[Role.DISTRICT_ADMIN]
    start, end = rankings.period_bounds("month", 2025, 10)
    with pytest.raises(PermissionDenied):
        rankings.ranking_create(user=officer, area=district.district, period_kind="month", period_start=start,
                                period_end=end)  # fmt: skip
    r = rankings.ranking_create(user=admin, area=district.district, period_kind="month", period_start=start,
                                period_end=end, now=NOW)  # fmt: skip
    entries = list(r.entries.all())
    assert [(e.unit_name, e.score, e.list_kind) for e in entries] == [
        ("甲街道第一小学", Decimal("100.00"), "red"),  # 1 due, closed on time
        ("乙镇中心小学", Decimal("30.00"), "black"),  # 40 + 0 - 10
    ]
    with pytest.raises(DomainError, match="不能发布"):
        rankings.ranking_publish(ranking=r, user=admin)
    with pytest.raises(PermissionDenied):
        rankings.ranking_approve(ranking=r, user=district.users[Role.LEADER])
    rankings.ranking_approve(ranking=r, user=admin)
    r = rankings.ranking_publish(ranking=r, user=admin, now=NOW)
    assert r.status == "published" and r.notice_number.endswith(f"{r.pk}号")
    pdf_bytes = render_pdf(rankings.notice_document(r))
    assert pdf_bytes.startswith(b"%PDF") and b"+NotoSerifSC-Regular" in pdf_bytes
    sheet = load_workbook(io.BytesIO(render_xlsx(rankings.notice_document(r)))).active
    values = [row for row in sheet.iter_rows(values_only=True) if row and row[0] in (1, 2)]
    assert values[0][1] == "甲街道第一小学" and values[0][-1] == "红榜" and values[1][-1] == "黑榜"
    # Pages.
    client.force_login(district.users[Role.LEADER], backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(f"/rectification/rankings/{r.pk}/").status_code == 200
    resp = client.get(f"/rectification/rankings/{r.pk}/notice.pdf")
    assert resp.status_code == 200 and resp["Content-Type"] == "application/pdf"
    assert client.get(f"/rectification/rankings/{r.pk}/notice.doc").status_code == 404
    client.force_login(district.users[Role.SCHOOL_ADMIN], backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(f"/rectification/rankings/{r.pk}/").status_code == 404


def test_ranking_page_generates(district, client):
    client.force_login(
        district.users[Role.DISTRICT_ADMIN], backend="django.contrib.auth.backends.ModelBackend"
    )
    resp = client.post("/rectification/rankings/", {"period_kind": "quarter", "year": 2025, "number": 9})
    assert resp.status_code == 200 and "季度应为1～4" in resp.content.decode()
    resp = client.post("/rectification/rankings/", {"period_kind": "quarter", "year": 2025, "number": 3})
    assert resp.status_code == 302
