"""The one scoping point: every page, API endpoint, export and background job asks `scoped()`
for its rows. Each model declares once how its rows relate to areas, schools, classes, teachers
and institutions; a model that declared nothing is refused (fail closed), never shown whole.

    scoped(School, user)                   -> School queryset the user may see
    scoped(SchoolClass.objects.filter(..), user)
    write_scoped(School, user)             -> the rows the user may change (or name in a write)
    ensure_in_scope(obj, user)             -> raises OutOfScope for a row outside the scope
    ensure_references_writable(actor, obj) -> every row obj names lies in the actor's write scope

Who the anchors are (an area, a school, a teacher's classes, an institution, and kinds that apps
register) is in accounts.anchors.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import Q

from edugov.common.errors import ErrorCode, PermissionDenied

from .anchors import AREA_ROLES, Mode, anchors_q

M = TypeVar("M", bound=models.Model)

__all__ = ["AREA_ROLES", "scope_q", "scoped", "write_scoped"]


class ScopeError(ErrorCode):
    OUT_OF_SCOPE = "您无权查看或修改该数据"
    READ_ONLY = "您的账号为只读账号"
    MODULE_DENIED = "您没有“{module}”模块的操作权限"
    ACTION_DENIED = "您的账号无权执行“{action}”"
    REFERENCE_OUT_OF_SCOPE = "“{field}”所选的记录不在您可修改的范围内"


@dataclass(frozen=True)
class ScopeRule:
    """Lookup paths from a model to the anchors of scope. "pk" means the row itself is the anchor.

    area: path to a registry.Area (area roles see rows under their area's subtree)
    school: path to a registry.School id (school administrators, and teachers for school-level rows)
    school_class: path to a registry.SchoolClass id (teachers see their own classes' rows)
    teacher: path to a registry.Teacher id (teachers see their own record)
    institution: path to a tutoring institution id (institution operators)
    """

    area: str | None = None
    school: str | None = None
    school_class: str | None = None
    teacher: str | None = None
    institution: str | None = None
    area_path: str | None = None  # a text field holding an area path (e.g. the audit trail)

    @property
    def anchored(self) -> bool:
        """Whether the rule ties rows to any anchor (reference data such as school years is not)."""
        return any(
            (self.area, self.school, self.school_class, self.teacher, self.institution, self.area_path)
        )


_RULES: dict[type[models.Model], ScopeRule] = {}


def register_scope(**paths: str | None) -> Callable[[type[M]], type[M]]:
    """Class decorator, or call `register_scope(...)(Model)` from an app's ready()."""

    def decorator(model: type[M]) -> type[M]:
        _RULES[model] = ScopeRule(**paths)
        return model

    return decorator


def scope_rule(model: type[models.Model]) -> ScopeRule:
    try:
        return _RULES[model]
    except KeyError:
        raise ImproperlyConfigured(
            f"{model._meta.label} has no scope rule: register one with register_scope()"
        ) from None


def registered_models() -> list[type[models.Model]]:
    return list(_RULES)


def scope_q(model: type[models.Model], user: Any, *, mode: Mode = "read") -> Q | None:
    """The filter for `user` on `model`, or None when the user may see (or, with mode="write",
    change) nothing. Read scope and write scope come from the same anchors: the write scope
    leaves out what an anchor shows only for reading (the areas above a school, a teacher's own
    school record), and a read-only role writes nothing."""
    rule = scope_rule(model)
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.is_superuser:
        return Q()
    if mode == "write" and user.is_read_only:
        return None
    return anchors_q(rule, user, mode)


def scoped(
    model_or_qs: type[M] | models.QuerySet[M], user: Any, *, mode: Mode = "read"
) -> models.QuerySet[M]:
    qs = model_or_qs if isinstance(model_or_qs, models.QuerySet) else model_or_qs._default_manager.all()
    q = scope_q(qs.model, user, mode=mode)
    if q is None:
        return qs.none()
    return qs.filter(q) if q else qs


def write_scoped(model_or_qs: type[M] | models.QuerySet[M], user: Any) -> models.QuerySet[M]:
    """The rows `user` may change (and name in a write): never wider than what they may read."""
    return scoped(model_or_qs, user, mode="write")


def ensure_in_scope(obj: models.Model, user: Any) -> None:
    if not scoped(type(obj)._default_manager.filter(pk=obj.pk), user).exists():
        raise PermissionDenied(ScopeError.OUT_OF_SCOPE)


def ensure_in_write_scope(obj: models.Model, user: Any) -> None:
    if not write_scoped(type(obj)._default_manager.filter(pk=obj.pk), user).exists():
        raise PermissionDenied(ScopeError.OUT_OF_SCOPE)


def ensure_references_writable(
    actor: Any,
    instance: models.Model,
    *,
    fields: list[str] | None = None,
    unchanged: dict[str, Any] | None = None,
) -> None:
    """Every row `instance` names through a foreign key to a scoped model must lie in the actor's
    write scope, so no write (form, API, import, bulk action) can move a row out of its writer's
    reach or attach it to another school's rows. A reference left as it was (`unchanged`: field ->
    value before the write) is allowed: a school administrator keeps the area above its school
    without being able to choose another. `actor` None is the command line or the system."""
    if actor is None or getattr(actor, "is_superuser", False):
        return
    for field in instance._meta.concrete_fields:
        if not isinstance(field, models.ForeignKey) or (fields is not None and field.name not in fields):
            continue
        target = field.related_model
        if target not in _RULES or not _RULES[target].anchored:
            continue
        value = getattr(instance, field.attname)
        if value is None or (unchanged is not None and unchanged.get(field.attname) == value):
            continue
        if not write_scoped(target._default_manager.filter(pk=value), actor).exists():
            raise PermissionDenied(ScopeError.REFERENCE_OUT_OF_SCOPE, field=str(field.verbose_name))
