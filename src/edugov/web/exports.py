"""CSV and XLSX downloads of what a list page shows. Text cells that a spreadsheet would run as
a formula (starting with = + - @, or a tab / carriage return) get a leading apostrophe."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from openpyxl import Workbook

FORMATS = ("csv", "xlsx")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(value: Any) -> Any:
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


def export_response(
    *, fmt: str, filename: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]
) -> tuple[HttpResponse, int]:
    """The download response and the number of data rows written."""
    count = 0
    if fmt == "xlsx":
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(title=filename[:31])
        sheet.append(list(headers))
        for row in rows:
            sheet.append([neutralise(v) for v in row])
            count += 1
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(buffer.getvalue(), content_type=_XLSX)
    else:
        # UTF-8 with BOM: Excel on Chinese Windows opens it without garbling.
        text = io.StringIO()
        text.write("\ufeff")
        writer = csv.writer(text)
        writer.writerow(headers)
        for row in rows:
            writer.writerow([neutralise(v) for v in row])
            count += 1
        response = HttpResponse(text.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, f"{filename}.{fmt}")
    return response, count


def report_workbook(report: Any, *, cover: str) -> bytes:
    """A report (title, subtitle, summary pairs, sections of headers and rows) as an XLSX: a cover
    sheet with the summary, then one sheet per section with its header row frozen. Text cells are
    neutralised against formula injection; numbers stay numbers."""
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = cover
    ws.append([neutralise(report.title)])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([neutralise(report.subtitle)])
    ws.append([])
    for k, v in report.summary:
        ws.append([neutralise(k), neutralise(v)])
    ws.column_dimensions["A"].width = 32
    ws.column_dimensions["B"].width = 56
    for section in report.sections:
        sheet = wb.create_sheet(title=section.title.split("、", 1)[-1][:31])
        sheet.append([neutralise(section.title)])
        sheet["A1"].font = Font(bold=True)
        if section.note:
            sheet.append([neutralise(section.note)])
        sheet.append([neutralise(h) for h in section.headers])
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
        for row in section.rows:
            sheet.append([v if isinstance(v, int | float) else neutralise(v) for v in row])
        for i in range(1, min(len(section.headers), 40) + 1):
            sheet.column_dimensions[sheet.cell(row=1, column=i).column_letter].width = 15
        sheet.freeze_panes = sheet.cell(row=sheet.max_row - len(section.rows) + 1, column=1)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
