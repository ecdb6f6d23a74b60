"""Shared write helpers (HackSoft style): update only what changed, after validation."""

from __future__ import annotations

from typing import Any

from django.db import models


def model_update(
    *, instance: models.Model, fields: list[str], data: dict[str, Any]
) -> tuple[models.Model, dict[str, tuple[Any, Any]]]:
    """Set `fields` from `data`, run full_clean, save the changed fields only.

    Returns the instance and the changes as {field: (old, new)} for the audit trail.
    """
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
        instance.full_clean()
        instance.save(update_fields=list(changes))
    return instance, changes
