"""Terms on the party pages read as people say them, never as the stored code."""

from __future__ import annotations

import pytest

from edugov.party.templatetags.party_terms import term_label


@pytest.mark.parametrize(
    ("code", "label"),
    [
        ("2026-2027-1", "2026-2027学年第一学期"),
        ("2025-2026-2", "2025-2026学年第二学期"),
        ("2026-2027-3", "2026-2027-3"),  # not a term: shown as it came, never dropped
        ("", ""),
        (None, ""),
    ],
)
def test_term_label(code: str | None, label: str) -> None:
    assert term_label(code) == label
