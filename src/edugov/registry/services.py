"""Registry writes. Every write is audited inside its transaction; rows are archived, never
deleted."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from edugov.accounts.policy import ensure_can
from edugov.accounts.scope import ensure_in_write_scope, ensure_references_writable
from edugov.audit.models import AuditAction
from edugov.audit.services import audit_create, audit_delete, audit_update
from edugov.common.errors import DomainError
from edugov.common.services import model_update

from .errors import RegistryError
from .models import (
    SCHOOL_TYPE_GRADES,
    Archivable,
    Area,
    Grade,
    School,
    SchoolClass,
    SchoolType,
)

SCHOOL_EDITABLE_FIELDS = [
    "name",
    "school_type",
    "ownership",
    "urban_rural_code",
    "area",
    "address",
    "longitude",
    "latitude",
    "boarding",
    "is_teaching_point",
    "central_school",
]
CLASS_EDITABLE_FIELDS = ["name", "boys", "girls", "head_teacher"]


def _check_area_parent(*, level: int, parent: Area | None) -> None:
    if level > 1 and (parent is None or parent.level != level - 1):
        from .models import AreaLevel

        raise DomainError(
            RegistryError.PARENT_LEVEL, child=AreaLevel(level).label, expected=AreaLevel(level - 1).label
        )


@transaction.atomic
def area_create(*, code: str, name: str, level: int, parent: Area | None = None, actor: Any = None) -> Area:
    """`actor` None: the command line or the system (fixtures, demo data)."""
    if actor is not None:
        ensure_can(actor, "registry.area_create", parent)
    _check_area_parent(level=level, parent=parent)
    area = Area(code=code, name=name, level=level, parent=parent)
    area.path = area.compute_path()
    area.full_clean()
    ensure_references_writable(actor, area)  # the parent: inside the writer's area
    area.save()
    audit_create(instance=area, actor=actor)
    return area


def _check_school(school: School) -> None:
    if school.is_teaching_point and school.central_school and school.central_school.is_teaching_point:
        raise DomainError(RegistryError.TEACHING_POINT_CENTRAL)


@transaction.atomic
def school_create(*, actor: Any = None, **data: Any) -> School:
    if actor is not None:
        ensure_can(actor, "registry.school_create")
    school = School(**data)
    school.full_clean()
    _check_school(school)
    ensure_references_writable(actor, school)  # its area and central school: inside the writer's reach
    school.save()
    if actor is not None:
        ensure_in_write_scope(school, actor)  # rolls back: nobody creates a school outside their area
    audit_create(instance=school, actor=actor)
    return school


@transaction.atomic
def school_update(*, school: School, actor: Any, data: dict[str, Any]) -> School:
    ensure_can(actor, "registry.school_edit", school)
    school, changes = model_update(instance=school, fields=SCHOOL_EDITABLE_FIELDS, data=data, actor=actor)
    _check_school(school)
    ensure_in_write_scope(school, actor)  # moving a school out of one's own area is not allowed
    audit_update(instance=school, changes=changes, actor=actor)
    return school


def _archive(instance: Archivable, actor: Any) -> None:
    if instance.archived_at is not None:
        raise DomainError(RegistryError.ALREADY_ARCHIVED)
    instance.archived_at = timezone.now()
    instance.save(update_fields=["archived_at"])
    audit_delete(instance=instance, action=AuditAction.ARCHIVE, actor=actor)


@transaction.atomic
def school_archive(*, school: School, actor: Any) -> School:
    ensure_can(actor, "registry.school_archive", school)
    if school.teaching_points.filter(archived_at__isnull=True).exists():
        raise DomainError(RegistryError.SCHOOL_HAS_ACTIVE_POINTS)
    _archive(school, actor)
    return school


def check_grade_offered(*, school: School, grade: int) -> None:
    if grade not in SCHOOL_TYPE_GRADES[SchoolType(school.school_type)]:
        raise DomainError(
            RegistryError.GRADE_NOT_OFFERED,
            school_type=SchoolType(school.school_type).label,
            grade=Grade(grade).label,
        )


@transaction.atomic
def school_class_update(*, school_class: SchoolClass, actor: Any, data: dict[str, Any]) -> SchoolClass:
    ensure_can(actor, "registry.class_edit", school_class)
    head = data.get("head_teacher")
    if head is not None and head.school_id != school_class.school_id:
        raise DomainError(RegistryError.HEAD_TEACHER_OTHER_SCHOOL)
    school_class, changes = model_update(
        instance=school_class, fields=CLASS_EDITABLE_FIELDS, data=data, actor=actor
    )
    audit_update(instance=school_class, changes=changes, actor=actor)
    return school_class
