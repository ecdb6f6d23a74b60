"""The `grid_cell` anchor kind: a grid officer (网格员) granted cells reads and keeps those cells
(and nothing else through them)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from edugov.accounts.anchors import AnchorType, Mode
from edugov.accounts.scope import ScopeRule, scope_rule

from .permissions import GRID_OFFICER_ROLES


def _cell_q(rule: ScopeRule, ids: list[int], mode: Mode, user: Any) -> Q | None:
    from .models import GridCell

    if rule is not scope_rule(GridCell):
        return None
    return Q(pk__in=ids)


GRID_CELL = AnchorType("grid_cell", "安全网格", GRID_OFFICER_ROLES, "safety.GridCell", _cell_q)
