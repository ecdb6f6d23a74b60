"""The module navigation. Each app adds its entries here; an entry shows only to users whose
role grants the module."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    module: str
    roles: frozenset[str] | None = None  # None: every role with the module


NAV_ITEMS: list[NavItem] = []


def add_nav(item: NavItem) -> None:
    if item not in NAV_ITEMS:
        NAV_ITEMS.append(item)
