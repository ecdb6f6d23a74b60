"""Account reads: the accounts an administrator administers, and their scope grants."""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q, QuerySet

from .anchors import anchor_type, anchor_types
from .models import ScopeGrant, User
from .scope import write_scoped

GRANT_CHOICES_LIMIT = 500  # per kind: a district has a few hundred schools at most


def administered_users(*, actor: User) -> QuerySet[User]:
    """Accounts hanging on an area or a school inside the administrator's write scope."""
    if actor.is_superuser:
        return User.objects.all()
    if actor.area is None:
        return User.objects.none()
    path = actor.area.path
    return User.objects.filter(
        Q(area__path__startswith=path) | Q(school__area__path__startswith=path), is_active=True
    )


@dataclass(frozen=True)
class GrantRow:
    grant: ScopeGrant
    kind_label: str
    target: str


def grant_rows(*, actor: User) -> list[GrantRow]:
    grants = (
        ScopeGrant.objects.filter(user__in=administered_users(actor=actor))
        .select_related("user", "granted_by")
        .order_by("user__username", "kind", "object_id")
    )
    rows = []
    for g in grants:
        try:
            anchor = anchor_type(g.kind)
        except ImproperlyConfigured:  # a kind whose module was removed: shown by its code
            rows.append(GrantRow(g, g.kind, f"#{g.object_id}"))
            continue
        target = apps.get_model(anchor.model)._default_manager.filter(pk=g.object_id).first()
        shown = str(target) if target is not None else f"#{g.object_id}（已删除）"
        rows.append(GrantRow(g, anchor.label, shown))
    return rows


def grant_target_choices(*, actor: User) -> list[tuple[str, list[tuple[str, str]]]]:
    """What an administrator may grant, by kind: ("区域（含下级）", [("area:12", "乙镇"), ...])."""
    groups = []
    for anchor in anchor_types():
        if anchor.kind == "classes":  # a teacher's classes follow the teaching assignments
            continue
        model = apps.get_model(anchor.model)
        rows = write_scoped(model, actor).order_by("pk")[:GRANT_CHOICES_LIMIT]
        options = [(f"{anchor.kind}:{row.pk}", str(row)) for row in rows]
        if options:
            groups.append((anchor.label, options))
    return groups
