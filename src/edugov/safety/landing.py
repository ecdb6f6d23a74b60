"""The safety card on the district cockpit (ModuleSpec.cockpit in apps.py): today's safety
reminders (classes reminded, classes a parent acknowledged) and the open hazards, the major ones
first. Read only, from the module's selectors."""

from __future__ import annotations

from django.utils import timezone

from edugov.accounts.models import User
from edugov.accounts.policy import role_may
from edugov.modules import LandingCard

from . import selectors
from .models import HazardSeverity
from .permissions import action


def cockpit_card(actor: User) -> LandingCard | None:
    if not role_may(actor, action("view")):
        return None
    today = timezone.localdate()
    total = selectors.coverage(actor=actor, day=today, schools=False).total
    classes = total.classes
    acknowledged = total.acknowledged
    hazards = [h for h in selectors.hazard_rows(actor=actor) if h["open"]]
    return LandingCard(
        "safety/landing/cockpit.html",
        {
            "day": today,
            "classes": classes,
            "sent": total.sent,
            "acknowledged": acknowledged,
            "share": round(100 * acknowledged / classes) if classes else None,
            "hazards_open": len(hazards),
            "hazards_major": sum(h["severity"] == HazardSeverity.MAJOR for h in hazards),
        },
        order=45,
    )
