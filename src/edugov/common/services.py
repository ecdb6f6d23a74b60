"""Shared write helpers (HackSoft style): update only what changed, after validation."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models

M = TypeVar("M", bound=models.Model)


def model_update(
    *, instance: M, fields: list[str], data: dict[str, Any], actor: Any
) -> tuple[M, dict[str, tuple[Any, Any]]]:
    """Set `fields` from `data`, run full_clean, check that every reference the write changes lies
    in the actor's write scope (None: the system), save the changed fields only.

    Returns the instance and the changes as {field: (old, new)} for the audit trail.
    """
    from edugov.accounts.scope import ensure_references_writable

    changes: dict[str, tuple[Any, Any]] = {}
    for field in fields:
        if field not in data:
            continue
        old = getattr(instance, field)
        new = data[field]
        if old != new:
            changes[field] = (old, new)
            setattr(instance, field, new)
    if changes:
        ensure_references_writable(actor, instance, fields=list(changes))
        instance.full_clean()
        instance.save(update_fields=list(changes))
    return instance, changes
