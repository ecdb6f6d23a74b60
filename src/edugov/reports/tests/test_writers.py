"""The writers on a small document with known content: the PDF embeds its Chinese faces (subset
TrueType, FontFile2) whose cmap has the punctuation reports use, numbers its pages "— n —", puts
the summary (verdicts, failures) on page 1 and marks failure rows; the XLSX fits its columns (CJK
counted double), freezes and filters the header, keeps numbers as numbers with their formats,
and prints on A4 fitted to the width with the title and page numbers."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from edugov.reports import ColumnKind, Document, Section, Signature, Verdict, render
from edugov.reports.fonts import FILES, faces, font_path
from edugov.reports.xlsx import display_width

SCHOOLS = [
    ["实验小学·东校区", "小学", 1200, 0.853, 12345.5, dt.date(2025, 9, 1), "达标"],
    ["河口镇中心小学", "小学", 86, 0.5, 300.0, dt.date(2025, 9, 2), "未达标"],
    ["=HYPERLINK(1)", "初中", 1_234_567, 1.0, 0.25, dt.date(2025, 9, 3), "达标"],
]
KINDS: list[ColumnKind] = ["text", "text", "int", "percent", "money", "date", "text"]
HEADERS = ["学校", "学段", "学生数", "达标率", "经费（元）", "填报日期", "结论"]


def sample(rows: int = 3) -> Document:
    body = (SCHOOLS * (rows // 3 + 1))[:rows]
    return Document(
        title="临溪区县域义务教育优质均衡发展自评报告",
        subtitle="2025—2026学年（数据可核验部分）",
        issuer="临溪区教育局",
        number="临教〔2025〕12号",
        summary=[("参评学校", "3所"), ("达标率", "66.7％")],
        verdicts=[
            Verdict("小学校际差异系数", "达标", "7项均不高于0.50"),
            Verdict("学校资源配置", "未达标", "2/3所"),
        ],
        failures=["河口镇中心小学：生均体育运动场馆面积未达标"],
        sections=[
            Section("一、学校达标情况", HEADERS, body, key="schools", kinds=KINDS),
            Section(
                "（一）宽表",
                [f"第{i}项指标名称" for i in range(14)],
                [[f"值{i}" for i in range(14)]],
                level=2,
            ),
            Section("二、附表", ["代码"], [["x"]], pdf=False),
        ],
        signature=Signature("临溪区教育局", dt.date(2025, 10, 31)),
    )


@pytest.fixture(scope="module")
def pdf() -> PdfReader:
    return PdfReader(io.BytesIO(render(sample(rows=90), "pdf")))


def _fonts(reader: PdfReader) -> dict[str, Any]:
    found = {}
    for page in reader.pages:
        resources: Any = page["/Resources"]
        for font in resources["/Font"].values():
            font = font.get_object()
            found[str(font["/BaseFont"])] = font
    return found


def test_pdf_embeds_subset_truetype_faces_and_nothing_else(pdf):
    fonts = _fonts(pdf)
    assert fonts and all("+NotoSerifSC-" in name for name in fonts), fonts.keys()  # subset tag AAAAAA+
    for font in fonts.values():
        descriptor = font["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor and len(descriptor["/FontFile2"].get_object().get_data()) > 1000
        assert "/ToUnicode" in font  # the text can be searched and copied


def test_the_face_has_the_punctuation_reports_print():
    assert faces().embedded
    from reportlab.pdfbase.ttfonts import TTFontFile

    for name in FILES:
        cmap = TTFontFile(str(font_path(name))).charToGlyph
        missing = [c for c in "·—（）％、〔〕▲“”…：；" if cmap.get(ord(c), 0) == 0]
        assert not missing, (name, missing)


def test_pdf_pages_are_numbered_and_the_summary_comes_first(pdf):
    pages = [p.extract_text() for p in pdf.pages]
    assert len(pages) >= 3
    for n, text in enumerate(pages, start=1):
        assert f"— {n} —" in text, (n, text[-40:])
    first = pages[0]
    assert "临溪区教育局" in first and "临教〔2025〕12号" in first  # the issuer and 文号
    assert "评价结论" in first and "▲未达标" in first and "未达标事项（共1项）" in first
    assert "河口镇中心小学：生均体育运动场馆面积未达标" in first
    assert "学校达标情况" not in first  # the sections start on page 2


def test_pdf_marks_failures_prints_numbers_by_kind_and_lists_the_annex(pdf):
    text = "\n".join(p.extract_text() for p in pdf.pages)
    assert text.count("▲未达标") >= 30 + 1  # every failing school row, and the verdict
    assert "85.3%" in text and "12,345.50" in text and "1,234,567" in text
    assert "2025年9月1日" in text and "2025-09-01" not in text  # a date cell the Chinese way
    assert "实验小学·东校区" in text
    assert "附表（见同名XLSX文件）：二、附表" in text and "2025年10月31日" in text
    sizes = [(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in pdf.pages]
    assert sizes[0] == (595, 842) and (842, 595) in sizes  # A4; the 14-column table on landscape
    assert "计算引擎" not in text


def test_pdf_a_long_table_repeats_its_header(pdf):
    pages = [p.extract_text() for p in pdf.pages]
    table_pages = [t for t in pages if "实验小学" in t]
    assert len(table_pages) >= 2 and all("填报日期" in t for t in table_pages)


def test_pdf_summary_stays_on_one_page_however_long():
    doc = sample()
    doc.failures = [f"第{i}所学校：生均教学及辅助用房面积未达到标准" for i in range(60)]
    doc.verdicts = doc.verdicts * 10
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(render(doc, "pdf"))).pages]
    assert "另有45项，见正文。" in pages[0] and "学校达标情况" not in pages[0] and "学校达标情况" in pages[1]


def test_failed_cells_are_marked_in_both_writers():
    doc = sample()
    doc.sections = [
        Section("一、学校", HEADERS, SCHOOLS, kinds=KINDS, failed_cells={(0, 2)}, pdf_columns=[0, 2])
    ]
    assert doc.sections[0].failed_rows() == [0, 1]  # the marked cell, and the 未达标 word of row 1
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(render(doc, "pdf"))).pages)
    assert "▲1,200" in text and "▲1,234,567" not in text
    for layout in ("official", "data"):
        doc.layout = layout  # type: ignore[assignment]
        ws = _sheet(doc, "学校")
        header = next(r for r in range(1, 6) if ws.cell(row=r, column=1).value == "学校")
        marked, plain = ws.cell(row=header + 1, column=3), ws.cell(row=header + 3, column=3)
        assert marked.value == 1200 and marked.font.b and marked.number_format == "#,##0"
        assert plain.value == 1234567 and not plain.font.b


def _sheet(doc: Document, name: str):
    return load_workbook(io.BytesIO(render(doc, "xlsx")))[name]


@pytest.mark.parametrize("layout", ["official", "data"])
def test_xlsx_numbers_formats_widths_and_header(layout):
    doc = sample()
    doc.layout = layout
    ws = _sheet(doc, "学校达标情况")
    header = next(r for r in range(1, 6) if ws.cell(row=r, column=1).value == "学校")
    assert ws.freeze_panes == f"A{header + 1}"
    assert ws.auto_filter.ref == f"A{header}:G{header + 3}"
    assert ws.print_title_rows == f"${header}:${header}"
    first = header + 1
    cells = {h: ws.cell(row=first, column=i + 1) for i, h in enumerate(HEADERS)}
    assert cells["学生数"].value == 1200 and cells["学生数"].number_format == "#,##0"
    assert cells["达标率"].value == pytest.approx(0.853) and cells["达标率"].number_format == "0.0%"
    assert cells["经费（元）"].value == 12345.5 and cells["经费（元）"].number_format == "#,##0.00"
    assert cells["填报日期"].is_date and cells["填报日期"].number_format == 'yyyy"年"m"月"d"日"'
    assert ws.cell(row=first + 2, column=1).value == "'=HYPERLINK(1)"  # never a formula
    fail = ws.cell(row=first + 1, column=7)
    assert fail.value == "未达标" and fail.font.b and fail.fill.fgColor.rgb.endswith("FBE4E4")
    # widths fitted: the school name counts its CJK characters twice
    assert ws.column_dimensions["A"].width == display_width("实验小学·东校区") + 2 == 17
    assert ws.column_dimensions["C"].width == len("1,234,567") + 2


def test_xlsx_print_setup_and_cover():
    wb = load_workbook(io.BytesIO(render(sample(), "xlsx")))
    assert wb.sheetnames == ["概况", "学校达标情况", "（一）宽表", "附表"]
    for ws in wb.worksheets:
        assert ws.page_setup.paperSize == 9  # A4
        assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text
        assert "临溪区县域义务教育优质均衡发展自评报告" in ws.oddHeader.center.text
    assert wb["学校达标情况"].page_setup.orientation == "portrait"
    assert wb["（一）宽表"].page_setup.orientation == "landscape"  # 14 columns do not fit a portrait page
    cover = [v for row in wb["概况"].iter_rows(values_only=True) for v in row if v is not None]
    assert "临教〔2025〕12号" in cover and "评价结论" in cover and "未达标事项（共1项）" in cover
    assert "1. 河口镇中心小学：生均体育运动场馆面积未达标" in cover


def test_a_missing_font_package_is_a_system_check_warning_and_pdfs_still_build(settings, tmp_path):
    from edugov.reports import fonts
    from edugov.reports.apps import fonts_installed

    assert fonts_installed() == []
    settings.NODE_MODULES = tmp_path  # no package there
    assert [w.id for w in fonts_installed()] == ["reports.W001"]
    fonts.faces.cache_clear()
    try:
        assert fonts.faces() == fonts.Faces("STSong-Light", "STSong-Light", "STSong-Light", embedded=False)
        assert render(sample(), "pdf").startswith(b"%PDF")
    finally:
        fonts.faces.cache_clear()


def test_xlsx_data_rows_keep_their_types_and_styles_when_spliced_in():
    """The data layout writes its rows as XML text: the cells read back as openpyxl wrote them."""
    when = dt.datetime(2025, 9, 1, 8, 30)  # noqa: DTZ001 (a naive local time, as exports carry)
    rows = [
        [" 前后有空格 ", 1500, dt.date(2025, 9, 1), when, True, None, "a\x01b<&>", float("nan")],
        ["未达标", 12, dt.date(2025, 9, 2), when, False, "", "+1", 2.5],
    ]
    kinds: list[ColumnKind] = ["text", "int", "date", "text", "text", "text", "text", "number"]
    headers = ["名称", "数量", "日期", "时间", "是否", "空", "文本", "小数"]
    doc = Document(title="清单", layout="data", sections=[Section("清单", headers, rows, kinds=kinds)])
    ws = _sheet(doc, "清单")
    assert [c.value for c in ws[1]] == headers
    first, second = ws[2], ws[3]
    assert first[0].value == " 前后有空格 " and first[1].value == 1500 and first[1].number_format == "#,##0"
    assert first[2].value.date() == dt.date(2025, 9, 1) and first[2].number_format == 'yyyy"年"m"月"d"日"'
    # a real date cell (sortable), shown 2025年9月1日 08:30, in a column of any kind
    assert first[3].value == when and first[3].is_date
    assert first[3].number_format == 'yyyy"年"m"月"d"日" hh:mm'
    assert first[4].value == "是" and second[4].value == "否"
    assert first[6].value == "ab<&>"  # a control character no spreadsheet accepts is dropped
    assert second[0].value == "未达标" and second[0].font.b
    assert second[6].value == "'+1" and second[7].value == 2.5
    assert ws.max_row == 3 and ws.max_column == 8
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:H3"


def test_pdf_long_cells_wrap_into_lines_within_the_column():
    """Long cells are broken into lines here (not by a Paragraph each): no line wider than the
    column, no line starting with closing punctuation, Latin words whole unless longer than a
    line, explicit line breaks kept, and no character lost."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from edugov.reports.fonts import faces
    from edugov.reports.pdf import _measured_faces, _wrap

    font = _measured_faces().body
    assert font == faces().body
    text = "机构以“课程顾问”名义一次性收取学员费用，超过三个月或六十课时，违反《预收费管理办法》第7条。" * 3
    room = 120.0
    lines = _wrap(text, font, 9.0, room).split("\n")
    assert len(lines) > 3 and "".join(lines) == text
    for line in lines:
        assert line[0] not in "，。、；：”）》", line
        # a line may only overflow by the closing punctuation hung at its end
        assert stringWidth(line.rstrip("，。、；：”）》"), font, 9.0) <= room + 0.01, line
    words = _wrap("see https://example.org/rules/2021 and R12 here", font, 9.0, 60.0).split("\n")
    assert "R12" in " ".join(words).split() and "here" in words[-1]
    assert max(stringWidth(w, font, 9.0) for w in words) <= 60.01  # the URL cut where it overflows
    assert _wrap("第一行\n第二行", font, 9.0, 200.0) == "第一行\n第二行"


def test_pdf_a_long_list_prints_every_wrapped_cell():
    rows = [[f"机构{n}", "违规收费" * 20 + f"（第{n}条）"] for n in range(300)]
    doc = Document(title="清单", layout="data", sections=[Section("清单", ["机构", "违规情况"], rows)])
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(render(doc, "pdf"))).pages)
    flat = text.replace("\n", "").replace(" ", "")
    assert all(f"（第{n}条）" in flat for n in range(300))
