"""The quality report: the band distribution by school and each school's value-added with its
interval, as a Document (no pupil rows), for the reader's scope."""

from __future__ import annotations

import pytest

from edugov.accounts.models import Role
from edugov.quality.report import quality_document
from edugov.reports.download import build_report

pytestmark = pytest.mark.django_db


def test_the_report_holds_bands_and_value_added_with_intervals(paired):
    d = paired
    doc = build_report(d.users[Role.DISTRICT_ADMIN], "quality.report", {})
    bands, va = doc.section("bands"), doc.section("value_added")
    schools = sorted([d.school_a, d.point_a, d.school_b], key=lambda s: (s.area.name, s.code))
    assert [r[1] for r in bands.rows] == [s.name for s in schools]  # by town and code, never by score
    assert all(sum(r[3:7]) == pytest.approx(100, abs=0.3) for r in bands.rows)  # shares of each school
    assert va.headers[-3:] == ["95%区间下限", "95%区间上限", "判断"]
    row_b = next(r for r in va.rows if r[1] == d.school_b.name)
    assert row_b[4] > 0 and row_b[-1] == "高于预期"  # school B adds 6 points: its interval is above 0
    assert dict(doc.summary)["参测人数"] == "48"


def test_a_town_reader_gets_the_towns_schools_only(paired):
    d = paired
    doc = quality_document(actor=d.users["town_officer"])
    names = {r[1] for s in ("bands", "value_added") for r in doc.section(s).rows}
    assert names == {d.school_a.name, d.point_a.name}
