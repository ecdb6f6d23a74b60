"""Account writes: creating users with a valid scope anchor and a password that passes the rules."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import password_validation
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db import transaction

from edugov.audit.services import audit_create
from edugov.common.errors import DomainError, PermissionDenied

from .errors import AccountError
from .models import Department, Role, User
from .scope import AREA_ROLES, ensure_in_scope

# The anchor each role's scope hangs on; any other anchor is refused so a scope is never ambiguous.
_ANCHORS = {"area": "管辖区域", "school": "所属学校", "teacher": "对应教师", "institution_id": "所属培训机构"}
_ROLE_ANCHORS: dict[str, set[str]] = {
    **{role: {"area"} for role in AREA_ROLES},
    Role.SCHOOL_ADMIN: {"school"},
    Role.TEACHER: {"teacher", "school"},
    Role.INSTITUTION_OPERATOR: {"institution_id"},
}


def _check_actor(actor: Any) -> None:
    """None is the command line (an operator with shell access); otherwise district admins only."""
    if actor is None or actor.is_superuser:
        return
    if actor.role != Role.DISTRICT_ADMIN:
        raise PermissionDenied(AccountError.NOT_ADMINISTRATOR)


def _check_anchors(*, role: str, anchors: dict[str, Any], department: str) -> None:
    label = Role(role).label
    required = _ROLE_ANCHORS[role]
    for name, value in anchors.items():
        if value is not None and name not in required:
            raise DomainError(AccountError.UNEXPECTED_ANCHOR, role=label, anchor=_ANCHORS[name])
    if role in AREA_ROLES and anchors["area"] is None:
        raise DomainError(AccountError.AREA_REQUIRED, role=label)
    if role == Role.SCHOOL_ADMIN and anchors["school"] is None:
        raise DomainError(AccountError.SCHOOL_REQUIRED)
    if role == Role.TEACHER and anchors["teacher"] is None:
        raise DomainError(AccountError.TEACHER_REQUIRED)
    if role == Role.INSTITUTION_OPERATOR and anchors["institution_id"] is None:
        raise DomainError(AccountError.INSTITUTION_REQUIRED)
    if role == Role.DEPARTMENT_OFFICER and not department:
        raise DomainError(AccountError.DEPARTMENT_REQUIRED)
    if department and department not in Department.values:
        raise DomainError(AccountError.DEPARTMENT_INVALID, department=department)


@transaction.atomic
def user_create(
    *,
    actor: Any,
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
                ensure_in_scope(anchor, actor)
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
