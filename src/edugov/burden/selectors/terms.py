"""Terms, and the compulsory-education schools the bureau's entry forms offer."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from edugov.accounts.scope import scoped
from edugov.registry.models import School, SchoolType, Term
from edugov.registry.selectors import current_school_year

from ..models import (
    Homework,
)

COMPULSORY_GRADES = range(1, 10)
COMPULSORY_TYPES = (SchoolType.PRIMARY, SchoolType.JUNIOR, SchoolType.NINE_YEAR)


def term_list() -> list[Term]:
    return list(Term.objects.select_related("school_year").order_by("-start_date"))


def default_term(*, user: Any) -> Term | None:
    """The term of the latest published homework the user may see; else the current year's term
    containing today; else the current year's first term."""
    latest = scoped(Homework, user).order_by("-date").values_list("date", flat=True).first()
    day = latest or timezone.localdate()
    term = Term.objects.select_related("school_year").filter(start_date__lte=day, end_date__gte=day).first()
    if term is not None:
        return term
    year = current_school_year()
    if year is None:
        return None
    return Term.objects.select_related("school_year").filter(school_year=year).order_by("start_date").first()


def school_choices(*, user: Any, writable: bool = False) -> list[tuple[int, str]]:
    """The compulsory-education schools in the user's scope (for the bureau's entry forms; with
    `writable`, only those the user may register for: the write scope)."""
    return list(
        scoped(School, user, mode="write" if writable else "read")
        .filter(archived_at__isnull=True, school_type__in=COMPULSORY_TYPES, is_teaching_point=False)
        .order_by("code")
        .values_list("pk", "name")
    )
