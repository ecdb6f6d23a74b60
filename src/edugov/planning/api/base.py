"""REST API of planning: shared tags and helpers."""

from __future__ import annotations

from typing import Any

from edugov.accounts.scope import write_scoped
from edugov.registry.models import Area

TAGS = ["学位与布局"]


def _write_town(actor: Any, pk: int) -> Area | None:
    return write_scoped(Area, actor).filter(pk=pk).first()
