"""Reading the audit trail, through the scoping point."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from edugov.accounts.policy import role_may
from edugov.accounts.scope import scope_q

from .models import SYSTEM_SCOPE, AuditEvent


def sees_system_events(actor: Any) -> bool:
    """District administrators also see the writes of commands and scheduled jobs that no single
    area owns. The one place this is decided, to become part of the audit module's policy."""
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return False
    return role_may(actor, "web.audit_trail")


def _visible(actor: Any) -> QuerySet[AuditEvent]:
    q = scope_q(AuditEvent, actor)
    if sees_system_events(actor):
        q = Q(area_path=SYSTEM_SCOPE) if q is None else q | Q(area_path=SYSTEM_SCOPE)
    return AuditEvent.objects.none() if q is None else AuditEvent.objects.filter(q)


def audit_event_list(
    *,
    user: Any,
    actor: str = "",
    action: str = "",
    model: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    obj: str = "",
) -> QuerySet[AuditEvent]:
    qs = _visible(user)
    if actor:
        qs = qs.filter(actor_name__icontains=actor)
    if action:
        qs = qs.filter(action=action)
    if model:
        qs = qs.filter(model=model)
    tz = timezone.get_current_timezone()
    if date_from:
        qs = qs.filter(at__gte=dt.datetime.combine(date_from, dt.time.min, tzinfo=tz))
    if date_to:
        qs = qs.filter(at__lt=dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=tz))
    if obj:
        qs = qs.filter(Q(object_id=obj) | Q(object_repr__icontains=obj))
    return qs


def audit_model_labels(*, user: Any) -> list[str]:
    return sorted(m for m in _visible(user).order_by().values_list("model", flat=True).distinct() if m)
