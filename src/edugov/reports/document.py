"""The one document model of every official output (self-assessment tables, monthly reports,
notices, supervision reports, list exports): a title, the issuing body and date, the summary (key
figures, pass/fail verdicts, the failures), sections of paragraphs, one table each (column headers,
kinds, rows, footnotes), figures (written as small tables) and line charts (`LineChart`, drawn in
the PDF, a table and Excel chart in the XLSX), and a signature block for the official format. Builders
return it; the writers (PDF, XLSX, JSON) and pages render it, and read failures from it alike."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any, Literal

from edugov.common.dates import cn_datetime

# official: a cover sheet (title, summary) then one titled sheet per section;
# data: one sheet per section, the header in the first row (to filter and pivot);
# single: one sheet and one page flow, a notice (title, number, text, table, signature).
Layout = Literal["official", "data", "single"]
# How a column's values are numbers: int (with separators), number (up to 4 decimals), percent
# (a fraction, 0.853 shows 85.3%), money (yuan, 2 decimals), date; text otherwise. Both writers
# format by it: XLSX as number formats on numeric cells, PDF as the printed text.
ColumnKind = Literal["text", "int", "number", "percent", "money", "date"]
# A cell holding one of these words is a failure: highlighted in colour and marked (▲ in the
# PDF, bold in XLSX) so that it shows printed in black and white too.
FAILURES = frozenset({"未达标", "不合格", "超标", "超过", "不符合", "黑榜", "逾期"})


def is_failure(value: Any) -> bool:
    return isinstance(value, str) and value.strip() in FAILURES


def infer_kind(values: list[Any]) -> ColumnKind:
    """A column's kind from its values when the builder named none: numbers as int or number,
    dates as date, anything else text (None and empty cells do not count)."""
    seen = [v for v in values if v is not None and v != ""]
    if not seen:
        return "text"
    if all(isinstance(v, int) and not isinstance(v, bool) for v in seen):
        return "int"
    if all(isinstance(v, int | float) and not isinstance(v, bool) for v in seen):
        return "number"
    if all(isinstance(v, dt.date) for v in seen):
        return "date"
    return "text"


def shown(value: Any, kind: ColumnKind = "text") -> str:
    """A value as printed (PDF, and the XLSX column widths): numbers by their column's kind,
    dates the Chinese way (2026年12月5日), None as an em dash."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float):
        if kind == "percent":
            return f"{value * 100:.1f}%"
        if kind == "money":
            return f"{value:,.2f}"
        if kind == "int" or isinstance(value, int):
            return f"{value:,.0f}"
        return f"{value:,.4f}".rstrip("0").rstrip(".")
    if isinstance(value, dt.date):  # a datetime too, in local time
        return cn_datetime(value)
    return str(value)


@dataclass(frozen=True)
class Verdict:
    """One pass/fail line of the summary (a stage's schools, an indicator's 差异系数)."""

    label: str
    result: str  # 达标, 未达标, 无法评价 ...
    detail: str = ""

    @property
    def failed(self) -> bool:
        return is_failure(self.result)


@dataclass(frozen=True)
class Figure:
    """A chart's data (ECharts shape: categories and named series), written as a small table."""

    caption: str
    categories: list[str]
    series: dict[str, list[float | None]]


@dataclass(frozen=True)
class LineChart:
    """A line chart: one line per series over the categories (school years), drawn in the PDF
    (greyscale-safe: each line its own marker and dash pattern, named in a legend) and written
    in the XLSX as its table with a line chart over it. None is a category without data: a gap
    in the line, never 0; a series with one value shows as one marker. `baseline` draws a
    reference line at that value, named by `baseline_label` (0: level with the lead school)."""

    caption: str
    categories: list[str]
    series: list[tuple[str, list[float | None]]]
    x_title: str = ""
    y_title: str = ""
    unit: str = ""  # of the values, after the y axis title: 差距（指标项）
    baseline: float | None = None
    baseline_label: str = ""
    series_title: str = ""  # what a series is (学校): the table's first header, else the caption

    def __post_init__(self) -> None:
        n = len(self.categories)
        if n == 0:
            raise ValueError(f"图“{self.caption}”没有分类（横轴为空）")
        for name, values in self.series:
            if len(values) != n:
                raise ValueError(f"图“{self.caption}”的“{name}”有{len(values)}个值，应与{n}个分类一一对应")
            for v in values:
                if v is None:
                    continue
                if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
                    raise ValueError(f"图“{self.caption}”的“{name}”有无效的值：{v!r}（无数据用None）")

    @property
    def value_title(self) -> str:
        return f"{self.y_title}（{self.unit}）" if self.unit else self.y_title

    @property
    def empty(self) -> bool:
        """No value at all: nothing to draw (the writers say 暂无数据)."""
        return not any(v is not None for _name, values in self.series for v in values)

    def table(self) -> tuple[list[str], list[list[Any]]]:
        """The chart's data as a table: a row per series, a column per category (None empty)."""
        head = self.series_title or self.caption
        return [head, *self.categories], [[name, *values] for name, values in self.series]

    def payload(self) -> dict[str, Any]:
        """The chart for the page's ECharts (web/charts.js): straight lines, a legend, None a gap."""
        return {
            "kind": "line",
            "categories": self.categories,
            "series": [{"name": name, "data": values} for name, values in self.series],
            "unit": self.unit,
            "legend": True,
            "smooth": False,
        }

    def as_dict(self) -> dict[str, Any]:
        return {
            "caption": self.caption,
            "categories": self.categories,
            "series": [{"name": name, "data": values} for name, values in self.series],
            "x_title": self.x_title,
            "y_title": self.y_title,
            "unit": self.unit,
            **({"baseline": self.baseline, "baseline_label": self.baseline_label}
               if self.baseline is not None else {}),
        }  # fmt: skip


@dataclass
class Section:
    title: str
    headers: list[str] = field(default_factory=list)
    rows: list[list[Any]] = field(default_factory=list)
    note: str = ""  # the basis of the figures, shown above the table
    key: str = ""  # a stable name for JSON and tests ("schools", "ranking")
    paragraphs: list[str] = field(default_factory=list)
    footnotes: list[str] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    charts: list[LineChart] = field(default_factory=list)  # drawn above the table in the PDF
    sheet: str = ""  # the XLSX sheet name, when not derived from the title
    pdf_columns: list[int] | None = None  # a narrower PDF table: these columns only
    pdf_widths: list[float] | None = None  # shares of the page width, one per PDF column
    pdf_row_limit: int = 500
    highlight: dict[str, str] = field(default_factory=dict)  # last-column value -> row colour (PDF)
    kinds: list[ColumnKind] | None = None  # one per header; inferred from the values when None
    level: int = 1  # heading level: 1 一、 2 （一）
    pdf: bool = True  # False: an annex in the workbook only, named at the end of the PDF
    # (row, column) of numbers that fail their standard: marked as failure words are
    failed_cells: set[tuple[int, int]] = field(default_factory=set)

    def column_kinds(self) -> list[ColumnKind]:
        if self.kinds is not None:
            return list(self.kinds)
        sample = self.rows[:2000]
        return [infer_kind([r[i] for r in sample if i < len(r)]) for i in range(len(self.headers))]

    def failed_rows(self) -> list[int]:
        """Indexes of the rows holding a failure (see FAILURES)."""
        flagged = {r for r, _ in self.failed_cells}
        return [i for i, row in enumerate(self.rows) if i in flagged or any(is_failure(v) for v in row)]

    @property
    def sheet_name(self) -> str:
        return (self.sheet or self.title.split("、", 1)[-1])[:31]


@dataclass(frozen=True)
class Signature:
    """The issuing body and date under an official notice (落款), with the stamp's text."""

    body: str
    date: dt.date | None = None
    stamp: str = ""


@dataclass
class Document:
    title: str
    subtitle: str = ""
    issuer: str = ""  # the issuing body (发文单位)
    date: dt.date | None = None
    number: str = ""  # the document number (文号), for notices
    summary: list[tuple[str, str]] = field(default_factory=list)  # key figures
    verdicts: list[Verdict] = field(default_factory=list)  # pass/fail, on the summary page
    failures: list[str] = field(default_factory=list)  # what failed, in words, on the summary page
    paragraphs: list[str] = field(default_factory=list)  # body text before the sections
    sections: list[Section] = field(default_factory=list)
    signature: Signature | None = None
    layout: Layout = "official"
    cover: str = "概况"  # the cover sheet's name (official layout)
    landscape: bool | None = None  # None: each table in the orientation its width needs
    filename: str = ""  # without extension; the title when empty
    audit: dict[str, Any] = field(default_factory=dict)  # what the download's audit event adds

    def section(self, key: str) -> Section:
        for s in self.sections:
            if s.key == key or s.title == key:
                return s
        raise KeyError(key)

    @property
    def rows(self) -> int:
        return sum(len(s.rows) for s in self.sections)

    def as_dict(self) -> dict[str, Any]:
        """The JSON form: sections by key (title when no key)."""
        data: dict[str, Any] = {"title": self.title, "subtitle": self.subtitle}
        if self.issuer:
            data["issuer"] = self.issuer
        if self.date is not None:
            data["date"] = self.date.isoformat()
        if self.number:
            data["number"] = self.number
        data["summary"] = dict(self.summary)
        if self.verdicts:
            data["verdicts"] = [
                {"label": v.label, "result": v.result, "detail": v.detail} for v in self.verdicts
            ]
        if self.failures:
            data["failures"] = self.failures
        if self.paragraphs:
            data["paragraphs"] = self.paragraphs
        data["sections"] = {
            (s.key or s.title): {
                "title": s.title,
                "headers": s.headers,
                "rows": s.rows,
                "note": s.note,
                **({"paragraphs": s.paragraphs} if s.paragraphs else {}),
                **({"footnotes": s.footnotes} if s.footnotes else {}),
                **(
                    {"figures": [{"caption": f.caption, "categories": f.categories, "series": f.series}
                                 for f in s.figures]}
                    if s.figures else {}
                ),
                **({"charts": [c.as_dict() for c in s.charts]} if s.charts else {}),
            }
            for s in self.sections
        }  # fmt: skip
        if self.signature is not None:
            sig = self.signature
            data["signature"] = {
                "body": sig.body,
                "date": sig.date.isoformat() if sig.date else None,
                "stamp": sig.stamp,
            }
        return data
