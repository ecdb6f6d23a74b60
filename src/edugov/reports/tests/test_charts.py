"""The line-chart block: its series must match its categories, the value axis ticks at round steps,
the PDF draws it (its legend, axis labels and numbered caption are in the page's text; a year
without data breaks the line and a lone value is a marker), and the XLSX holds its table (None
left empty) with Excel's line chart over it."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from edugov.reports import Document, LineChart, Section, render
from edugov.reports.chart import _runs, draw_line_chart, series_style, ticks
from edugov.reports.fonts import faces

YEARS = ["2022学年", "2023学年", "2024学年", "2025学年"]


def gap_chart() -> LineChart:
    return LineChart(
        "与牵头学校的差距（指标项）",
        YEARS,
        [
            ("乙镇中心小学", [5, 4, None, 2]),  # 2024: no data, a gap in the line
            ("乙镇丙村小学", [None, None, 3, None]),  # one point: its marker alone
            ("丁街道实验小学", [1, 1, 0, -1]),
        ],
        x_title="学年",
        y_title="差距",
        unit="指标项",
        baseline=0,
        baseline_label="0：与牵头学校持平",
        series_title="学校",
    )


def test_series_must_match_the_categories_and_hold_numbers():
    with pytest.raises(ValueError, match="“乙校”有3个值，应与4个分类一一对应"):
        LineChart("差距", YEARS, [("甲校", [1, 2, 3, 4]), ("乙校", [1, 2, 3])])
    with pytest.raises(ValueError, match="无效的值"):
        LineChart("差距", YEARS, [("甲校", [1, float("nan"), 3, 4])])
    with pytest.raises(ValueError, match="无效的值"):
        LineChart("差距", YEARS, [("甲校", [1, "2", 3, 4])])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="没有分类"):
        LineChart("差距", [], [])
    assert LineChart("差距", YEARS, [("甲校", [None] * 4)]).empty


def test_ticks_are_round_steps_covering_the_values():
    assert ticks(-1, 5, whole=True) == [-2, 0, 2, 4, 6]  # 6/5 = 1.2 -> a step of 2
    assert ticks(0.75, 3.25, whole=False) == [0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5]  # 0.5 -> 0.5
    assert ticks(0, 1, whole=True) == [0, 1]  # whole values never get a half step
    assert ticks(3, 3, whole=True) == [2, 3, 4]  # one value: a step either side


def test_a_year_without_data_breaks_the_line():
    assert _runs([5, 4, None, 2]) == [[(0, 5), (1, 4)], [(3, 2)]]
    assert _runs([None, None, 3, None]) == [[(2, 3)]]
    assert _runs([None, None]) == []
    assert _runs([1, 2], 0.25) == [[(0.25, 1), (1.25, 2)]]


def test_series_differ_in_grey_by_marker_and_dash():
    styles = [series_style(i) for i in range(42)]
    assert len({(marker, str(dash)) for _colour, dash, marker in styles}) == 42
    assert len({str(dash) for _colour, dash, _marker in styles[:6]}) == 6  # a group's members


def test_the_drawing_has_a_line_per_run_and_the_legend():
    drawing = draw_line_chart(gap_chart(), 440, faces().body)
    plot = drawing.contents[0]
    # three series a little apart within each category (0.06 of it), the middle one on it
    assert plot.data == [
        [(-0.06, 5), (0.94, 4)],
        [(2.94, 2)],
        [(2, 3)],
        [(0.06, 1), (1.06, 1), (2.06, 0), (3.06, -1)],
    ]
    # the two runs of the first school drawn alike, the other schools each their own way
    same = [plot.lines[r] for r in (0, 1)]
    assert same[0].strokeDashArray == same[1].strokeDashArray and same[0].symbol.kind == same[1].symbol.kind
    assert plot.lines[2].symbol.kind != plot.lines[0].symbol.kind
    assert (plot.yValueAxis.valueMin, plot.yValueAxis.valueMax) == (-2, 6)


@pytest.fixture(scope="module")
def doc() -> Document:
    chart = gap_chart()
    headers, rows = chart.table()
    return Document(
        "集团年度报告",
        sections=[
            Section("五、成员校与牵头学校的差距", headers, rows, key="effect", charts=[chart]),
            Section(
                "六、增值评价", ["学校"], [["甲"]], charts=[LineChart("增值评价的差距（分）", YEARS, [])]
            ),
        ],
    )


def test_pdf_draws_the_chart_with_its_legend_axes_and_caption(doc):
    text = PdfReader(io.BytesIO(render(doc, "pdf"))).pages[0].extract_text()
    for name in ("乙镇中心小学", "乙镇丙村小学", "丁街道实验小学"):  # the legend, and the table
        assert text.count(name) == 2, name
    assert text.count("2024学年") == 2  # the category axis, and the table's header
    assert "差距（指标项）" in text and "0：与牵头学校持平" in text
    assert re.search(r"图1\s*与牵头学校的差距（指标项）", text)  # numbered through the document
    assert re.search(r"图2\s*增值评价的差距（分）\s*（暂无数据）", text)


def test_xlsx_holds_the_chart_table_and_an_excel_line_chart(doc):
    wb = load_workbook(io.BytesIO(render(doc, "xlsx")))
    ws = wb["成员校与牵头学校的差距"]
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    at = rows.index(["与牵头学校的差距（指标项）", None, None, None, None])
    assert rows[at + 1] == ["学校", *YEARS]
    assert rows[at + 2] == ["乙镇中心小学", 5, 4, None, 2]  # no data stays empty, not 0
    assert rows[at + 3] == ["乙镇丙村小学", None, None, 3, None]
    assert len(ws._charts) == 1 and ws._charts[0].display_blanks == "gap"
    assert len(ws._charts[0].series) == 3
    assert not wb["增值评价"]._charts  # nothing to draw: the table and 暂无数据
    assert "暂无数据" in [c.value for r in wb["增值评价"].iter_rows() for c in r]


def test_json_carries_the_chart(doc):
    charts = doc.as_dict()["sections"]["effect"]["charts"]
    assert charts[0]["series"][1] == {"name": "乙镇丙村小学", "data": [None, None, 3, None]}
    assert charts[0]["unit"] == "指标项" and charts[0]["baseline"] == 0
