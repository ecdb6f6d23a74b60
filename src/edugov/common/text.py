"""Normalising what Chinese offices type into spreadsheets and forms."""

from __future__ import annotations

import unicodedata

_FULLWIDTH_SPACE = "\u3000"


def normalize_cell(value: str) -> str:
    """Full-width digits and letters to ASCII (NFKC), trailing/leading spaces removed."""
    return unicodedata.normalize("NFKC", value.replace(_FULLWIDTH_SPACE, " ")).strip()


def printable(value: str) -> str:
    """Control characters shown as escapes (\\x00): for echoing bad input back in error lists,
    which PostgreSQL could not store otherwise (no NUL in text or JSON)."""
    if value.isprintable():
        return value
    return "".join(ch if ch.isprintable() or ch == " " else f"\\x{ord(ch):02x}" for ch in value)


def mask_id_number(value: str | None) -> str:
    """Keep the first 6 (region) and last 4 characters of a resident ID number."""
    if not value:
        return ""
    if len(value) <= 10:
        return value[:1] + "*" * (len(value) - 1)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str | None) -> str:
    if not value:
        return ""
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "****" + value[-4:]
