"""The registered reports read like documents: the group's annual report puts its key figures first
and marks each unification not carried out as 未达标; the coverage table counts by hand."""

from __future__ import annotations

import datetime as dt
import io
import json
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from edugov.groups import services
from edugov.groups.reports import group_document
from edugov.party import services as party_services
from edugov.party.reports import coverage_document
from edugov.reports import render

pytestmark = pytest.mark.django_db


def test_group_annual_report(world):
    services.activity_record(
        actor=world.member_admin, group=world.group, school=world.school_c, unification="research",
        kind="research", title="联合教研", held_on=dt.date(2025, 10, 9),
    )  # fmt: skip
    services.plan_save(
        actor=world.head, group=world.group, term="2025-2026-1", unification="research", plan="教研"
    )
    services.effect_refresh()  # the stored effect the report reads
    doc = group_document(actor=world.officer, group=world.group.pk, term="2025-2026-1")
    summary = dict(doc.summary)
    assert summary["牵头学校"] == "甲街道第一小学" and summary["成员校"] == "3所（含牵头学校）"
    assert summary["八个统一已落实"] == "1项"
    assert doc.subtitle.endswith("2025-2026学年第一学期")
    assert [v.result for v in doc.verdicts].count("未达标") == 7
    sections = {s.key: s for s in doc.sections}
    assert [r[2] for r in sections["credited"].rows] == [1, 1, 1]  # one activity, counted for all three
    # no fitness results in the fixture: said so, once
    assert [r[:2] for r in sections["measures"].rows if r[0] == "体质健康"] == [["体质健康", "暂无数据"]]
    # the effect as a line chart: the member with data a point at 0 (level with the lead school),
    # the one without a member of the legend with no point, never a 0
    chart = sections["effect"].charts[0]
    assert chart.categories == ["2025学年"] and dict(chart.series) == {
        "乙镇中心小学（2025学年加入）": [0.0],
        "乙镇丙村小学（2025学年加入）": [None],
    }
    assert not sections["measures"].charts  # no measure has data: no chart drawn empty
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(render(doc, "pdf"))).pages)
    assert "乙镇中心小学（2025学年加入）" in text and "乙镇丙村小学（2025学年加入）" in text  # the legend
    assert re.search(r"图1\s*各成员校与牵头学校的差距（优质均衡指标）", text)
    assert "与牵头学校的差距（指标项）" in text  # the value axis
    ws = load_workbook(io.BytesIO(render(doc, "xlsx")))["成员校与牵头学校的差距"]
    rows = [[c.value for c in r][:2] for r in ws.iter_rows()]  # the chart's table is two wide
    at = rows.index(["成员校", "2025学年"])
    assert rows[at + 1 : at + 3] == [
        ["乙镇丙村小学（2025学年加入）", None],
        ["乙镇中心小学（2025学年加入）", 0],
    ]
    assert len(ws._charts) == 1


def test_coverage_table(world):
    party_services.status_save(
        actor=world.md.users["district_admin"], school=world.md.school_a, org_kind="committee",
        rules_adopted=True, office_rules_adopted=True,
    )  # fmt: skip
    doc = coverage_document(actor=world.md.users["leader"], term="2026-2027-1")
    assert dict(doc.summary)["已实行"] == "1所（33.3%）"
    assert {r[1]: r[5] for r in doc.sections[1].rows}["甲街道第一小学"] == "已实行"


def test_the_report_page_draws_the_effect_chart(client, world):
    services.effect_refresh()
    client.force_login(world.officer)
    response = client.get(
        reverse("reports:page", kwargs={"name": "groups.annual"}), {"group": world.group.pk}
    )
    html = response.content.decode()
    assert response.status_code == 200 and 'data-chart="chart_5_1"' in html  # 五、the effect's chart
    payload = json.loads(re.search(r'id="chart-data"[^>]*>(.*?)</script>', html, re.S).group(1))  # type: ignore[union-attr]
    assert payload["chart_5_1"]["kind"] == "line" and payload["chart_5_1"]["categories"] == ["2025学年"]
    assert {s["name"]: s["data"] for s in payload["chart_5_1"]["series"]}["乙镇丙村小学（2025学年加入）"] == [
        None
    ]
    assert "echarts.min.js" in html
