"""Town B's party rows for the scope and write walks (tests/test_scope_walk.py): school B's status
(with a brand named after it) and a term's meeting counts."""

from __future__ import annotations

from typing import Any

from edugov.party.models import MeetingCount, PartyStatus


def add_town_b_party(w: Any) -> None:
    PartyStatus.objects.create(
        school=w.school_b, org_kind="branch", rules_adopted=True, office_rules_adopted=True,
        brand=f"{w.school_b.name}党建品牌",
    )  # fmt: skip
    MeetingCount.objects.create(
        school=w.school_b,
        term=f"{w.year.start_year}-{w.year.start_year + 1}-1",
        party_meetings=4,
        office_meetings=6,
    )
