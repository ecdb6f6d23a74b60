"""Shared pieces of the PDF reports: the Chinese CID font built into reportlab (no font file
needed) and paragraphs of plain text. Report text is data (school, exam, unit names typed by
users): reportlab reads paragraph text as markup, so "A&B" or "<" would fail the whole report."""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

FONT = "STSong-Light"


def cjk_font() -> str:
    """Register the Chinese font once per process and return its name."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def para(text: Any, style: Any) -> Any:
    """A paragraph showing `text` literally (None as an em dash)."""
    from reportlab.platypus import Paragraph

    return Paragraph(escape("—" if text is None else str(text)), style)
