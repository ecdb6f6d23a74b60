"""The module navigation. Each app adds its entries here; an entry shows only to users whose
role grants the module and who may do the entry's policy action (`action`, asked of the module's
permission policy: accounts.policy.role_may)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Entries that belong to no business module (audit trail, administration): roles decide alone.
SYSTEM_MODULE = "system"


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    module: str
    action: str | None = None  # a policy action ("burden.homework_publish"): shown to who may do it


NAV_ITEMS: list[NavItem] = []


def add_nav(item: NavItem) -> None:
    if item not in NAV_ITEMS:
        NAV_ITEMS.append(item)


def district_name_for(user: Any) -> str:
    """The district (区县) a user works in, for the top bar; cached on the user object."""
    cached = getattr(user, "_edugov_district_name", None)
    if cached is not None:
        return str(cached)
    from edugov.registry.models import Area, AreaLevel

    path = ""
    if getattr(user, "area_id", None):
        path = user.area.path  # the scoping point loads user.area on most pages anyway
    elif getattr(user, "school_id", None):
        path = Area.objects.filter(schools__pk=user.school_id).values_list("path", flat=True).first() or ""
    codes = [c for c in path.strip("/").split("/") if c]
    name = ""
    if codes:
        # The district is the third level of the tree; users above it see their own area's name.
        code = codes[AreaLevel.DISTRICT - 1] if len(codes) >= AreaLevel.DISTRICT else codes[-1]
        name = Area.objects.filter(code=code).values_list("name", flat=True).first() or ""
    user._edugov_district_name = name
    return name
