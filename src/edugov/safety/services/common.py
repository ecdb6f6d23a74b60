"""Shared pieces of the safety writes: the clock, text and photo checks, counts, terms, the bureau's group."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone

from edugov.accounts.models import User
from edugov.accounts.policy import can, ensure_can, role_may
from edugov.common.errors import DomainError
from edugov.registry.models import Term

from .. import rules
from ..errors import SafetyError as E
from ..permissions import action

HAZARD_SOURCE = "safety.hazard"


BUREAU = "bureau:safety"  # the bureau's safety office's group, as the channel names it


IMAGE_TYPES = ("image/jpeg", "image/png", "image/webp")


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def _text(value: str, *, field: str, max_length: int) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(E.REQUIRED, field=field)
    if len(value) > max_length:
        raise DomainError(E.BAD_FIELD, field=field, reason=f"不能超过 {max_length} 字")
    return value


def _ensure_either(actor: User, name: str, obj: object) -> None:
    """The safety office's action or the school's own ("school_<name>"); the refusal names the
    one the actor's role could hold."""
    if can(actor, action(f"school_{name}"), obj):
        return
    ensure_can(
        actor, action(f"school_{name}") if role_may(actor, action(f"school_{name}")) else action(name), obj
    )


def photo_check(photo: UploadedFile | None) -> None:
    """A photo is an image no larger than the data's limit (checked before anything is written)."""
    if photo is None:
        return
    limit = rules.photo_max_bytes()
    if (photo.size or 0) > limit:
        raise DomainError(E.PHOTO_TOO_LARGE, mb=limit // (1024 * 1024))
    if (photo.content_type or "") not in IMAGE_TYPES:
        raise DomainError(E.PHOTO_NOT_IMAGE)


def term_of(on: dt.date) -> Term:
    """The term a date belongs to: the last term started on or before it (a vacation day counts
    for the term before)."""
    term = Term.objects.filter(start_date__lte=on).order_by("-start_date").first()
    if term is None:
        raise DomainError(E.NO_TERM)
    return term


def _past_date(on: dt.date | None, now: dt.datetime) -> dt.date:
    if on is None:
        raise DomainError(E.REQUIRED, field="日期")
    if on > timezone.localdate(now):
        raise DomainError(E.FUTURE_DATE)
    return on


def _count(value: int | None, *, field: str, low: int, high: int) -> int:
    if value is None:
        raise DomainError(E.REQUIRED, field=field)
    if not low <= value <= high:
        raise DomainError(E.BAD_FIELD, field=field, reason=f"应在 {low} 到 {high} 之间")
    return value
