"""Rectification's landing card for a responsible unit (a school, an institution): its to-do,
the open items by deadline with the overdue ones first (ModuleSpec.landing)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q

from edugov.accounts.models import User
from edugov.accounts.policy import role_may
from edugov.modules import LandingCard

from . import selectors
from .models import WORKING_STATUSES, ItemStatus

DUE_SOON_DAYS = 14  # an item due within two weeks is listed as due
LISTED = 8  # items listed on the card; the rest are behind the link to 我的整改


def unit_card(actor: User) -> LandingCard | None:
    if not role_may(actor, "rectification.unit_items"):
        return None
    today = selectors.today()
    soon = today + dt.timedelta(days=DUE_SOON_DAYS)
    items = selectors.item_list(user=actor, open_only=True)
    working = Q(status__in=WORKING_STATUSES)
    counts = items.aggregate(
        open=Count("pk"),
        overdue=Count("pk", filter=working & Q(deadline__lt=today)),
        due=Count("pk", filter=working & Q(deadline__gte=today, deadline__lte=soon)),
        checking=Count("pk", filter=Q(status=ItemStatus.EVIDENCE_SUBMITTED)),
    )
    listed = list(items.filter(working, deadline__lte=soon).order_by("deadline", "pk")[:LISTED])
    rows = [
        {
            "item": item,
            "overdue_days": item.days_overdue(today),
            "days_left": (item.deadline - today).days,
        }
        for item in listed
    ]
    return LandingCard(
        "rectification/landing/unit.html",
        {"counts": counts, "rows": rows, "soon_days": DUE_SOON_DAYS, "own_school_id": actor.school_id},
        order=10,
    )
