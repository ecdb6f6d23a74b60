"""Form widgets shared by every app's pages."""

from __future__ import annotations

from typing import Any

from django import forms

ISO_DATE = "%Y-%m-%d"


class DateInput(forms.DateInput):
    """The browser's date picker (<input type="date">). Its value is always ISO (2026-12-01): left
    to itself Django renders the active language's first input format, 2026/12/01 in Chinese,
    which the browser rejects, so every prefilled date showed empty for Chinese users."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None, format: str | None = None) -> None:
        super().__init__(attrs=attrs, format=format or ISO_DATE)
