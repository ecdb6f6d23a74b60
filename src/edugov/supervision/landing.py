"""Supervision's landing card for an inspector (责任督学): the visit plan, the plans they are assigned
to that run now, start soon or are past their end with schools not yet visited, and their visit
records still in draft (ModuleSpec.landing)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from edugov.accounts.models import User
from edugov.accounts.policy import role_may
from edugov.modules import LandingCard

from . import selectors
from .models import VisitStatus

UPCOMING_DAYS = 30  # plans starting within a month are listed
LISTED = 8


def inspector_card(actor: User) -> LandingCard | None:
    if not role_may(actor, "supervision.plan_view"):
        return None
    today = timezone.localdate()
    plans = (
        selectors.plan_list(actor=actor)
        .filter(inspectors=actor, start_date__lte=today + dt.timedelta(days=UPCOMING_DAYS))
        .order_by("end_date", "pk")
    )
    overdue: list[dict[str, Any]] = []
    current: list[dict[str, Any]] = []
    upcoming: list[dict[str, Any]] = []
    for plan in plans:
        annotated: Any = plan  # plan_list annotates its schools and submitted visits
        left = int(annotated.n_schools) - int(annotated.n_submitted)
        row: dict[str, Any] = {"plan": plan, "left": left, "days": (plan.end_date - today).days}
        if plan.end_date < today:
            if left > 0:
                row["days"] = (today - plan.end_date).days
                overdue.append(row)
        elif plan.start_date <= today:
            current.append(row)
        else:
            row["days"] = (plan.start_date - today).days
            upcoming.append(row)
    drafts = list(
        selectors.visit_list(actor=actor)
        .filter(inspector=actor, status=VisitStatus.DRAFT)
        .order_by("visited_on", "pk")[:LISTED]
    )
    return LandingCard(
        "supervision/landing/inspector.html",
        {
            "overdue": overdue[:LISTED],
            "current": current[:LISTED],
            "upcoming": upcoming[:LISTED],
            "drafts": drafts,
            "upcoming_days": UPCOMING_DAYS,
        },
        order=10,
    )
