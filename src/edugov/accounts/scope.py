"""The one scoping point: every page, API endpoint, export and background job asks `scoped()`
for its rows. Each model declares once how its rows relate to areas, schools, classes, teachers
and institutions; a model that declared nothing is refused (fail closed), never shown whole.

    scoped(School, user)                   -> School queryset the user may see
    scoped(SchoolClass.objects.filter(..), user)
    ensure_in_scope(obj, user)             -> raises OutOfScope for a row outside the scope
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import Q

from edugov.common.errors import ErrorCode, PermissionDenied

from .models import Role, User

M = TypeVar("M", bound=models.Model)

AREA_ROLES = frozenset({Role.DISTRICT_ADMIN, Role.DEPARTMENT_OFFICER, Role.INSPECTOR, Role.LEADER})


class ScopeError(ErrorCode):
    OUT_OF_SCOPE = "您无权查看或修改该数据"
    READ_ONLY = "您的账号为只读账号"
    MODULE_DENIED = "您没有“{module}”模块的操作权限"


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


def _path(prefix: str, suffix: str) -> str:
    if prefix == "pk":
        return suffix if suffix != "pk" else "pk"
    return f"{prefix}__{suffix}" if suffix != "pk" else prefix


def _area_filter(rule: ScopeRule, user: User) -> Q | None:
    if user.area is None:
        return None
    if rule.area_path is not None:
        return Q(**{f"{rule.area_path}__startswith": user.area.path})
    if rule.area is None:
        return None
    return Q(**{_path(rule.area, "path__startswith"): user.area.path})


def _school_filter(rule: ScopeRule, school_id: int) -> Q | None:
    """A school's own rows and those of its teaching points."""
    if rule.school is None:
        return None
    return Q(**{_path(rule.school, "pk"): school_id}) | Q(
        **{_path(rule.school, "central_school_id"): school_id}
    )


def _ancestor_areas_of_school(rule: ScopeRule, school_id: int) -> Q | None:
    """Users anchored at a school see the areas above it (for navigation), nothing more."""
    if rule.area != "pk":
        return None
    from edugov.registry.models import School

    path = School.objects.filter(pk=school_id).values_list("area__path", flat=True).first()
    if not path:
        return None
    codes = [c for c in path.strip("/").split("/") if c]
    return Q(code__in=codes)


def _teacher_class_ids(user: User) -> models.QuerySet[Any]:
    from edugov.registry.models import SchoolClass

    return SchoolClass.objects.filter(
        Q(assignments__teacher_id=user.teacher_id) | Q(head_teacher_id=user.teacher_id)
    ).values("pk")


def scope_q(model: type[models.Model], user: Any) -> Q | None:
    """The filter for `user` on `model`, or None when the user may see nothing."""
    rule = scope_rule(model)
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.is_superuser:
        return Q()
    role = user.role
    if role in AREA_ROLES:
        return _area_filter(rule, user)
    if role == Role.SCHOOL_ADMIN and user.school_id:
        return _school_filter(rule, user.school_id) or _ancestor_areas_of_school(rule, user.school_id)
    if role == Role.TEACHER and user.teacher_id and user.school_id:
        if rule.school_class is not None:
            return Q(**{_path(rule.school_class, "pk__in"): _teacher_class_ids(user)})
        if rule.teacher is not None:
            return Q(**{_path(rule.teacher, "pk"): user.teacher_id})
        if rule.school == "pk":  # the teacher's own school record
            return Q(pk=user.school_id)
        return _ancestor_areas_of_school(rule, user.school_id)
    if role == Role.INSTITUTION_OPERATOR and user.institution_id and rule.institution is not None:
        return Q(**{_path(rule.institution, "pk"): user.institution_id})
    return None


def scoped(model_or_qs: type[M] | models.QuerySet[M], user: Any) -> models.QuerySet[M]:
    qs = model_or_qs if isinstance(model_or_qs, models.QuerySet) else model_or_qs._default_manager.all()
    q = scope_q(qs.model, user)
    if q is None:
        return qs.none()
    return qs.filter(q) if q else qs


def ensure_in_scope(obj: models.Model, user: Any) -> None:
    if not scoped(type(obj)._default_manager.filter(pk=obj.pk), user).exists():
        raise PermissionDenied(ScopeError.OUT_OF_SCOPE)


def ensure_can_write(user: Any, *, module: str) -> None:
    """Read-only leaders never write; others write only in the modules their role grants."""
    if getattr(user, "is_read_only", True) and not getattr(user, "is_superuser", False):
        raise PermissionDenied(ScopeError.READ_ONLY)
    if not user.is_superuser and module not in user.modules:
        from .models import Module

        raise PermissionDenied(ScopeError.MODULE_DENIED, module=Module(module).label)
