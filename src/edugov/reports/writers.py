"""The one XLSX, PDF and JSON writer of a `Document`: `render(doc, fmt)`. The PDF (`pdf.py`) is
set as a government document with the Chinese faces embedded (`fonts.py`); the XLSX (`xlsx.py`)
keeps numbers as numbers, fits its columns and prints on A4; text cells a spreadsheet would run as
a formula get a leading apostrophe (`neutralise`)."""

from __future__ import annotations

import json

from .document import Document
from .xlsx import neutralise, render_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONTENT_TYPES = {"xlsx": XLSX, "pdf": "application/pdf", "json": "application/json; charset=utf-8"}
FORMATS = tuple(CONTENT_TYPES)

__all__ = ["CONTENT_TYPES", "FORMATS", "neutralise", "render", "render_json", "render_pdf", "render_xlsx"]


def render_pdf(doc: Document) -> bytes:
    from .pdf import render_pdf as write  # reportlab is imported only when a PDF is asked for

    return write(doc)


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
