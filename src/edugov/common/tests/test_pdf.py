"""Report text is shown literally: markup characters in names never break a PDF."""

from __future__ import annotations

import io

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import SimpleDocTemplate

from edugov.common.pdf import cjk_font, para


def test_names_with_markup_characters_build_a_pdf():
    style = ParagraphStyle("s", fontName=cjk_font(), fontSize=9)
    paragraph = para("A&B <实验> 学校", style)
    assert paragraph.getPlainText() == "A&B <实验> 学校"
    out = io.BytesIO()
    SimpleDocTemplate(out).build([paragraph, para(None, style)])
    assert out.getvalue().startswith(b"%PDF")
