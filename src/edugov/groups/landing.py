"""The group head's landing card (ModuleSpec.landing): for each group the head holds a `group` grant
of, the eight unifications still without activity this term and the members that hosted none."""

from __future__ import annotations

from django.utils import timezone

from edugov.accounts.anchors import user_anchors
from edugov.accounts.models import User
from edugov.accounts.policy import role_may
from edugov.modules import LandingCard

from . import selectors
from .models import SchoolGroup
from .permissions import action
from .services import term_label, term_of


def head_card(actor: User) -> LandingCard | None:
    """Nothing for a school administrator heading no group (the card is the head's to-do)."""
    if not role_may(actor, action("school_view")):
        return None
    ids = user_anchors(actor).get("group", [])
    if not ids:
        return None
    term = term_of(timezone.localdate())
    rows = []
    for group in SchoolGroup.objects.filter(pk__in=ids, end_date__isnull=True).select_related("lead_school"):
        unifications = selectors.unification_rows(group, term)
        credited = selectors.member_activity(group, term)
        rows.append(
            {
                "group": group,
                "missing": [u.label for u in unifications if u.missing_this_term],
                "silent": [c.school_name for c in credited if not c.hosted],
                "members": len(credited),
            }
        )
    if not rows:
        return None
    return LandingCard("groups/landing/head.html", {"rows": rows, "term": term_label(term)}, order=30)
