"""Registry reads, always through the scoping point."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum

from edugov.accounts.scope import scoped

from .models import Area, School, SchoolClass, SchoolYear, Teacher


def current_school_year() -> SchoolYear | None:
    return SchoolYear.objects.filter(is_current=True).first() or SchoolYear.objects.first()


def area_list(*, user: Any) -> QuerySet[Area]:
    return scoped(Area, user).filter(archived_at__isnull=True)


def school_list(
    *,
    user: Any,
    search: str = "",
    area: Area | None = None,
    school_type: str = "",
    locale: str = "",
    ownership: str = "",
    include_archived: bool = False,
) -> QuerySet[School]:
    qs = scoped(School, user).select_related("area", "central_school")
    if not include_archived:
        qs = qs.filter(archived_at__isnull=True)
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(code__startswith=search))
    if area is not None:
        qs = qs.filter(area__path__startswith=area.path)
    if school_type:
        qs = qs.filter(school_type=school_type)
    if locale:
        qs = qs.filter(locale=locale)
    if ownership:
        qs = qs.filter(ownership=ownership)
    return qs


def school_class_list(
    *,
    user: Any,
    school_year: SchoolYear | None = None,
    school: School | None = None,
    grade: int | None = None,
    min_size: int | None = None,
) -> QuerySet[SchoolClass]:
    qs = scoped(SchoolClass, user).filter(archived_at__isnull=True).select_related("school", "school_year")
    if school_year is not None:
        qs = qs.filter(school_year=school_year)
    if school is not None:
        qs = qs.filter(school=school)
    if grade is not None:
        qs = qs.filter(grade=grade)
    if min_size is not None:
        qs = qs.annotate(size=F("boys") + F("girls")).filter(size__gte=min_size)
    return qs


def teacher_list(*, user: Any, school: School | None = None) -> QuerySet[Teacher]:
    qs = scoped(Teacher, user).filter(archived_at__isnull=True).select_related("school")
    if school is not None:
        qs = qs.filter(school=school)
    return qs


def enrolment_totals(*, user: Any, school_year: SchoolYear) -> dict[str, int]:
    agg = (
        scoped(SchoolClass, user)
        .filter(school_year=school_year, archived_at__isnull=True)
        .aggregate(classes=Count("id"), boys=Sum("boys"), girls=Sum("girls"))
    )
    return {k: int(v or 0) for k, v in agg.items()}
