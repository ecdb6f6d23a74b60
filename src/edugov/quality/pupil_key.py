"""The pseudonymous pupil key: results are stored under an HMAC of the pupil's national student
number (全国学籍号) with the deployment's secret, computed at import. The number itself and the
pupil's name are never stored; the same number gives the same key in every year and school, so the
same pupils can be followed between two assessments, and nobody without the secret can go back."""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings

KEY_LENGTH = 32  # hex characters: 128 bits, no collision in any district's lifetime


def _secret() -> bytes:
    # A dedicated secret survives a rotation of SECRET_KEY (which would re-key every pupil);
    # without one the deployment's SECRET_KEY is used.
    secret = getattr(settings, "QUALITY_PUPIL_KEY_SECRET", "") or settings.SECRET_KEY
    return str(secret).encode("utf-8")


def normalise_student_number(raw: str) -> str:
    """学籍号 as schools type it: spaces dropped, letters upper-case ("g3101..." is "G3101...")."""
    return "".join(raw.split()).upper()


def pupil_key(student_number: str) -> str:
    digest = hmac.new(_secret(), normalise_student_number(student_number).encode("utf-8"), hashlib.sha256)
    return digest.hexdigest()[:KEY_LENGTH]
