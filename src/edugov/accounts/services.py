"""Account writes: creating users with a valid scope anchor and a password that passes the rules."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import password_validation
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db import transaction

from edugov.audit.models import AuditAction
from edugov.audit.services import _area_path, audit_create, audit_record
from edugov.common.errors import DomainError, PermissionDenied

from .anchors import ROLE_ANCHORS
from .errors import AccountError
from .models import Department, Role, ScopeGrant, User
from .scope import ensure_in_write_scope, write_scoped

# The anchor each role's scope hangs on (anchors.ROLE_ANCHORS); any other anchor is refused so a
# scope is never ambiguous.
_ANCHORS = {"area": "管辖区域", "school": "所属学校", "teacher": "对应教师", "institution_id": "所属培训机构"}
_MISSING = {
    "area": AccountError.AREA_REQUIRED,
    "school": AccountError.SCHOOL_REQUIRED,
    "teacher": AccountError.TEACHER_REQUIRED,
    "institution_id": AccountError.INSTITUTION_REQUIRED,
}


def _check_actor(actor: User | None) -> None:
    """None is the command line (an operator with shell access); otherwise district admins only."""
    if actor is None or actor.is_superuser:
        return
    from .policy import can

    if not can(actor, "accounts.user_create"):
        raise PermissionDenied(AccountError.NOT_ADMINISTRATOR)


def _check_anchors(*, role: str, anchors: dict[str, Any], department: str) -> None:
    label = Role(role).label
    home = ROLE_ANCHORS[role]
    for name, value in anchors.items():
        if value is not None and name not in home.fields:
            raise DomainError(AccountError.UNEXPECTED_ANCHOR, role=label, anchor=_ANCHORS[name])
    for name in home.fields:
        if anchors[name] is None:
            raise DomainError(_MISSING[name], role=label)
    if home.department and not department:
        raise DomainError(AccountError.DEPARTMENT_REQUIRED)
    if department and department not in Department.values:
        raise DomainError(AccountError.DEPARTMENT_INVALID, department=department)


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    username: str,
    role: str,
    password: str,
    area: Any = None,
    school: Any = None,
    teacher: Any = None,
    institution_id: int | None = None,
    department: str = "",
    display_name: str = "",
    phone: str = "",
) -> User:
    """Create an account. `actor` None means the command line; a district administrator may
    create accounts anchored inside their own area only."""
    _check_actor(actor)
    username = (username or "").strip()
    if not username:
        raise DomainError(AccountError.USERNAME_REQUIRED)
    try:
        UnicodeUsernameValidator()(username)
    except ValidationError:
        raise DomainError(AccountError.USERNAME_INVALID) from None
    if len(username) > 150:
        raise DomainError(AccountError.USERNAME_INVALID)
    if role not in Role.values:
        raise DomainError(AccountError.ROLE_INVALID, role=role)
    if teacher is not None and school is None:
        school = teacher.school  # a teacher's account is anchored at the teacher's school too
    anchors = {"area": area, "school": school, "teacher": teacher, "institution_id": institution_id}
    _check_anchors(role=role, anchors=anchors, department=department)
    if actor is not None:
        for anchor in (area, school, teacher):
            if anchor is not None:
                ensure_in_write_scope(anchor, actor)
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError(AccountError.USERNAME_TAKEN, username=username)

    user = User(
        username=username,
        role=role,
        area=area,
        school=school,
        teacher=teacher,
        institution_id=institution_id,
        department=department,
        display_name=display_name,
        phone=phone,
    )
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise DomainError(AccountError.PASSWORD_INVALID, reasons="".join(exc.messages)) from None
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    event = audit_create(instance=user)
    # The password hash never goes into the audit trail.
    event.changes.get("after", {}).pop("password", None)
    event.save(update_fields=["changes"])
    return user


def _user_in_admin_scope(actor: User, user: User) -> bool:
    """A user is administered by whoever may write the anchor the account hangs on."""
    from .anchors import anchor_type, home_anchor

    home = home_anchor(user)
    if home is None:
        return False
    from django.apps import apps

    model = apps.get_model(anchor_type(home.kind).model)
    if home.kind == "classes":  # a teacher's account hangs on the teacher's school too
        from edugov.registry.models import School

        if user.school_id is None:
            return False
        return write_scoped(School.objects.filter(pk=user.school_id), actor).exists()
    return write_scoped(model._default_manager.filter(pk=home.object_id), actor).exists()


@transaction.atomic
def grant_add(*, actor: User, user: User, kind: str, object_id: int) -> ScopeGrant:
    """Give `user` one more anchor of scope (an inspector another town, a group head a group).
    The anchored row must lie in the granting administrator's own write scope."""
    from django.apps import apps

    from .anchors import _TYPES, forget_anchors
    from .policy import ensure_can

    ensure_can(actor, "accounts.grant")
    if kind not in _TYPES:
        raise DomainError(AccountError.GRANT_KIND_INVALID, kind=kind)
    anchor = _TYPES[kind]
    if user.role not in anchor.roles:
        raise DomainError(AccountError.GRANT_ROLE_MISMATCH, role=Role(user.role).label, kind=anchor.label)
    if not actor.is_superuser and not _user_in_admin_scope(actor, user):
        raise PermissionDenied(AccountError.USER_OUT_OF_SCOPE)
    model = apps.get_model(anchor.model)
    target = write_scoped(model, actor).filter(pk=object_id).first()
    if target is None:
        raise DomainError(AccountError.GRANT_TARGET_MISSING, kind=anchor.label, object_id=object_id)
    if ScopeGrant.objects.filter(user=user, kind=kind, object_id=object_id).exists():
        raise DomainError(AccountError.GRANT_DUPLICATE)
    grant = ScopeGrant.objects.create(user=user, kind=kind, object_id=object_id, granted_by=actor)
    User.objects.filter(pk=user.pk).update(has_grants=True)
    user.has_grants = True
    audit_record(
        action=AuditAction.CREATE,
        instance=grant,
        changes={"after": {"用户": user.username, "范围类型": anchor.label, "对象": str(target)}},
        area_path=_area_path(target),
        actor=actor,
    )
    forget_anchors(user)
    return grant


@transaction.atomic
def grant_remove(*, actor: User, grant: ScopeGrant) -> None:
    from .anchors import _TYPES, forget_anchors
    from .policy import ensure_can

    ensure_can(actor, "accounts.grant")
    if not actor.is_superuser and not _user_in_admin_scope(actor, grant.user):
        raise PermissionDenied(AccountError.USER_OUT_OF_SCOPE)
    label = _TYPES[grant.kind].label if grant.kind in _TYPES else grant.kind
    audit_record(
        action=AuditAction.DELETE,
        instance=grant,
        changes={"before": {"用户": grant.user.username, "范围类型": label, "对象编号": grant.object_id}},
        area_path=_user_area_path(grant.user),
        actor=actor,
    )
    grant.delete()
    user = grant.user
    user.has_grants = ScopeGrant.objects.filter(user=user).exists()
    User.objects.filter(pk=user.pk).update(has_grants=user.has_grants)
    forget_anchors(user)


def _user_area_path(user: User) -> str:
    if user.area is not None:
        return user.area.path
    if user.school is not None:
        return user.school.area.path
    return ""
