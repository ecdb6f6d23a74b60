"""The daily risk recomputation as a background task (the task only calls the service)."""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from edugov.audit.context import acting


@task()
def risk_compute_daily(day: str = "") -> int:
    from django.utils import timezone

    from .services import risk_compute

    on = dt.date.fromisoformat(day) if day else timezone.localdate()
    with acting(actor=None, source="task"):
        return risk_compute(on=on)
