"""The error report of a rejected batch: the original sheet with bad cells filled red and a
comment giving the reason, then a sheet listing row, column, value and reason."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill

from .readers import FileRejected, open_table

if TYPE_CHECKING:
    from .models import ImportBatch
    from .services import RowProblem

BAD_FILL = PatternFill(start_color="FFFFC7CE", end_color="FFFFC7CE", fill_type="solid")
BAD_FONT = Font(color="FF9C0006")
HEAD_FONT = Font(bold=True)
FULL_SHEET_MAX_ROWS = 100_000  # past this the first sheet keeps only the rows with errors


def _cell_value(value: object) -> object:
    if isinstance(value, dt.date):
        return value
    text = ILLEGAL_CHARACTERS_RE.sub("\ufffd", str(value))  # control characters cannot go into XML
    if text.startswith(("=", "+", "-", "@")) and len(text) > 1:
        return "'" + text  # never let a report cell become a formula
    return text


def write_error_report(
    *, batch: ImportBatch, headers: Sequence[str], problems: Sequence[RowProblem]
) -> Path | None:
    from .services import imports_dir

    by_row: dict[int, dict[int | None, list[str]]] = defaultdict(lambda: defaultdict(list))
    for p in problems:
        by_row[p.row][p.column].append(p.reason)

    wb = Workbook(write_only=True)
    sheet = wb.create_sheet("原始数据（错误已标红）")
    errors_only = batch.total_rows > FULL_SHEET_MAX_ROWS
    lead = ["原行号"] if errors_only else []
    sheet.append([_head(sheet, str(_cell_value(h))) for h in [*lead, *headers, "错误说明"]])
    try:
        table = open_table(Path(batch.stored_path), batch.original_name)
    except FileRejected:
        table = None
    if table is not None:
        for row_number, cells in table.rows():
            marks = by_row.get(row_number)
            if errors_only and not marks:
                continue
            out: list[object] = [row_number] if errors_only else []
            width = max(len(cells), len(headers))
            for idx in range(width):
                value = _cell_value(cells[idx] if idx < len(cells) else "")
                reasons = marks.get(idx) if marks else None
                if reasons:
                    cell = WriteOnlyCell(sheet, value=value)
                    cell.fill = BAD_FILL
                    cell.font = BAD_FONT
                    cell.comment = Comment("；".join(reasons), "edugov")
                    out.append(cell)
                else:
                    out.append(value)
            if marks:
                summary = "；".join(
                    (f"{headers[col]}：{r}" if col is not None and col < len(headers) else r)
                    for col, rs in marks.items()
                    for r in rs
                )
                note = WriteOnlyCell(sheet, value=summary[:1000])
                note.font = BAD_FONT
                out.append(note)
            sheet.append(out)

    listing = wb.create_sheet("错误清单")
    listing.append([_head(listing, h) for h in ("行号", "列", "单元格内容", "错误原因")])
    for p in problems:
        listing.append([p.row, p.header or "（整行）", _cell_value(p.value), _cell_value(p.reason)])

    path = imports_dir() / "reports" / f"batch-{batch.pk}-errors.xlsx"
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def _head(sheet: object, text: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=text)
    cell.font = HEAD_FONT
    return cell
