"""Who may see the periodic jobs and start one: the district administrator (and superusers)."""

from __future__ import annotations

from enum import StrEnum

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser

from edugov.accounts.models import Role
from edugov.common.errors import PermissionDenied

from .errors import SchedulerError


class SchedulerAction(StrEnum):
    VIEW = "view"
    RUN = "run"


ROLES: dict[SchedulerAction, frozenset[str]] = {
    SchedulerAction.VIEW: frozenset({Role.DISTRICT_ADMIN}),
    SchedulerAction.RUN: frozenset({Role.DISTRICT_ADMIN}),
}


def can(actor: AbstractBaseUser | AnonymousUser | None, action: SchedulerAction) -> bool:
    if actor is None or not actor.is_authenticated or not actor.is_active:
        return False
    return bool(getattr(actor, "is_superuser", False)) or getattr(actor, "role", None) in ROLES[action]


def ensure_can(actor: AbstractBaseUser | AnonymousUser | None, action: SchedulerAction) -> None:
    if not can(actor, action):
        raise PermissionDenied(SchedulerError.ADMIN_ONLY)
