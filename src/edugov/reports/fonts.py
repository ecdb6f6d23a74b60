"""The PDF's Chinese faces, embedded (subset) in every document: Noto Serif SC (SIL OFL) in three
weights, read by path from the npm package `@expo-google-fonts/noto-serif-sc` (package.json), so
no font file is committed. TrueType outlines, which reportlab embeds as FontFile2 subsets (it
cannot embed CFF-outline OTF). Black stands in for 小标宋 (the title), Bold for 黑体 (一、
headings), Regular for 仿宋 (body and tables). Without the package (a broken install) the
built-in CID font STSong-Light is used, unembedded, and the system check says so."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings

log = logging.getLogger(__name__)

PACKAGE = "@expo-google-fonts/noto-serif-sc"
FILES = {
    "EdugovSerif": "400Regular/NotoSerifSC_400Regular.ttf",
    "EdugovSerif-Bold": "700Bold/NotoSerifSC_700Bold.ttf",
    "EdugovSerif-Black": "900Black/NotoSerifSC_900Black.ttf",
}
FALLBACK = "STSong-Light"


@dataclass(frozen=True)
class Faces:
    body: str
    heading: str
    title: str
    embedded: bool


def font_path(name: str) -> Path:
    return Path(settings.NODE_MODULES) / PACKAGE / FILES[name]


def missing_files() -> list[Path]:
    return [font_path(name) for name in FILES if not font_path(name).is_file()]


@cache
def faces() -> Faces:
    """Register the faces once per process (reading a face is lazy: ~0.05 s each)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfbase.ttfonts import TTFont

    missing = missing_files()
    if missing:
        log.warning("PDF fonts missing (run npm ci): %s; falling back to %s", missing, FALLBACK)
        if FALLBACK not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK))
        return Faces(FALLBACK, FALLBACK, FALLBACK, embedded=False)
    for name in FILES:
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, str(font_path(name))))
    return Faces("EdugovSerif", "EdugovSerif-Bold", "EdugovSerif-Black", embedded=True)
