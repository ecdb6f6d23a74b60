"""The party coverage card: the district's progress toward the year's target (share covered, days
left, the schools not yet covered), shown on the district cockpit (ModuleSpec.cockpit in apps.py)."""

from __future__ import annotations

from django.utils import timezone

from edugov.accounts.models import User
from edugov.accounts.policy import role_may
from edugov.modules import LandingCard

from . import selectors
from .permissions import action
from .services import term_of

LISTED = 8  # schools named on the card; the rest are behind the link to the coverage page


def coverage_card(actor: User) -> LandingCard | None:
    if not role_may(actor, action("view")):
        return None
    today = timezone.localdate()
    c = selectors.coverage(actor=actor, today=today, term=term_of(today))
    if not c.schools:
        return None
    uncovered = [r for r in c.rows if not r.covered]
    return LandingCard(
        "party/landing/coverage.html",
        {
            "schools": c.schools,
            "covered": c.covered,
            "share": c.share,
            "needed": c.needed,
            "target": c.target,
            "days_left": c.days_left,
            "overdue": c.overdue,
            "uncovered": uncovered[:LISTED],
            "uncovered_count": len(uncovered),
        },
        order=40,
    )
