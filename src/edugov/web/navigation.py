"""The module navigation. Each app adds its entries here; an entry shows only to users whose
role grants the module and who may do the entry's policy action (`action`, asked of the module's
permission policy: accounts.policy.role_may). `sidebar()` lays the entries out for one page: one
entry highlighted (the longest URL prefix of the page) and, when the groups would not fit a
laptop screen, the groups away from the current page folded to their headings."""

from __future__ import annotations

from dataclasses import dataclass, field
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

# How many rows (entries plus group headings, about 30 px each) fit under the top bar of a
# 1366x768 laptop (768 - 63 px of top bar - the browser's own chrome): groups beyond it fold.
SIDEBAR_ROWS = 19


def add_nav(item: NavItem) -> None:
    if item not in NAV_ITEMS:
        NAV_ITEMS.append(item)


@dataclass
class SidebarEntry:
    label: str
    url: str
    active: bool = False


@dataclass
class SidebarGroup:
    label: str
    items: list[SidebarEntry] = field(default_factory=list)
    active: bool = False  # holds the current page's entry
    open: bool = True  # shown unfolded


def _matches(path: str, url: str) -> bool:
    if url == "/":
        return path == "/"
    return path == url or path.startswith(url if url.endswith("/") else url + "/")


def sidebar(
    entries: list[tuple[str, str, str]], path: str, *, rows: int = SIDEBAR_ROWS
) -> tuple[SidebarEntry, list[SidebarGroup]]:
    """The home entry and the groups for a page at `path`, from (group label, label, url) entries in
    navigation order. Exactly one entry is active: the one whose URL is the longest prefix of the
    path (none on a page outside the navigation). The active group stays open, then the others in
    order while the rows fit; the rest fold to their heading (a <details> the user can open)."""
    home = SidebarEntry("首页", "/")
    groups: dict[str, SidebarGroup] = {}
    best: SidebarEntry | None = home if path == "/" else None
    best_len = 1 if best else 0
    for group_label, label, url in entries:
        group = groups.setdefault(group_label, SidebarGroup(group_label))
        entry = SidebarEntry(label, url)
        group.items.append(entry)
        if _matches(path, url) and len(url) > best_len:
            best, best_len = entry, len(url)
    if best is not None:
        best.active = True
    ordered = list(groups.values())
    for group in ordered:
        group.active = any(e.active for e in group.items)
    used = 1 + len(ordered)  # the home entry and every heading
    for group in sorted(ordered, key=lambda g: not g.active):  # the active group claims rows first
        group.open = group.active or used + len(group.items) <= rows
        if group.open:
            used += len(group.items)
    return home, ordered


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
