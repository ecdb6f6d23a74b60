"""The error report of a rejected batch: the original sheet with bad cells filled red and a
comment giving the reason, then a sheet listing row, column, value and reason. Written twice:
as uploaded, and with the personal columns masked for readers who may not see them in clear."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import shutil
from collections import defaultdict
from collections.abc import Callable, Generator, Mapping, Sequence, Set
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill

from .readers import FileRejected, open_table
from .selectors import masked_report_path

if TYPE_CHECKING:
    from .models import ImportBatch
    from .services import RowProblem
    from .spec import Mask

BAD_FILL = PatternFill(start_color="FFFFC7CE", end_color="FFFFC7CE", fill_type="solid")
BAD_FONT = Font(color="FF9C0006")
HEAD_FONT = Font(bold=True)
FULL_SHEET_MAX_ROWS = 100_000  # past this the first sheet keeps only the rows with errors


NUMBER = re.compile(r"-?(0|[1-9]\d{0,14})(\.\d{1,6})?")


def _number(value: object) -> object:
    """A number column's cell as a number when it is a well-formed one ("25", "12.50"); anything
    else (the bad value the report points at, a blank) stays as it was."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float | Decimal):
        return value
    text = str(value).strip()
    if not NUMBER.fullmatch(text):
        return value
    return int(text) if "." not in text else Decimal(text)


def _xml_text(value: object) -> str:
    """Text that XML can hold: a control character (in a quoted header or value) becomes U+FFFD."""
    return ILLEGAL_CHARACTERS_RE.sub("\ufffd", str(value))


def _cell_value(value: object) -> object:
    if isinstance(value, dt.date | int | float | Decimal) and not isinstance(value, bool):
        return value
    text = _xml_text(value)  # control characters cannot go into XML
    if text.startswith(("=", "+", "-", "@")) and len(text) > 1:
        return "'" + text  # never let a report cell become a formula
    return text


def write_error_report(
    *,
    batch: ImportBatch,
    headers: Sequence[str],
    problems: Sequence[RowProblem],
    masks: Mapping[int, Mask] | None = None,
    numeric: Set[int] = frozenset(),
) -> Path | None:
    """Write the report and its masked copy (`masks`: the file's personal columns by index;
    `numeric`: its number columns, whose well-formed values are written as numbers); return the
    path of the one in clear."""
    from .services import imports_dir

    path = imports_dir() / "reports" / f"batch-{batch.pk}-errors.xlsx"
    path.parent.mkdir(parents=True, exist_ok=True)
    _write(path, batch=batch, headers=headers, problems=problems, masks={}, numeric=numeric)
    masked = masked_report_path(path)
    if masks:
        _write(masked, batch=batch, headers=headers, problems=problems, masks=masks, numeric=numeric)
    else:
        shutil.copyfile(path, masked)
    return path


def _write(
    path: Path,
    *,
    batch: ImportBatch,
    headers: Sequence[str],
    problems: Sequence[RowProblem],
    masks: Mapping[int, Mask],
    numeric: Set[int] = frozenset(),
) -> None:
    # Values of personal cells that a reason might quote, and their masked form.
    hidden = {
        p.value: masks[p.column](p.value)
        for p in problems
        if p.column is not None and p.column in masks and p.value
    }

    def text(value: str) -> str:
        for clear, masked in hidden.items():
            value = value.replace(clear, masked)
        return value

    by_row: dict[int, dict[int | None, list[str]]] = defaultdict(lambda: defaultdict(list))
    for p in problems:
        by_row[p.row][p.column].append(text(p.reason))

    wb = Workbook(write_only=True)
    try:
        _fill(wb, batch=batch, headers=headers, problems=problems, masks=masks, numeric=numeric, text=text,
              by_row=by_row)  # fmt: skip
        wb.save(path)
    except BaseException:
        _discard(wb)
        raise


def _discard(wb: Workbook) -> None:
    """A write-only workbook that will not be saved: each sheet's row stream is closed and its
    temporary file removed now. Left open, the stream would be closed by the garbage collector
    after its file, which Python reports as an exception nobody can catch."""
    for ws in wb.worksheets:
        writer = getattr(ws, "_writer", None)
        if writer is None:  # nothing appended: no stream, no file
            continue
        with contextlib.suppress(Exception):
            ws.close()
        with contextlib.suppress(OSError):
            os.remove(writer.out)


def _fill(
    wb: Workbook,
    *,
    batch: ImportBatch,
    headers: Sequence[str],
    problems: Sequence[RowProblem],
    masks: Mapping[int, Mask],
    numeric: Set[int],
    text: Callable[[str], str],
    by_row: Mapping[int, Mapping[int | None, list[str]]],
) -> None:
    sheet = wb.create_sheet("原始数据（错误已标红）")
    errors_only = batch.total_rows > FULL_SHEET_MAX_ROWS
    lead = ["原行号"] if errors_only else []
    sheet.append([_head(sheet, str(_cell_value(h))) for h in [*lead, *headers, "错误说明"]])
    with contextlib.closing(_rows(batch)) as rows:  # the stored file is closed even if a row fails
        for row_number, cells in rows:
            marks = by_row.get(row_number)
            if errors_only and not marks:
                continue
            sheet.append(_marked_row(sheet, row_number, cells, marks, errors_only=errors_only,
                                     headers=headers, masks=masks, numeric=numeric))  # fmt: skip

    listing = wb.create_sheet("错误清单")
    listing.append([_head(listing, h) for h in ("行号", "列", "单元格内容", "错误原因")])
    for p in problems:
        mask = masks.get(p.column) if p.column is not None else None
        if mask is not None and p.value:
            shown: object = mask(p.value)
        else:
            shown = _number(p.value) if p.column in numeric else p.value
        listing.append(
            [p.row, _cell_value(p.header or "（整行）"), _cell_value(shown), _cell_value(text(p.reason))]
        )


def _marked_row(
    sheet: object,
    row_number: int,
    cells: list[Any],
    marks: Mapping[int | None, list[str]] | None,
    *,
    errors_only: bool,
    headers: Sequence[str],
    masks: Mapping[int, Mask],
    numeric: Set[int],
) -> list[object]:
    """One row of the first sheet: its cells (masked, numbers as numbers), the bad ones filled
    red with the reason as a comment, then the row's reasons in words."""
    out: list[object] = [row_number] if errors_only else []
    width = max(len(cells), len(headers))
    for idx in range(width):
        raw = cells[idx] if idx < len(cells) else ""
        mask = masks.get(idx)
        if mask is not None and raw != "":
            value = _cell_value(mask(str(raw)))
        else:
            value = _cell_value(_number(raw) if idx in numeric else raw)
        reasons = marks.get(idx) if marks else None
        if reasons:
            cell = WriteOnlyCell(sheet, value=value)
            cell.fill = BAD_FILL
            cell.font = BAD_FONT
            cell.comment = Comment(_xml_text("；".join(reasons)), "edugov")
            out.append(cell)
        else:
            out.append(value)
    if marks:
        summary = "；".join(
            (f"{headers[col]}：{r}" if col is not None and col < len(headers) else r)
            for col, rs in marks.items()
            for r in rs
        )
        note = WriteOnlyCell(sheet, value=_xml_text(summary[:1000]))
        note.font = BAD_FONT
        out.append(note)
    return out


def _rows(batch: ImportBatch) -> Generator[tuple[int, list[Any]], None, None]:
    """The rows of the stored file, or none when it cannot be read any more."""
    try:
        table = open_table(Path(batch.stored_path), batch.original_name)
    except FileRejected:
        return
    yield from table.rows()  # closes the file when done


def _head(sheet: object, text: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=text)
    cell.font = HEAD_FONT
    return cell
