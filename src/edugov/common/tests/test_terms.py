"""One term name for every module: the common function, and the groups service and party filter
being that same function (not copies that could drift)."""

from __future__ import annotations

import pytest
from django.template import Context, Template

from edugov.common.terms import TERM_RE, term_label
from edugov.groups import services as groups_services
from edugov.party.templatetags import party_terms


@pytest.mark.parametrize(
    ("code", "label"),
    [
        ("2026-2027-1", "2026-2027学年第一学期"),
        ("2025-2026-2", "2025-2026学年第二学期"),
        ("2026-2027-3", "2026-2027-3"),  # no third term: shown as it came
        ("2026-2027-1 ", "2026-2027-1 "),  # not a code either: never trimmed into one
        ("其他", "其他"),
        ("", ""),
        (None, ""),
    ],
)
def test_term_label(code: str | None, label: str) -> None:
    assert term_label(code) == label


def test_term_code_pattern() -> None:
    assert TERM_RE.match("2024-2025-2") is not None
    assert TERM_RE.match("2024-2025") is None


def test_groups_and_party_use_the_common_function() -> None:
    assert groups_services.term_label is term_label
    assert party_terms.register.filters["term_label"] is term_label
    page = Template("{% load party_terms %}{{ code|term_label }}").render(Context({"code": "2026-2027-2"}))
    assert page == "2026-2027学年第二学期"
