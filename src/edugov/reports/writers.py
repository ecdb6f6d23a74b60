"""The one XLSX, PDF and JSON writer of a `Document`. Text cells a spreadsheet would run as a
formula get a leading apostrophe (`neutralise`); numbers stay numbers. The PDF uses the Chinese
CID font built into reportlab (`common.pdf`), and reads every text literally."""

from __future__ import annotations

import io
import json
from typing import Any

from edugov.common.pdf import cjk_font, para

from .document import Document, Figure, Section

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONTENT_TYPES = {"xlsx": XLSX, "pdf": "application/pdf", "json": "application/json; charset=utf-8"}
FORMATS = tuple(CONTENT_TYPES)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """A cell value a spreadsheet shows and never runs: text starting like a formula gets a
    leading apostrophe; None is empty, booleans 是/否, numbers stay numbers."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float):
        return value
    text = str(value)
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text


def _figure_rows(figure: Figure) -> list[list[Any]]:
    rows: list[list[Any]] = [[figure.caption, *figure.categories]]
    rows += [[name, *values] for name, values in figure.series.items()]
    return rows


# XLSX --------------------------------------------------------------------------------------------


def render_xlsx(doc: Document) -> bytes:
    from openpyxl import Workbook

    if doc.layout == "data":
        wb = Workbook(write_only=True)  # list exports may hold many rows: stream them
        for section in doc.sections:
            ws = wb.create_sheet(title=section.sheet_name)
            ws.append([neutralise(h) for h in section.headers])
            for row in section.rows:
                ws.append([neutralise(v) for v in row])
    elif doc.layout == "single":
        wb = Workbook()
        _single_sheet(wb.active, doc)
    else:
        wb = Workbook()
        _cover(wb.active, doc)
        for section in doc.sections:
            _section_sheet(wb.create_sheet(title=section.sheet_name), section)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _heading(doc: Document) -> list[str]:
    lines = [doc.title]
    lines += [t for t in (doc.number, doc.subtitle) if t]
    return lines


def _cover(ws: Any, doc: Document) -> None:
    from openpyxl.styles import Font

    ws.title = doc.cover[:31]
    for line in _heading(doc):
        ws.append([neutralise(line)])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([])
    for k, v in doc.summary:
        ws.append([neutralise(k), neutralise(v)])
    for text in doc.paragraphs:
        ws.append([neutralise(text)])
    _signature_rows(ws, doc)
    ws.column_dimensions["A"].width = 32
    ws.column_dimensions["B"].width = 56


def _section_sheet(ws: Any, section: Section) -> None:
    from openpyxl.styles import Font

    ws.append([neutralise(section.title)])
    ws["A1"].font = Font(bold=True)
    for text in ([section.note] if section.note else []) + section.paragraphs:
        ws.append([neutralise(text)])
    _table_rows(ws, section)
    for i in range(1, min(len(section.headers), 40) + 1):
        ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = 15
    header_row = ws.max_row - len(section.rows) - len(section.footnotes) - _figure_height(section)
    if section.headers:
        ws.freeze_panes = ws.cell(row=header_row + 1, column=1)


def _figure_height(section: Section) -> int:
    return sum(len(f.series) + 2 for f in section.figures)


def _table_rows(ws: Any, section: Section) -> None:
    from openpyxl.styles import Font

    if section.headers:
        ws.append([neutralise(h) for h in section.headers])
        for cell in ws[ws.max_row]:
            cell.font = Font(bold=True)
    for row in section.rows:
        ws.append([neutralise(v) for v in row])
    for text in section.footnotes:
        ws.append([neutralise(text)])
    for figure in section.figures:
        ws.append([])
        for row in _figure_rows(figure):
            ws.append([neutralise(v) for v in row])


def _signature_rows(ws: Any, doc: Document) -> None:
    if doc.signature is not None:
        ws.append([])
        ws.append([neutralise(doc.signature.body)])
        if doc.signature.date is not None:
            ws.append([f"{doc.signature.date:%Y年%m月%d日}"])


def _single_sheet(ws: Any, doc: Document) -> None:
    from openpyxl.styles import Font

    ws.title = doc.cover[:31]
    for line in _heading(doc):
        ws.append([neutralise(line)])
    ws["A1"].font = Font(bold=True, size=14)
    for k, v in doc.summary:
        ws.append([neutralise(k), neutralise(v)])
    for text in doc.paragraphs:
        ws.append([neutralise(text)])
    for section in doc.sections:
        ws.append([])
        if section.title:
            ws.append([neutralise(section.title)])
        for text in ([section.note] if section.note else []) + section.paragraphs:
            ws.append([neutralise(text)])
        _table_rows(ws, section)
    _signature_rows(ws, doc)


# PDF ---------------------------------------------------------------------------------------------


def _fmt(v: Any) -> str:
    if v is None:
        return "—"
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, float):
        return f"{v:,.4f}".rstrip("0").rstrip(".") if abs(v) < 1000 else f"{v:,.2f}"
    return str(v)


def render_pdf(doc: Document) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate, Spacer, Table, TableStyle

    font = cjk_font()
    official = doc.layout == "single"
    centre = 1 if official else 0
    h1 = ParagraphStyle("h1", fontName=font, fontSize=16, leading=22, spaceAfter=6, alignment=centre)
    sub = ParagraphStyle(
        "sub", fontName=font, fontSize=10, leading=14, alignment=centre, textColor=colors.grey
    )
    h2 = ParagraphStyle("h2", fontName=font, fontSize=12, leading=16, spaceBefore=8, spaceAfter=4)
    body = ParagraphStyle(
        "body", fontName=font, fontSize=10.5 if official else 9, leading=16 if official else 12,
        firstLineIndent=21 if official else 0,
    )  # fmt: skip
    note = ParagraphStyle("note", fontName=font, fontSize=8, leading=11, textColor=colors.grey)
    cell = ParagraphStyle("cell", fontName=font, fontSize=7.5, leading=9.5)
    sign = ParagraphStyle("sign", fontName=font, fontSize=10.5, leading=16, alignment=2)
    page = landscape(A4) if doc.landscape else A4
    margin = 12 * mm
    width = page[0] - 2 * margin
    out = io.BytesIO()
    template = SimpleDocTemplate(
        out, pagesize=page, leftMargin=margin, rightMargin=margin, topMargin=margin, bottomMargin=margin,
        title=doc.title, author=doc.issuer,
    )  # fmt: skip
    grid = [
        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef7")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]

    def table(
        headers: list[str], rows: list[list[Any]], widths: list[float] | None, section: Section | None
    ) -> Any:
        data = [[para(h, cell) for h in headers]]
        data += [[para(_fmt(v), cell) for v in r] for r in rows]
        if len(data) == 1:
            data.append([para("无", cell)] + [para("", cell)] * (len(headers) - 1))
        shares = widths or [1 / len(headers)] * len(headers)
        t = Table(data, repeatRows=1, colWidths=[width * w for w in shares])
        style = list(grid)
        if section is not None and section.highlight:
            for i, r in enumerate(rows, start=1):
                colour = section.highlight.get(str(r[-1])) if r else None
                if colour:
                    style.append(("BACKGROUND", (0, i), (-1, i), colors.HexColor(colour)))
        t.setStyle(TableStyle(style))
        return t

    story: list[Any] = [para(doc.title, h1)]
    story += [para(t, sub) for t in (doc.number, doc.subtitle) if t]
    story.append(Spacer(1, 4 * mm))
    if doc.summary:
        story.append(table(["项目", "情况"], [list(kv) for kv in doc.summary], [0.3, 0.7], None))
    story += [para(t, body) for t in doc.paragraphs]
    for section in doc.sections:
        if section.title:
            story.append(para(section.title, h2))
        if section.note:
            story.append(para(section.note, body))
        story += [para(t, body) for t in section.paragraphs]
        if section.headers:
            headers, rows = section.headers, section.rows[: section.pdf_row_limit]
            if section.pdf_columns is not None:
                keep = section.pdf_columns
                headers = [headers[i] for i in keep]
                rows = [[r[i] for i in keep] for r in rows]
            story.append(table(headers, rows, section.pdf_widths, section))
            if len(section.rows) > section.pdf_row_limit:
                story.append(
                    para(
                        f"（共{len(section.rows)}行，PDF列出前{section.pdf_row_limit}行，完整数据见XLSX）",
                        note,
                    )
                )
        story += [para(t, note) for t in section.footnotes]
        for figure in section.figures:
            rows = _figure_rows(figure)
            story.append(table([str(v) for v in rows[0]], rows[1:], None, None))
    if doc.signature is not None:
        story.append(Spacer(1, 8 * mm))
        story.append(para(doc.signature.body, sign))
        if doc.signature.date is not None:
            story.append(para(f"{doc.signature.date:%Y年%m月%d日}", sign))
    template.build(story)
    return out.getvalue()


# JSON --------------------------------------------------------------------------------------------


def render_json(doc: Document) -> str:
    return json.dumps(doc.as_dict(), ensure_ascii=False, indent=2, default=str)


def render(doc: Document, fmt: str) -> bytes:
    if fmt == "xlsx":
        return render_xlsx(doc)
    if fmt == "pdf":
        return render_pdf(doc)
    if fmt == "json":
        return render_json(doc).encode("utf-8")
    raise ValueError(fmt)
