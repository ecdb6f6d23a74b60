"""The 优质均衡 self-assessment as an official document, on the hand-built district of
test_balanced: its failures are on the summary page, in words (no codes, no engine), and the
per-indicator sections list the schools below each standard."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from edugov.reports import render
from edugov.resources.evaluation import evaluate_balanced
from edugov.resources.exports import balanced_report
from edugov.resources.tests.test_balanced import district  # noqa: F401  (the shared fixture)

pytestmark = pytest.mark.django_db


def test_the_summary_page_names_the_failures(district):  # noqa: F811
    doc = balanced_report(evaluate_balanced(school_year=district.year, area=district.district))
    verdicts = {v.label: v for v in doc.verdicts}
    assert verdicts["小学学校资源配置"].failed  # 乙镇中心小学 is short of nearly everything
    # 乙镇中心小学 fails all seven; the nine-year school's junior part R1, R4 and R5; 甲街道第二小学
    # misses R4 alone (88.9% of the standard) and passes.
    assert "资源配置未达标的学校（学段）2所，名单见正文第三部分" in doc.failures
    assert "生均教学及辅助用房面积：3所学校（学段）未达到标准" in doc.failures
    assert "每百名学生拥有县级以上骨干教师数：1所学校（学段）未达到标准" in doc.failures
    r4 = {row[0]: row for row in doc.section("fail_4").rows}
    assert set(r4) == {"乙镇中心小学", "甲街道第二小学", "乙镇九年一贯制学校"}
    assert r4["甲街道第二小学"][2:5] == [4.0, 4.5, round(4.0 / 4.5, 4)]
    schools = doc.section("schools")
    assert [(r[1], r[-2]) for r in schools.rows[:3]] == [
        ("乙镇九年一贯制学校", "未达标"),
        ("乙镇中心小学", "未达标"),
        ("乙镇九年一贯制学校", "达标"),
    ]  # failures first (by stage: 初中 before 小学), then by name
    # each value below its standard is marked: all seven of 乙镇中心小学 (row 1), R1, R4, R5 of the
    # nine-year school's junior part (row 0), R4 of 甲街道第二小学
    marked = {(schools.rows[r][1], schools.rows[r][3], schools.headers[c]) for r, c in schools.failed_cells}
    assert len([m for m in marked if m[0] == "乙镇中心小学"]) == 7
    assert {m[2] for m in marked if m[:2] == ("乙镇九年一贯制学校", "初中")} == {
        "高于规定学历教师（人/百生）",
        "生均教学及辅助用房（平方米）",
        "生均体育运动场馆（平方米）",
    }
    assert {m[2] for m in marked if m[0] == "甲街道第二小学"} == {"生均教学及辅助用房（平方米）"}

    pages = [p.extract_text() for p in PdfReader(io.BytesIO(render(doc, "pdf"))).pages]
    first = pages[0]
    assert "评价结论" in first and "▲未达标" in first and "资源配置未达标的学校（学段）2所" in first
    assert "— 1 —" in first and "计算引擎" not in "".join(pages) and "balanced." not in "".join(pages)
    assert any(district.school_b.name in p and "▲未达标" in p for p in pages[1:])
    assert "附表（见同名XLSX文件）" in pages[-1]
    school_page = next(p for p in pages if "三、各校资源配置指标" in p)
    assert school_page.count("▲") >= 7 + 3 + 1 + 2  # the marked values, and the two 未达标 verdicts
