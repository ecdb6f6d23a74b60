"""The one document model of every official output (self-assessment tables, monthly reports,
notices, supervision reports, list exports): a title, the issuing body and date, summary pairs,
sections of paragraphs, one table each (column headers, rows, footnotes) and figures, and a
signature block for the official format. Builders return it; the writers and pages render it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

# official: a cover sheet (title, summary) then one titled sheet per section;
# data: one sheet per section, the header in the first row (to filter and pivot);
# single: one sheet and one page flow, a notice (title, number, text, table, signature).
Layout = Literal["official", "data", "single"]


@dataclass(frozen=True)
class Figure:
    """A chart's data (ECharts shape: categories and named series), written as a small table."""

    caption: str
    categories: list[str]
    series: dict[str, list[float | None]]


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
    sheet: str = ""  # the XLSX sheet name, when not derived from the title
    pdf_columns: list[int] | None = None  # a narrower PDF table: these columns only
    pdf_widths: list[float] | None = None  # shares of the page width, one per PDF column
    pdf_row_limit: int = 500
    highlight: dict[str, str] = field(default_factory=dict)  # last-column value -> row colour (PDF)

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
    summary: list[tuple[str, str]] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)  # body text before the sections
    sections: list[Section] = field(default_factory=list)
    signature: Signature | None = None
    layout: Layout = "official"
    cover: str = "概况"  # the cover sheet's name (official layout)
    landscape: bool = True
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
