"""The PDF writer of a `Document`, in the layout of a Chinese government document (GB/T 9704 as
the guide): A4, the issuer and 文号 over a red rule where the document is official, the title in
the heavy face, a one-page summary first (key figures, verdicts, failures), then the sections
under 一、/（一） headings, body text in the text face, tables with their header repeated on each
page, landscape pages only for the tables that need the width, and "— 1 —" at the foot of each
page. Failures are tinted and marked ▲ (bold), so they show printed in black and white too.
Every text is read literally (names may hold "&" or "<")."""

from __future__ import annotations

import io
import re
from functools import lru_cache
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    HRFlowable,
    KeepInFrame,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from .document import ColumnKind, Document, Figure, LineChart, Section, is_failure
from .document import shown as fmt
from .fonts import Faces, faces

RED = colors.HexColor("#c00000")
FAIL_TINT = colors.HexColor("#fbe4e4")
HEAD_TINT = colors.HexColor("#eef1f6")
MARK = "▲"
# GB/T 9704 margins: top 37 mm, bottom 35, left 28, right 26; a landscape table page uses less.
PORTRAIT = (28 * mm, 26 * mm, 30 * mm, 28 * mm)  # left, right, top, bottom
LANDSCAPE = (15 * mm, 15 * mm, 12 * mm, 16 * mm)
SUMMARY_FAILURES = 15  # failures listed by name on the summary page; the rest are counted
CELL_CAP = 34  # a column's natural width in characters at most (longer text wraps)


class _Styles:
    def __init__(self, f: Faces) -> None:
        def style(name: str, **kw: Any) -> ParagraphStyle:
            kw.setdefault("fontName", f.body)
            return ParagraphStyle(name, **kw)

        self.faces = f
        self.issuer = style(
            "issuer", fontName=f.title, fontSize=30, leading=40, alignment=TA_CENTER, textColor=RED
        )
        self.number = style("number", fontSize=14, leading=20, alignment=TA_CENTER)
        self.title = style("title", fontName=f.title, fontSize=20, leading=30, alignment=TA_CENTER)
        self.subtitle = style(
            "subtitle", fontSize=12, leading=18, alignment=TA_CENTER, textColor=colors.black
        )
        self.h1 = style("h1", fontName=f.heading, fontSize=15, leading=26, spaceBefore=8, spaceAfter=4)
        self.h2 = style("h2", fontSize=14, leading=24, spaceBefore=4, spaceAfter=2)
        self.body = style("body", fontSize=14, leading=25, firstLineIndent=28)
        self.small = style("small", fontSize=12, leading=19)
        self.note = style("note", fontSize=10, leading=14)
        self.sign = style("sign", fontSize=14, leading=25, alignment=TA_RIGHT)
        self.folio = f.body


def _measured_faces() -> Faces:
    """The faces, each TrueType face measuring a string once per size: without reportlab's C
    accelerator a width is summed glyph by glyph in Python, and wrapping Chinese text asks for
    the width of each character again and again (most of a long table's time)."""
    f = faces()
    for name in {f.body, f.heading, f.title}:
        font = pdfmetrics.getFont(name)
        if isinstance(font, TTFont) and not getattr(font, "_edugov_memo", False):
            font.stringWidth = lru_cache(maxsize=50_000)(font.stringWidth)  # type: ignore[method-assign]
            font._edugov_memo = True  # type: ignore[attr-defined]
    return f


def _p(text: Any, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape("—" if text is None else str(text)), style)


def _mark(text: str) -> str:
    return f"{MARK}{text}"


def _text_width(text: str, font: str, size: float) -> float:
    return max((stringWidth(line, font, size) for line in text.split("\n")), default=0.0)


def _fits(text: str, font: str, size: float, room: float) -> bool:
    """Whether text fits `room` points on one line (no glyph of the faces is wider than 1 em, none
    narrower than a quarter: most texts are decided without measuring)."""
    if len(text) * size <= room:
        return True
    if len(text) * size * 0.25 > room:
        return False
    return bool(stringWidth(text, font, size) <= room)


# Characters that do not begin a line (Chinese and Latin closing punctuation): they stay at the
# end of the line before, a little past the column's edge, as typesetters hang them.
_NO_LINE_START = frozenset("，。、；：？！）》」』】〕”’％,.;:?!)]%")
_TOKENS = re.compile(r"[0-9A-Za-z_.\-/:%@#+]+|\s|.", re.S)
_WIDTHS: dict[str, dict[str, float]] = {}  # per font: a token's width at 1 pt


def _wrap(text: str, font: str, size: float, room: float) -> str:
    """Text broken into lines no wider than `room` points (explicit line breaks kept): between any
    two Chinese characters, at spaces, and inside a Latin word or number only when it alone is
    wider than the line. Widths come from the face's glyphs, memoised per token."""
    widths = _WIDTHS.setdefault(font, {})
    limit = room / size
    out: list[str] = []
    for paragraph in text.split("\n"):
        line: list[str] = []
        used = 0.0
        for token in _TOKENS.findall(paragraph):
            w = widths.get(token)
            if w is None:
                w = widths[token] = stringWidth(token, font, 1.0)
            if used + w <= limit or not line or token in _NO_LINE_START:
                line.append(token)
                used += w
                continue
            out.append("".join(line).rstrip())
            line, used = [], 0.0
            if token.isspace():
                continue
            if w > limit and len(token) > 1:  # a word longer than the line: cut it where it overflows
                for ch in token:
                    cw = widths.get(ch)
                    if cw is None:
                        cw = widths[ch] = stringWidth(ch, font, 1.0)
                    if used + cw > limit and line:
                        out.append("".join(line))
                        line, used = [], 0.0
                    line.append(ch)
                    used += cw
                continue
            line.append(token)
            used = w
        out.append("".join(line).rstrip())
    return "\n".join(out)


class _Tables:
    """Tables sized to their content: the font steps down for wide tables, each column gets its
    natural width (capped, so long text wraps) scaled to the frame, and a table too wide for a
    portrait page at 9 pt is set on landscape pages."""

    def __init__(self, st: _Styles) -> None:
        self.st = st

    @staticmethod
    def size_for(columns: int) -> float:
        return 11.0 if columns <= 4 else 10.0 if columns <= 7 else 9.0 if columns <= 10 else 8.0

    def natural(self, headers: list[str], cells: list[list[str]], size: float) -> list[float]:
        font, pad = self.st.faces.body, 14.0  # the cell's padding, 6 pt each side, and a little air
        head_cap = 4 if 4 < len(headers) <= 10 else 6  # a header wraps onto lines of 4 (or 6) characters
        widths = []
        for i, h in enumerate(headers):
            head = min(_text_width(h, self.st.faces.heading, size), stringWidth("字" * head_cap, font, size))
            longest = max((_text_width(r[i], font, size) for r in cells[:400] if i < len(r)), default=0.0)
            widths.append(max(head, min(longest, stringWidth("字" * CELL_CAP, font, size))) + pad)
        return widths

    def fit(self, natural: list[float], width: float, size: float) -> list[float]:
        """Natural widths made to fill the frame: a wider table gives the room to its text columns
        (those over eight characters), so that numbers and short words keep their line."""
        total = sum(natural)
        if total <= width:
            return [w * width / total for w in natural]
        short = stringWidth("字" * 8, self.st.faces.body, size) + 14
        fixed = sum(w for w in natural if w <= short)
        flexible = total - fixed
        if flexible and width - fixed >= flexible * 0.25:
            scale = (width - fixed) / flexible
            return [w if w <= short else w * scale for w in natural]
        return [w * width / total for w in natural]

    def needs_landscape(self, headers: list[str], cells: list[list[str]]) -> bool:
        portrait_width = float(A4[0]) - PORTRAIT[0] - PORTRAIT[1]
        return bool(sum(self.natural(headers, cells, 9.0)) > portrait_width * 1.1)

    def build(
        self,
        headers: list[str],
        rows: list[list[Any]],
        kinds: list[ColumnKind],
        width: float,
        *,
        shares: list[float] | None = None,
        highlight: dict[str, str] | None = None,
        failed: set[tuple[int, int]] | None = None,
    ) -> Table:
        st, size = self.st, self.size_for(len(headers))
        failed = failed or set()
        cells = [
            [_mark(fmt(v, kinds[i] if i < len(kinds) else "text")) if is_failure(v) or (n, i) in failed
             else fmt(v, kinds[i] if i < len(kinds) else "text")
             for i, v in enumerate(r)]
            for n, r in enumerate(rows)
        ]  # fmt: skip
        if shares:
            col_widths = [width * s for s in shares]
            col_widths = (
                [w * width / sum(col_widths) for w in col_widths] if sum(col_widths) > width else col_widths
            )
        else:
            col_widths = self.fit(self.natural(headers, cells, size), width, size)
        leading = size * 1.35
        head = ParagraphStyle(
            "th", fontName=st.faces.heading, fontSize=size, leading=leading, alignment=TA_CENTER
        )
        left = ParagraphStyle("td", fontName=st.faces.body, fontSize=size, leading=leading)
        right = ParagraphStyle("tdr", parent=left, alignment=TA_RIGHT)
        fail = ParagraphStyle("tdf", parent=left, fontName=st.faces.heading, textColor=RED)
        fail_right = ParagraphStyle("tdfr", parent=fail, alignment=TA_RIGHT)
        numeric = [k in ("int", "number", "percent", "money") for k in kinds]
        data: list[list[Any]] = [[_p(h, head) for h in headers]]
        style: list[Any] = [
            ("FONTNAME", (0, 0), (-1, -1), st.faces.body),  # else the cells name Helvetica, unembedded
            ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
            ("BACKGROUND", (0, 0), (-1, 0), HEAD_TINT),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("TOPPADDING", (0, 0), (-1, -1), 1),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ]
        # A cell whose text fits its column on one line is drawn as a plain string in the cell's
        # style (font, size, leading, alignment and colour set per column or cell below): a
        # Paragraph per cell costs ~20x more and most cells hold a number or a short word.
        style += [("FONTSIZE", (0, 1), (-1, -1), size), ("LEADING", (0, 1), (-1, -1), leading)]
        style += [("ALIGN", (i, 1), (i, -1), "RIGHT") for i, is_number in enumerate(numeric) if is_number]
        room = [w - 12.5 for w in col_widths]  # less the cell's padding, 6 pt each side
        body_font, fail_font = st.faces.body, st.faces.heading
        for n, (raw, text) in enumerate(zip(rows, cells, strict=True), start=1):
            line: list[Any] = []
            for i, (value, shown) in enumerate(zip(raw, text, strict=True)):
                is_number = i < len(numeric) and numeric[i]
                failed_cell = is_failure(value) or (n - 1, i) in failed
                font = fail_font if failed_cell else body_font
                if i < len(room):
                    # wrapped here into lines of a plain string: a Paragraph per long cell cost
                    # most of a long list's time (wrapped once to size the row, again to split
                    # the table across pages, then drawn fragment by fragment)
                    one_line = "\n" not in shown and _fits(shown, font, size, room[i])
                    line.append(shown if one_line else _wrap(shown, font, size, room[i]))
                    if failed_cell:
                        style += [("FONTNAME", (i, n), (i, n), font), ("TEXTCOLOR", (i, n), (i, n), RED)]
                elif failed_cell:
                    line.append(_p(shown, fail_right if is_number else fail))
                else:
                    line.append(_p(shown, right if is_number else left))
            data.append(line)
            if any(is_failure(v) for v in raw) or any((n - 1, i) in failed for i in range(len(raw))):
                style.append(("BACKGROUND", (0, n), (-1, n), FAIL_TINT))
            colour = (highlight or {}).get(str(raw[-1])) if raw else None
            if colour:
                style.append(("BACKGROUND", (0, n), (-1, n), colors.HexColor(colour)))
        if len(data) == 1:
            data.append([_p("无", left)] + [_p("", left)] * (len(headers) - 1))
            style.append(("SPAN", (0, 1), (-1, 1)))
        table = Table(data, colWidths=col_widths, repeatRows=1, hAlign="CENTER")
        table.setStyle(TableStyle(style))
        return table


def _figure_table(figure: Figure) -> tuple[list[str], list[list[Any]]]:
    return [figure.caption, *figure.categories], [[name, *values] for name, values in figure.series.items()]


class _Writer:
    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.st = _Styles(_measured_faces())
        self.tables = _Tables(self.st)
        self.orientation = "portrait"
        self.pending = False  # a page break owed after the summary page
        self.flagged = False  # a table on the page showed a failure mark: say what ▲ means
        self.charts = 0  # charts numbered through the document: 图1, 图2 ...

    # pages -----------------------------------------------------------------------------------

    def _folio(self, canvas: Any, template: Any) -> None:
        canvas.saveState()
        canvas.setFont(self.st.folio, 12)
        width, height = canvas._pagesize
        bottom = LANDSCAPE[3] if width > height else PORTRAIT[3]  # the folio sits 8 mm under the text
        canvas.drawCentredString(width / 2, bottom - 8 * mm, f"— {canvas.getPageNumber()} —")
        canvas.restoreState()

    def templates(self) -> list[PageTemplate]:
        out = []
        for name, size, (left, right, top, bottom) in (
            ("portrait", A4, PORTRAIT),
            ("landscape", landscape(A4), LANDSCAPE),
        ):
            frame = Frame(left, bottom, size[0] - left - right, size[1] - top - bottom, id=name,
                          leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)  # fmt: skip
            out.append(PageTemplate(id=name, frames=[frame], pagesize=size, onPage=self._folio))
        if self.doc.landscape:  # a document set wide throughout
            out.reverse()
        return out

    def frame_width(self) -> float:
        margins = LANDSCAPE if self.orientation == "landscape" else PORTRAIT
        size = landscape(A4) if self.orientation == "landscape" else A4
        return float(size[0] - margins[0] - margins[1])

    def turn(self, orientation: str, story: list[Flowable]) -> None:
        """Go on in `orientation`: a new page when it changes, or when the summary page asked for
        one (`pending`), so that a landscape table after the summary leaves no blank page."""
        if orientation != self.orientation:
            story += [NextPageTemplate(orientation), PageBreak()]
            self.orientation = orientation
        elif self.pending:
            story.append(PageBreak())
        self.pending = False

    # content ---------------------------------------------------------------------------------

    def head(self) -> list[Flowable]:
        doc, st = self.doc, self.st
        out: list[Flowable] = []
        if doc.number and doc.issuer:  # 版头: the issuer, the 文号, a red rule
            out += [
                Spacer(1, 6 * mm),
                _p(doc.issuer, st.issuer),
                Spacer(1, 6 * mm),
                _p(doc.number, st.number),
            ]
            out.append(
                HRFlowable(width="100%", thickness=1.6, color=RED, spaceBefore=2 * mm, spaceAfter=8 * mm)
            )
        out.append(_p(doc.title, st.title))
        if doc.subtitle:
            out.append(_p(doc.subtitle, st.subtitle))
        if doc.number and not doc.issuer:
            out.append(_p(doc.number, st.number))
        out.append(Spacer(1, 5 * mm))
        return out

    def key_figures(self) -> Table:
        rows = [list(kv) for kv in self.doc.summary]
        return self.tables.build(
            ["项目", "情况"], rows, ["text", "text"], self.frame_width(), shares=[0.34, 0.66]
        )

    def summary(self) -> list[Flowable]:
        doc, st, width = self.doc, self.st, self.frame_width()
        out: list[Flowable] = []
        if doc.summary:
            out += [_p("主要数据", st.h1), self.key_figures()]
        if doc.verdicts:
            out.append(_p("评价结论", st.h1))
            rows = [[v.label, v.result, v.detail] for v in doc.verdicts]
            out.append(self.tables.build(["项目", "结论", "情况"], rows, ["text"] * 3, width,
                                         shares=[0.4, 0.16, 0.44]))  # fmt: skip
        if doc.failures:
            shown = doc.failures[:SUMMARY_FAILURES]
            out.append(_p(f"未达标事项（共{len(doc.failures)}项）", st.h1))
            out += [_p(f"{MARK} {text}", st.small) for text in shown]
            if len(doc.failures) > len(shown):
                out.append(_p(f"另有{len(doc.failures) - len(shown)}项，见正文。", st.small))
        elif doc.verdicts:
            out.append(_p("各项均达标。", st.small))
        return out

    def section(self, section: Section, story: list[Flowable]) -> None:
        st = self.st
        headers, rows, kinds = section.headers, section.rows[: section.pdf_row_limit], section.column_kinds()
        failed = section.failed_cells
        if section.pdf_columns is not None:
            keep = section.pdf_columns
            headers, kinds = [headers[i] for i in keep], [kinds[i] for i in keep]
            rows = [[r[i] for i in keep] for r in rows]
            where = {column: i for i, column in enumerate(keep)}
            failed = {(r, where[c]) for r, c in failed if c in where}
        orientation = self.orientation
        if headers and self.doc.landscape is None:
            cells = [[fmt(v, kinds[i]) for i, v in enumerate(r)] for r in rows[:400]]
            orientation = "landscape" if self.tables.needs_landscape(headers, cells) else "portrait"
        self.turn(orientation, story)
        charts = [self.chart(c) for c in section.charts]
        # the heading stays with what follows it: the first chart whole, or a table's first rows
        story.append(CondPageBreak(max(40 * mm, charts[0][1] + 25 * mm) if charts else 40 * mm))
        if section.title:
            story.append(_p(section.title, st.h1 if section.level <= 1 else st.h2))
        if section.note:
            story.append(_p(section.note, st.note))
        story += [_p(t, st.body) for t in section.paragraphs]
        story += [flowable for flowable, _height in charts]
        if headers:
            story.append(Spacer(1, 1.5 * mm))
            width = self.frame_width()
            story.append(
                self.tables.build(
                    headers,
                    rows,
                    kinds,
                    width,
                    shares=section.pdf_widths,
                    highlight=section.highlight,
                    failed=failed,
                )
            )
            if failed or any(is_failure(v) for r in rows for v in r):
                story.append(_p(f"注：标{MARK}的为未达标（不合格、超标、黑榜）项，所在行加底色。", st.note))
            if len(section.rows) > section.pdf_row_limit:
                story.append(_p(f"（共{len(section.rows)}行，此处列出前{section.pdf_row_limit}行，"
                                "完整数据见同名XLSX文件。）", st.note))  # fmt: skip
        story += [_p(t, st.note) for t in section.footnotes]
        for figure in section.figures:
            fh, fr = _figure_table(figure)
            story.append(Spacer(1, 2 * mm))
            numbers: list[ColumnKind] = ["text"]
            numbers += ["number"] * (len(fh) - 1)
            story.append(self.tables.build([str(h) for h in fh], fr, numbers, self.frame_width()))
        story.append(Spacer(1, 3 * mm))

    def chart(self, chart: LineChart) -> tuple[Flowable, float]:
        """The chart the frame's width with its number and caption under it (kept on one page),
        and the drawing's height; a chart without any value is its caption and 暂无数据."""
        from .chart import draw_line_chart  # reportlab's graphics, imported when a chart is drawn

        self.charts += 1
        caption = ParagraphStyle("caption", parent=self.st.note, alignment=TA_CENTER)
        title = _p(f"图{self.charts}　{chart.caption}", caption)
        if chart.empty:
            return KeepTogether([Spacer(1, 2 * mm), title, _p("（暂无数据）", caption)]), 0.0
        drawing = draw_line_chart(chart, self.frame_width(), self.st.faces.body)
        return KeepTogether([Spacer(1, 2 * mm), drawing, title, Spacer(1, 2 * mm)]), float(drawing.height)

    def build(self) -> bytes:
        doc, st = self.doc, self.st
        out = io.BytesIO()
        template = BaseDocTemplate(
            out, pagesize=A4, title=doc.title, author=doc.issuer or "", creator="edugov",
            initialFontName=self.st.faces.body,
            pageTemplates=self.templates(),
        )  # fmt: skip
        self.orientation = "landscape" if doc.landscape else "portrait"
        first = self.head()
        if doc.layout != "single" and (doc.summary or doc.verdicts or doc.failures):
            first += self.summary()
            frame = template.pageTemplates[0].frames[0]
            story: list[Flowable] = [KeepInFrame(frame._width, frame._height - 2, first, mode="shrink")]
            self.pending = True
        else:
            story = first
            if doc.summary:
                story.append(self.key_figures())
        if doc.paragraphs:
            self.turn(self.orientation, story)
            story += [_p(t, st.body) for t in doc.paragraphs]
        annex = [s for s in doc.sections if not s.pdf]
        for section in doc.sections:
            if section.pdf:
                self.section(section, story)
        if annex:
            self.turn(self.orientation, story)
            names = "；".join(s.title or s.sheet_name for s in annex)
            story.append(_p(f"附表（见同名XLSX文件）：{names}。", st.small))
        if doc.signature is not None:
            story.append(Spacer(1, 12 * mm))
            story.append(_p(doc.signature.body, st.sign))
            if doc.signature.date is not None:
                day = doc.signature.date
                story.append(_p(f"{day.year}年{day.month}月{day.day}日", st.sign))
        template.build(story)
        return out.getvalue()


def render_pdf(doc: Document) -> bytes:
    return _Writer(doc).build()
