"""The pages as a user reads them: the overview's gap table, the school page's subject rows and
five-year gaps, the queries of the overview not growing with the district's schools."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from edugov.testing import login, make_class, make_school

pytestmark = pytest.mark.django_db


def test_overview_reads_as_a_table_of_towns_and_subjects(world):
    client = login(Client(), world.personnel)
    html = client.get("/workforce/?year=2025").content.decode()
    assert "紧缺学科教师缺口（乡镇 × 学科）" in html
    assert "甲街道" in html and "1.3（1所）" in html  # music: 1.0 + 0.25 shown to one place, one school short
    assert "交流轮岗（本学年）" in html and "依据的标准" in html and "中央编办发〔2014〕72号" in html


def test_school_page_shows_the_subject_rows(world):
    client = login(Client(), world.personnel)
    html = client.get(f"/workforce/schools/{world.md.school_a.pk}/?year=2025").content.decode()
    assert "学科教师配置" in html and "五年后缺口" in html
    assert "李老师" in html and "体育与健康16" in html  # the record list with its loads


def test_bad_year_falls_back_to_the_current_one(world):
    client = login(Client(), world.personnel)
    assert client.get("/workforce/?year=abc").status_code == 200
    assert client.get("/workforce/?year=99999999999999999999999").status_code == 200


def test_overview_queries_do_not_grow_with_schools(world):
    client = login(Client(), world.personnel)
    client.get("/workforce/")
    with CaptureQueriesContext(connection) as few:
        client.get("/workforce/")
    for _ in range(3):
        school = make_school(town=world.md.town_b)
        make_class(school=school, year=world.md.year)
    with CaptureQueriesContext(connection) as more:
        client.get("/workforce/")
    assert len(more) == len(few)


def test_standards_are_named_with_their_status_behind_a_disclosure(world):
    client = login(Client(), world.personnel)
    html = client.get("/workforce/?year=2025").content.decode()
    basis = html[html.index("依据的标准") :]
    # One line for the curriculum's periods (one rule per subject), not the first subject's name.
    assert "各学科周课时" in basis and "体育与健康周课时" not in basis
    assert '<details class="source-info"><summary>依据</summary>' in basis
    # The verification status sits inside the disclosure, never as an inline tag after the name.
    assert "（待核实）" not in basis and "（核实状态：待核实）" in basis
