"""Resources' landing card for a school: its own 优质均衡 key indicators this school year, met or
not, per stage (ModuleSpec.landing)."""

from __future__ import annotations

from edugov.accounts.models import User
from edugov.accounts.policy import role_may
from edugov.common.errors import DomainError
from edugov.modules import LandingCard

from . import selectors


def school_card(actor: User) -> LandingCard | None:
    if not actor.school_id or not role_may(actor, "resources.own_school_card"):
        return None
    try:
        year = selectors.school_year_for(None)
        card = selectors.school_card(user=actor, school_id=actor.school_id, school_year=year)
    except DomainError as exc:  # no school year yet, a kindergarten, a school without data
        return LandingCard("resources/landing/school.html", {"message": exc.message}, order=30)
    stages = [
        {
            "label": s.stage_label,
            "passed": s.passed,
            "verdict": s.verdict,
            "met": s.met_count,
            "total": len(s.indicators),
            "failed": [i for i in s.indicators if i.met is False],
        }
        for s in card.results
    ]
    return LandingCard(
        "resources/landing/school.html",
        {"year": year, "stages": stages, "guarantee_failures": len(card.guarantee_failures)},
        order=30,
    )
