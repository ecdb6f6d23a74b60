"""The anchors a scope hangs on, as data. A user's scope is the union of their anchors: the one
their account hangs on (a district admin's area, a school administrator's school, a teacher's
classes, an operator's institution) and the grants an administrator added (ScopeGrant rows).

Each anchor kind is registered with the roles that may hold it and how it narrows a model's rows,
for reading and for writing apart: a school administrator reads the areas above its school (for
navigation) but writes only inside the school. Apps add kinds (a school group, a safety grid
cell) with `register_anchor_type`, without touching the user model.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import TYPE_CHECKING, Any, Literal

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q

from .models import Role

if TYPE_CHECKING:
    from .models import User
    from .scope import ScopeRule

Mode = Literal["read", "write"]


@dataclass(frozen=True)
class RoleAnchor:
    """What an account of a role hangs on: the anchor kind and the user fields it needs (named as
    in accounts.services.user_create; the first one holds the anchor's id)."""

    kind: str
    fields: tuple[str, ...]
    department: bool = False  # officers work in a department


# The one table of which anchor each role's account hangs on (the account creation checks, the
# scope and the demo accounts all read it).
ROLE_ANCHORS: dict[str, RoleAnchor] = {
    Role.DISTRICT_ADMIN: RoleAnchor("area", ("area",)),
    Role.DEPARTMENT_OFFICER: RoleAnchor("area", ("area",), department=True),
    Role.INSPECTOR: RoleAnchor("area", ("area",)),
    Role.LEADER: RoleAnchor("area", ("area",)),
    Role.SCHOOL_ADMIN: RoleAnchor("school", ("school",)),
    Role.TEACHER: RoleAnchor("classes", ("teacher", "school")),
    Role.INSTITUTION_OPERATOR: RoleAnchor("institution", ("institution_id",)),
}
AREA_ROLES = frozenset(role for role, anchor in ROLE_ANCHORS.items() if anchor.kind == "area")


def _attname(field: str) -> str:
    return field if field.endswith("_id") else f"{field}_id"


# How an anchor kind narrows a model: (the model's rule, the anchor ids, read or write, the user)
# -> a filter, or None when the kind says nothing about that model.
ToQ = Callable[["ScopeRule", list[int], Mode, Any], Q | None]


@dataclass(frozen=True)
class AnchorType:
    kind: str
    label: str
    roles: frozenset[str]  # the roles that may hold a grant of this kind
    model: str  # "app_label.Model" the object ids point at (for the grant form and its checks)
    to_q: ToQ


@dataclass(frozen=True)
class Anchor:
    kind: str
    object_id: int


_TYPES: dict[str, AnchorType] = {}


def register_anchor_type(anchor_type: AnchorType) -> None:
    _TYPES[anchor_type.kind] = anchor_type


def anchor_type(kind: str) -> AnchorType:
    try:
        return _TYPES[kind]
    except KeyError:
        raise ImproperlyConfigured(f"unknown scope anchor kind {kind!r}: register it first") from None


def anchor_types() -> list[AnchorType]:
    return list(_TYPES.values())


def _path(prefix: str, suffix: str) -> str:
    if prefix == "pk":
        return suffix if suffix != "pk" else "pk"
    return f"{prefix}__{suffix}" if suffix != "pk" else prefix


def _in(prefix: str, suffix: str = "pk") -> str:
    """The `__in` lookup of a path (works for a foreign key and for a plain id column alike)."""
    return f"{_path(prefix, suffix)}__in"


def _any(qs: Iterable[Q]) -> Q | None:
    qs = list(qs)
    return reduce(or_, qs) if qs else None


# -- the built-in kinds ------------------------------------------------------------------------


def _area_paths(ids: list[int], user: Any) -> list[str]:
    from edugov.registry.models import Area

    own = getattr(user, "area", None)
    if own is not None and ids == [own.pk]:
        return [own.path]  # the account's own area, already loaded: no query
    return list(Area.objects.filter(pk__in=ids).values_list("path", flat=True))


def _area_q(rule: ScopeRule, ids: list[int], mode: Mode, user: Any) -> Q | None:
    paths = _area_paths(ids, user)
    if rule.area_path is not None:
        return _any(Q(**{f"{rule.area_path}__startswith": p}) for p in paths)
    if rule.area is None:
        return None
    return _any(Q(**{_path(rule.area, "path__startswith"): p}) for p in paths)


def ancestor_areas_q(rule: ScopeRule, school_ids: Iterable[int]) -> Q | None:
    """The areas above some schools (for reading only: navigation shows the district's name)."""
    if rule.area != "pk":
        return None
    from edugov.registry.models import School

    codes: set[str] = set()
    for path in School.objects.filter(pk__in=list(school_ids)).values_list("area__path", flat=True):
        codes.update(c for c in (path or "").strip("/").split("/") if c)
    return Q(code__in=sorted(codes)) if codes else None


def schools_q(rule: ScopeRule, school_ids: list[int], mode: Mode) -> Q | None:
    """Rows of some schools and of their teaching points; reading also reaches the areas above."""
    if rule.school is not None:
        return Q(**{_in(rule.school): school_ids}) | Q(**{_in(rule.school, "central_school_id"): school_ids})
    return ancestor_areas_q(rule, school_ids) if mode == "read" else None


def _school_q(rule: ScopeRule, ids: list[int], mode: Mode, user: Any) -> Q | None:
    return schools_q(rule, ids, mode)


def _classes_q(rule: ScopeRule, ids: list[int], mode: Mode, user: Any) -> Q | None:
    """A teacher's classes (those they teach or head). Reading also shows the teacher's own record,
    their school's record and the areas above; writing reaches the classes' rows only."""
    from edugov.registry.models import SchoolClass, Teacher

    if rule.school_class is not None:
        classes = SchoolClass.objects.filter(Q(assignments__teacher_id__in=ids) | Q(head_teacher_id__in=ids))
        return Q(**{_in(rule.school_class): classes.values("pk")})
    if mode == "write":
        return None
    if rule.teacher is not None:
        return Q(**{_in(rule.teacher): ids})
    school_ids = list(Teacher.objects.filter(pk__in=ids).values_list("school_id", flat=True))
    if rule.school == "pk":
        return Q(pk__in=school_ids)
    return ancestor_areas_q(rule, school_ids)


def _institution_q(rule: ScopeRule, ids: list[int], mode: Mode, user: Any) -> Q | None:
    if rule.institution is None:
        return None
    return Q(**{_in(rule.institution): ids})


def school_set_anchor(
    *, kind: str, label: str, roles: frozenset[str], model: str, school_ids: Callable[[list[int]], Any]
) -> AnchorType:
    """An anchor that stands for a set of schools (a school group's members, say): `school_ids`
    maps the anchor ids to a values list / queryset of school ids."""

    def to_q(rule: ScopeRule, ids: list[int], mode: Mode, user: Any) -> Q | None:
        return schools_q(rule, list(school_ids(ids)), mode)

    return AnchorType(kind=kind, label=label, roles=roles, model=model, to_q=to_q)


register_anchor_type(AnchorType("area", "区域（含下级）", AREA_ROLES, "registry.Area", _area_q))
register_anchor_type(
    AnchorType("school", "学校（含教学点）", AREA_ROLES | {Role.SCHOOL_ADMIN}, "registry.School", _school_q)
)
register_anchor_type(
    AnchorType("classes", "教师任教班级", frozenset({Role.TEACHER}), "registry.Teacher", _classes_q)
)
register_anchor_type(
    AnchorType(
        "institution",
        "培训机构",
        frozenset({Role.INSTITUTION_OPERATOR}),
        "tutoring.Institution",
        _institution_q,
    )
)


# -- a user's anchors ----------------------------------------------------------------------------


def home_anchor(user: User) -> Anchor | None:
    """The anchor the account itself hangs on (its role's row in ROLE_ANCHORS), once every field
    the role needs is set."""
    anchor = ROLE_ANCHORS.get(user.role)
    if anchor is None or not all(getattr(user, _attname(f)) for f in anchor.fields):
        return None
    return Anchor(anchor.kind, getattr(user, _attname(anchor.fields[0])))


def holdable_kinds(role: str) -> frozenset[str]:
    """The anchor kinds a role may be granted (each kind registers the roles that may hold it)."""
    return frozenset(kind for kind, anchor_type in _TYPES.items() if role in anchor_type.roles)


_MEMO = "_edugov_anchors"


def user_anchors(user: User) -> dict[str, list[int]]:
    """Anchor ids by kind: the home anchor and every grant (one query, cached on the user object
    for the request)."""
    cached = getattr(user, _MEMO, None)
    if cached is not None:
        return dict(cached)
    anchors: dict[str, list[int]] = {}
    home = home_anchor(user)
    if home is not None:
        anchors[home.kind] = [home.object_id]
    if user.pk is not None and user.has_grants:
        holdable = holdable_kinds(user.role)  # a grant left from an earlier role gives nothing
        for kind, object_id in user.grants.values_list("kind", "object_id"):
            if kind in holdable:
                ids = anchors.setdefault(kind, [])
                if object_id not in ids:
                    ids.append(object_id)
    setattr(user, _MEMO, anchors)  # per-request memo, not a model field (request.user may be lazy)
    return dict(anchors)


def forget_anchors(user: User) -> None:
    if hasattr(user, _MEMO):
        delattr(user, _MEMO)


def anchors_q(rule: ScopeRule, user: User, mode: Mode) -> Q | None:
    return _any(
        q
        for kind, ids in user_anchors(user).items()
        if (q := _TYPES[kind].to_q(rule, sorted(ids), mode, user)) is not None
    )
