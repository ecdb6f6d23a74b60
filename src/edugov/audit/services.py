"""Writing the audit trail. Services call these inside their transaction, so an audit record
exists exactly when the change it describes was committed; and since every write records one,
these are also where cached figures learn that data changed (common.cache, on commit)."""

from __future__ import annotations

import datetime as dt
import decimal
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import Count
from django.forms.models import model_to_dict

from edugov.accounts.scope import scope_rule
from edugov.common.cache import bump_on_commit

from .context import current
from .models import SYSTEM_SCOPE, SYSTEM_SOURCES, AuditAction, AuditEvent

# Audit actions that change no data: they leave cached figures as they are.
NON_DATA_ACTIONS = frozenset(
    {AuditAction.LOGIN, AuditAction.LOGIN_FAILED, AuditAction.LOGOUT, AuditAction.EXPORT}
)


def _data_changed(actions: Iterable[str]) -> None:
    """Cached figures recompute after this transaction commits (never if it rolls back)."""
    if any(a not in NON_DATA_ACTIONS for a in actions):
        bump_on_commit()


def _jsonable(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def snapshot(instance: models.Model) -> dict[str, Any]:
    """Field values of a row, JSON-ready, for before/after comparison."""
    fields = [f.name for f in instance._meta.concrete_fields]
    data = model_to_dict(instance, fields=fields)
    data["id"] = instance.pk
    for f in instance._meta.concrete_fields:  # encrypted personal data: a keyed hash, never plaintext
        if hasattr(f, "audit_value"):
            data[f.name] = f.audit_value(data[f.name])
    return {k: _jsonable(v) for k, v in data.items()}


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}


def _actor() -> tuple[Any, str]:
    ctx = current()
    actor = ctx.actor
    if hasattr(actor, "resolve"):
        actor = actor.resolve()
    return actor, (actor.get_username() if actor is not None else "")


def _scope_chain(instance: models.Model) -> tuple[str, ...]:
    """The lookup from the row's model to its area as declared for `scoped()` (a milestone's is
    `task__area`), so the audit row is seen by whoever may see the row itself."""
    try:
        # _meta.model, not type(): the request's user reaches here wrapped in a SimpleLazyObject.
        rule = scope_rule(instance._meta.model)
    except ImproperlyConfigured:
        return ()
    return (rule.area.replace("__", "."),) if rule.area and rule.area != "pk" else ()


def _area_path(instance: models.Model | None) -> str:
    if instance is None:
        return ""
    path = getattr(instance, "path", None)
    if isinstance(path, str):  # an area itself
        return path
    for chain in ("area", "school.area", "school_class.school.area", *_scope_chain(instance)):
        obj: Any = instance
        for part in chain.split("."):
            # a to-many step (a plan's schools) names no single area: the chain does not apply
            obj = getattr(obj, part, None) if isinstance(obj, models.Model) else None
        if isinstance(obj, models.Model) and hasattr(obj, "path"):
            return str(obj.path)
    return ""


def audit_record(
    *,
    action: str,
    instance: models.Model | None = None,
    changes: dict[str, Any] | None = None,
    model_label: str = "",
    object_id: str = "",
    object_repr: str = "",
    import_batch_id: int | None = None,
    actor: Any = None,
    area_path: str | None = None,
) -> AuditEvent:
    ctx = current()
    resolved_actor, name = (actor, actor.get_username()) if actor is not None else _actor()
    area = area_path if area_path is not None else _area_path(instance)
    if not area and ctx.source in SYSTEM_SOURCES:
        area = SYSTEM_SCOPE  # a command's or job's write no area owns: still in someone's trail
    _data_changed([action])
    return AuditEvent.objects.create(
        actor=resolved_actor,
        actor_name=name,
        ip_address=ctx.ip_address,
        source=ctx.source,
        action=action,
        model=model_label or (instance._meta.label if instance is not None else ""),
        object_id=object_id or (str(instance.pk) if instance is not None else ""),
        object_repr=(object_repr or (str(instance) if instance is not None else ""))[:200],
        changes=changes or {},
        import_batch_id=import_batch_id,
        area_path=area,
    )


def audit_create(*, instance: models.Model, actor: Any = None) -> AuditEvent:
    return audit_record(
        action=AuditAction.CREATE, instance=instance, changes={"after": snapshot(instance)}, actor=actor
    )


def audit_update(
    *, instance: models.Model, changes: dict[str, tuple[Any, Any]], actor: Any = None
) -> AuditEvent | None:
    if not changes:
        return None
    return audit_record(
        action=AuditAction.UPDATE,
        instance=instance,
        changes={k: [_jsonable(old), _jsonable(new)] for k, (old, new) in changes.items()},
        actor=actor,
    )


def audit_delete(
    *, instance: models.Model, action: str = AuditAction.DELETE, actor: Any = None
) -> AuditEvent:
    return audit_record(action=action, instance=instance, changes={"before": snapshot(instance)}, actor=actor)


def audit_bulk(*, events: Iterable[AuditEvent]) -> None:
    """For bulk writes (imports, findings sync): they bypass signals and per-row creates, so log
    them in bulk; the cached figures move on commit like any other write's."""
    rows = list(events)
    _data_changed(e.action for e in rows)
    AuditEvent.objects.bulk_create(rows, batch_size=2000)


def _row_area_counts(rows: models.QuerySet[Any]) -> dict[str, int]:
    """Rows per area path, following the model's declared scope rule to its area."""
    try:
        rule = scope_rule(rows.model)
    except ImproperlyConfigured:
        return {}
    if rule.area_path:
        lookup = rule.area_path
    elif rule.area:
        lookup = "path" if rule.area == "pk" else f"{rule.area}__path"
    else:
        return {}
    counted = rows.order_by().values(lookup).annotate(n=Count("pk")).values_list(lookup, "n")
    return {path: n for path, n in counted if path}


def _prefixes(path: str) -> list[str]:
    codes = [c for c in path.strip("/").split("/") if c]
    return ["/" + "/".join(codes[: i + 1]) + "/" for i in range(len(codes))]


def _common_area(paths: Iterable[str]) -> str:
    chains = [_prefixes(p) for p in paths]
    common = ""
    for level in zip(*chains, strict=False):
        if len(set(level)) != 1:
            break
        common = level[0]
    return common


def _by_district(counts: dict[str, int]) -> list[tuple[str, int]]:
    """Group row areas by the district (or the higher area) above them; each group is recorded at
    the lowest area covering its rows, which is inside the district."""
    from edugov.registry.models import Area, AreaLevel

    prefixes = {p for path in counts for p in _prefixes(path)}
    levels = dict(Area.objects.filter(path__in=prefixes).values_list("path", "level"))
    groups: dict[str, list[str]] = defaultdict(list)
    for path in counts:
        above = [p for p in _prefixes(path) if levels.get(p, AreaLevel.TOWN) <= AreaLevel.DISTRICT]
        groups[above[-1] if above else path].append(path)
    return sorted(
        (_common_area(paths) or anchor, sum(counts[p] for p in paths)) for anchor, paths in groups.items()
    )


def audit_rows_write(
    *,
    action: str,
    rows: models.QuerySet[Any],
    object_repr: str,
    changes: dict[str, Any],
    object_id: str = "",
    import_batch_id: int | None = None,
    actor: Any = None,
) -> list[AuditEvent]:
    """Audit one write of many rows that no page made (a command, a scheduled job, a CLI import):
    one event in each district the written rows lie in, at the lowest area covering them there, so
    that district's administrators see it and no other district does; one event under the system
    scope when the rows name no area. `rows` are the rows written."""
    label = rows.model._meta.label
    groups = _by_district(_row_area_counts(rows))
    if not groups:
        return [
            audit_record(
                action=action,
                model_label=label,
                object_id=object_id,
                object_repr=object_repr,
                changes=changes,
                import_batch_id=import_batch_id,
                actor=actor,
                area_path=SYSTEM_SCOPE,
            )
        ]
    return [
        audit_record(
            action=action,
            model_label=label,
            object_id=object_id,
            object_repr=object_repr,
            changes={**changes, "area_rows": n},
            import_batch_id=import_batch_id,
            actor=actor,
            area_path=path,
        )
        for path, n in groups
    ]
