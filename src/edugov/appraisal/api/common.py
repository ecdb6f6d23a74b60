"""Shared pieces of the appraisal REST API: tags, reference row sets, a school's scheme."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from edugov.common.errors import DomainError
from edugov.registry.models import Area, AreaLevel, School, SchoolYear

from .. import selectors
from ..errors import AppraisalError as E
from ..models import (
    Scheme,
)

TAGS = ["学校考核"]


def _schools(user: Any) -> QuerySet[School]:
    return School.objects.filter(archived_at__isnull=True)


def _districts(user: Any) -> QuerySet[Area]:
    return Area.objects.filter(level=AreaLevel.DISTRICT)


def _school_scheme(school: School, school_year: SchoolYear) -> Scheme:
    scheme = selectors.scheme_for_school(school=school, school_year=school_year)
    if scheme is None:
        raise DomainError(E.NO_SCHEME)
    return scheme
