"""The XLSX writer of a `Document`: column widths fitted to the content (a CJK character counts
double), the header row frozen with an autofilter over the data, number formats by column kind
(numbers stay numbers: separators, %, yuan with 2 decimals, dates as dates), failures tinted and
bold, and A4 print setup (orientation by width, fit to width, header rows repeated, margins, the
title and "第 N 页，共 M 页" in the header and footer). List exports (`data` layout) stream: openpyxl
writes each sheet's settings and header, the data rows are formatted as XML text and spliced in."""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
from math import isfinite
from typing import Any
from xml.sax.saxutils import escape as xml_escape

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from .document import FAILURES, ColumnKind, Document, Figure, LineChart, Section, Verdict, is_failure, shown
from .xlsx_splice import cell_xml, splice_rows, style_attr

# Dates stay date cells (sortable, filterable) shown the Chinese way: 2026年12月5日 (14:05).
CN_DATE = 'yyyy"年"m"月"d"日"'
CN_DATETIME = 'yyyy"年"m"月"d"日" hh:mm'
NUMBER_FORMATS: dict[str, str] = {
    "int": "#,##0",
    "number": "#,##0.0###",
    "percent": "0.0%",
    "money": "#,##0.00",
    "date": CN_DATE,
}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
HEAD_FILL = PatternFill("solid", fgColor="EEF1F6")
FAIL_FILL = PatternFill("solid", fgColor="FBE4E4")
FAIL_FONT = Font(bold=True, color="C00000")
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=16)
THIN = Side(style="thin", color="999999")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="center")
HEAD_ALIGN = Alignment(wrap_text=True, vertical="center", horizontal="center")
MAX_WIDTH = 50  # characters; longer text wraps
PORTRAIT_WIDTH = 120  # the summed widths a portrait A4 page fits at a readable scale (fit to width)


def neutralise(value: Any) -> Any:
    """A cell value a spreadsheet shows and never runs: text starting like a formula gets a
    leading apostrophe; None is empty, booleans 是/否, numbers and dates stay what they are."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float):
        return value
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None) if value.tzinfo is None else _local(value)
    if isinstance(value, dt.date):
        return value
    text = str(value)
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text


def _local(value: dt.datetime) -> dt.datetime:
    from django.utils import timezone

    return timezone.localtime(value).replace(tzinfo=None)


def display_width(text: str) -> int:
    """Characters as a spreadsheet's column width counts them: wide (CJK) ones twice."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def fitted_widths(headers: list[str], rows: list[list[Any]], kinds: list[ColumnKind]) -> list[float]:
    widths = []
    for i, header in enumerate(headers):
        kind = kinds[i] if i < len(kinds) else "text"
        longest = max((display_width(shown(r[i], kind)) for r in rows[:2000] if i < len(r)), default=0)
        head = min(display_width(header), 24)  # a long header wraps onto two lines
        widths.append(float(min(max(longest, head, 4) + 2, MAX_WIDTH)))
    return widths


def _print_setup(ws: Any, title: str, widths: list[float], header_rows: tuple[int, int] | None) -> None:
    ws.page_setup.paperSize = "9"  # A4
    ws.page_setup.orientation = "landscape" if sum(widths) > PORTRAIT_WIDTH else "portrait"
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as the rows need
    ws.page_margins.left = ws.page_margins.right = 0.6
    ws.page_margins.top = ws.page_margins.bottom = 0.8
    ws.page_margins.header = ws.page_margins.footer = 0.3
    ws.oddHeader.center.text = title.replace("&", "&&")[:120]
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    if header_rows is not None:
        ws.print_title_rows = f"{header_rows[0]}:{header_rows[1]}"


def _set_widths(ws: Any, widths: list[float]) -> None:
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w


# The data layout: one streamed sheet per section, the header in row 1 --------------------------


def _below_thousands(rows: list[list[Any]], i: int) -> bool:
    """Whether column i's numbers all stay under 1,000 (a long list: the whole column is read)."""
    for row in rows:
        v = row[i] if i < len(row) else None
        if isinstance(v, int | float) and not isinstance(v, bool) and abs(v) >= 1000:
            return False
    return True


def _data_sheet(wb: Any, title: str, section: Section) -> tuple[Any, int, int, str]:
    """The sheet with its header, widths, frozen header, autofilter and print setup written by
    openpyxl; the data rows as XML text for `splice_rows` (with the cell styles openpyxl would
    give them, registered in the workbook's style table here). (sheet, last row, columns, rows' XML)."""
    ws = wb.create_sheet(title=section.sheet_name)
    kinds = section.column_kinds()
    widths = fitted_widths(section.headers, section.rows, kinds)
    _set_widths(ws, widths)
    ws.freeze_panes = "A2"
    if section.headers:
        last = get_column_letter(len(section.headers))
        ws.auto_filter.ref = f"A1:{last}{len(section.rows) + 1}"
    _print_setup(ws, title, widths, (1, 1))
    header = []
    for h in section.headers:
        cell = WriteOnlyCell(ws, value=neutralise(h))
        cell.font, cell.fill, cell.alignment, cell.border = BOLD, HEAD_FILL, HEAD_ALIGN, GRID
        header.append(cell)
    ws.append(header)
    styles = _CellStyles(ws, section, kinds)
    failed_cells = section.failed_cells
    width = max((len(r) for r in section.rows), default=0)
    letters = [get_column_letter(i + 1) for i in range(width)]
    parts: list[str] = []
    append = parts.append
    # The common cells (plain text, a number) take a shorter path: their style per column once.
    text_style = [style_attr(styles.of(i, "x", False)) for i in range(width)]
    int_style = [style_attr(styles.of(i, 1, False)) for i in range(width)]
    for n, row in enumerate(section.rows):
        r = n + 2
        append(f'<row r="{r}">')
        for i, v in enumerate(row):
            fail = bool(failed_cells) and (n, i) in failed_cells
            cls = v.__class__
            if not fail and cls is str and v and v not in FAILURES and not v.startswith(_FORMULA_START):
                space = ' xml:space="preserve"' if v[0].isspace() or v[-1].isspace() else ""
                text = xml_escape(ILLEGAL_CHARACTERS_RE.sub("", v))
                cell = f'<c r="{letters[i]}{r}"{text_style[i]} t="inlineStr">'
                append(f"{cell}<is><t{space}>{text}</t></is></c>")
            elif not fail and (cls is int or cls is float) and isfinite(v):
                append(f'<c r="{letters[i]}{r}"{int_style[i]} t="n"><v>{v:.16g}</v></c>')
            else:
                append(cell_xml(f"{letters[i]}{r}", neutralise(v), styles.of(i, v, fail)))
        append("</row>")
    return ws, len(section.rows) + 1, max(width, len(section.headers)), "".join(parts)


class _CellStyles:
    """The style index of a data cell, as the styled-cell rules give it: by column, by what the
    value is (a number or date takes the column's number format, unless its numbers all stay
    under 1,000), and failure (a marked cell, or a 未达标 word) bold red on a tint. Each distinct
    style is made once on a WriteOnlyCell, which registers it in the workbook."""

    def __init__(self, ws: Any, section: Section, kinds: list[ColumnKind]) -> None:
        self.ws, self.section, self.kinds = ws, section, kinds
        self.plain: list[bool] = [
            kind in ("int", "number") and _below_thousands(section.rows, i) for i, kind in enumerate(kinds)
        ]
        self.cache: dict[tuple[int, str, bool], int | None] = {}

    def of(self, i: int, v: Any, fail: bool) -> int | None:
        cls = v.__class__
        if cls is str:
            what = "failure" if v in FAILURES else "text"
        elif cls is bool:
            what = "bool"
        elif isinstance(v, int | float):
            what = "number"
        elif isinstance(v, dt.datetime):
            what = "datetime"
        elif isinstance(v, dt.date):
            what = "date"
        else:
            what = "text"
        key = (i, what, fail)
        if key not in self.cache:
            self.cache[key] = self._make(i, what, fail)
        return self.cache[key]

    def _make(self, i: int, what: str, fail: bool) -> int | None:
        sample: Any = {
            "number": 1,
            "date": dt.date(2000, 1, 1),
            "datetime": dt.datetime.combine(dt.date(2000, 1, 1), dt.time()),
            "bool": "是",
            "failure": "x",
        }.get(what, "x")
        kind = self.kinds[i] if i < len(self.kinds) else "text"
        cell = WriteOnlyCell(self.ws, value=sample)
        if fail:
            cell.font, cell.fill = FAIL_FONT, FAIL_FILL
            if kind in NUMBER_FORMATS and what in ("number", "date", "datetime", "bool"):
                cell.number_format = NUMBER_FORMATS[kind]
        elif (
            what in ("number", "date", "datetime")
            and kind in NUMBER_FORMATS
            and not (i < len(self.plain) and self.plain[i])
        ):
            cell.number_format = NUMBER_FORMATS[kind]
        elif what == "failure":
            cell.font, cell.fill = FAIL_FONT, FAIL_FILL
        if what in ("date", "datetime"):
            cell.number_format = CN_DATETIME if what == "datetime" else CN_DATE
        return int(cell.style_id) if cell.has_style else None


# The official and single layouts: a titled sheet per section (or one for all) -------------------


class _Writer:
    """Appends to one worksheet, remembering where the table header sits and the widths its
    columns need (title and notes overflow to the right and do not count)."""

    def __init__(self, ws: Any, title: str) -> None:
        self.ws, self.title = ws, title
        self.widths: list[float] = []
        self.header_rows: tuple[int, int] | None = None
        self.table_end = 0
        # A data cell's final style by (its style after append, number format, wrap, failure):
        # set once attribute by attribute (each a hashed lookup in the workbook's style lists),
        # then copied, as a 600-row table otherwise spends most of its time there.
        self.styles: dict[tuple[Any, ...], StyleArray] = {}

    @property
    def row(self) -> int:
        """The row last appended (ws.max_row scans every cell: quadratic over a table)."""
        return int(self.ws._current_row)

    def line(self, *values: Any, font: Font | None = None) -> None:
        self.ws.append([neutralise(v) for v in values])
        if font is not None:
            self.ws.cell(row=self.row, column=1).font = font

    def blank(self) -> None:
        self.ws.append([])

    def fit(self, widths: list[float]) -> None:
        for i, w in enumerate(widths):
            if i < len(self.widths):
                self.widths[i] = max(self.widths[i], w)
            else:
                self.widths.append(w)

    def table(
        self,
        headers: list[str],
        rows: list[list[Any]],
        kinds: list[ColumnKind],
        *,
        main: bool,
        failed: set[tuple[int, int]] | None = None,
    ) -> None:
        ws = self.ws
        if headers:
            ws.append([neutralise(h) for h in headers])
            r = self.row
            for i in range(len(headers)):
                cell = ws.cell(row=r, column=i + 1)
                cell.font, cell.fill, cell.alignment, cell.border = BOLD, HEAD_FILL, HEAD_ALIGN, GRID
            if main and self.header_rows is None:
                self.header_rows = (r, r)
        formats = [NUMBER_FORMATS.get(k) for k in kinds]
        failed = failed or set()
        styles = self.styles
        for n, row in enumerate(rows):
            ws.append([neutralise(v) for v in row])
            r = self.row
            for i, v in enumerate(row):
                cell = ws.cell(row=r, column=i + 1)
                number_format = formats[i] if i < len(formats) else None
                if isinstance(v, dt.date):
                    number_format = CN_DATETIME if isinstance(v, dt.datetime) else CN_DATE
                elif not (number_format and isinstance(v, int | float) and not isinstance(v, bool)):
                    number_format = None
                wrap = number_format is None and isinstance(v, str) and display_width(v) > MAX_WIDTH
                fail = is_failure(v) or (n, i) in failed
                before = cell._style  # None until the cell has a style
                key = (None if before is None else tuple(before), number_format, wrap, fail)
                done = styles.get(key)
                if done is not None:
                    cell._style = StyleArray(done)
                    continue
                cell.border = GRID
                if number_format:
                    cell.number_format = number_format
                elif wrap:
                    cell.alignment = WRAP
                if fail:
                    cell.font, cell.fill = FAIL_FONT, FAIL_FILL
                styles[key] = StyleArray(cell._style)
        if main:
            self.table_end = self.row
        self.fit(fitted_widths(headers, rows, kinds))

    def section(self, section: Section, *, main: bool) -> None:
        if section.title:
            self.line(section.title, font=BOLD)
        for text in ([section.note] if section.note else []) + section.paragraphs:
            self.line(text)
        self.table(
            section.headers,
            section.rows,
            section.column_kinds(),
            main=main and bool(section.headers),
            failed=section.failed_cells,
        )
        for text in section.footnotes:
            self.line(text)
        for figure in section.figures:
            self.blank()
            self.figure(figure)
        for chart in section.charts:
            self.blank()
            self.chart(chart)

    def chart(self, chart: LineChart) -> None:
        """The chart's table under its caption, and Excel's line chart over it below (a category
        without data left empty: a gap in the line)."""
        from openpyxl.chart import LineChart as ExcelLineChart
        from openpyxl.chart import Reference

        self.line(chart.caption, font=BOLD)
        headers, rows = chart.table()
        kinds: list[ColumnKind] = ["text"]
        kinds += ["number"] * len(chart.categories)
        self.table(headers, rows, kinds, main=False)
        if chart.empty:
            self.line("暂无数据")
            return
        last = self.row
        first = last - len(rows)  # the header row
        plot = ExcelLineChart()
        plot.title = chart.caption
        plot.y_axis.title = chart.value_title or None
        plot.x_axis.title = chart.x_title or None
        plot.display_blanks = "gap"
        plot.height, plot.width = 8.0, max(16.0, 2.2 * len(chart.categories) + 8)
        data = Reference(self.ws, min_col=1, max_col=len(headers), min_row=first + 1, max_row=last)
        plot.add_data(data, from_rows=True, titles_from_data=True)
        plot.set_categories(Reference(self.ws, min_col=2, max_col=len(headers), min_row=first, max_row=first))
        for series in plot.series:
            series.smooth = False
            series.marker.symbol = "circle"
        self.ws.add_chart(plot, f"A{last + 2}")
        for _ in range(17):  # the chart's rows: what follows starts under it
            self.blank()

    def figure(self, figure: Figure) -> None:
        headers = [figure.caption, *figure.categories]
        rows = [[name, *values] for name, values in figure.series.items()]
        kinds: list[ColumnKind] = ["text"]
        kinds += ["number"] * len(figure.categories)
        self.table(headers, rows, kinds, main=False)

    def summary(self, doc: Document) -> None:
        if doc.summary:
            self.table(["项目", "情况"], [list(kv) for kv in doc.summary], ["text", "text"], main=False)
        if doc.verdicts:
            self.blank()
            self.line("评价结论", font=BOLD)
            self.table(["项目", "结论", "情况"], _verdict_rows(doc.verdicts), ["text"] * 3, main=False)
        if doc.failures:
            self.blank()
            self.line(f"未达标事项（共{len(doc.failures)}项）", font=BOLD)
            for n, text in enumerate(doc.failures, start=1):
                self.line(f"{n}. {text}")

    def finish(self, *, freeze: bool) -> None:
        ws = self.ws
        _set_widths(ws, self.widths)
        if freeze and self.header_rows is not None:
            ws.freeze_panes = ws.cell(row=self.header_rows[1] + 1, column=1)
            if self.table_end > self.header_rows[1]:
                last = get_column_letter(max(ws.max_column, 1))
                ws.auto_filter.ref = f"A{self.header_rows[0]}:{last}{self.table_end}"
        _print_setup(ws, self.title, self.widths, self.header_rows)


def _verdict_rows(verdicts: list[Verdict]) -> list[list[Any]]:
    return [[v.label, v.result, v.detail] for v in verdicts]


def _heading(w: _Writer, doc: Document) -> None:
    w.line(doc.title, font=TITLE)
    for text in (doc.issuer if doc.number else "", doc.number, doc.subtitle):
        if text:
            w.line(text)
    w.blank()


def _signature(w: _Writer, doc: Document) -> None:
    if doc.signature is not None:
        w.blank()
        w.line(doc.signature.body)
        if doc.signature.date is not None:
            d = doc.signature.date
            w.line(f"{d.year}年{d.month}月{d.day}日")


def render_xlsx(doc: Document) -> bytes:
    if doc.layout == "data":
        wb = Workbook(write_only=True)  # list exports may hold many rows: stream them
        sheets = [_data_sheet(wb, doc.title, section) for section in doc.sections]
        out = io.BytesIO()
        wb.save(out)
        return splice_rows(out.getvalue(), sheets)
    elif doc.layout == "single":
        wb = Workbook()
        wb.active.title = doc.cover[:31]
        w = _Writer(wb.active, doc.title)
        _heading(w, doc)
        w.summary(doc)
        for text in doc.paragraphs:
            w.line(text)
        for section in doc.sections:
            w.blank()
            w.section(section, main=True)
        _signature(w, doc)
        w.finish(freeze=w.header_rows is not None and w.header_rows[0] <= 12)
    else:
        wb = Workbook()
        wb.active.title = doc.cover[:31]
        cover = _Writer(wb.active, doc.title)
        _heading(cover, doc)
        cover.summary(doc)
        for text in doc.paragraphs:
            cover.line(text)
        carried: list[Section] = []  # a heading with text and no table opens the next sheet
        for section in doc.sections:
            if not section.headers and not section.figures and not section.charts:
                carried.append(section)
                continue
            w = _Writer(wb.create_sheet(title=section.sheet_name), f"{doc.title} {section.title}".strip())
            for heading in carried:
                w.section(heading, main=False)
            carried = []
            w.section(section, main=True)
            w.finish(freeze=True)
        for heading in carried:
            cover.blank()
            cover.section(heading, main=False)
        _signature(cover, doc)
        cover.finish(freeze=False)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
