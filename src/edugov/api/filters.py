"""The filter backend of every API list: django-filter's, with each number filter bounded to what a
64-bit column holds. Beyond it, a foreign key lookup (`?school=2**63`) reached the database, where
SQLite's driver raises OverflowError and PostgreSQL an out-of-range error: a 500 instead of a 400.
Bounding here covers declared filtersets and those built from `filterset_fields` alike."""

from __future__ import annotations

from typing import Any

import django_filters
from django_filters.rest_framework import DjangoFilterBackend

from edugov.common.bounds import MAX_INT, MIN_INT, OUT_OF_RANGE

BOUND_MESSAGES = {"max_value": OUT_OF_RANGE, "min_value": OUT_OF_RANGE}


def bound_number_filters(filterset: django_filters.FilterSet) -> None:
    """Give each number filter of this filterset instance the 64-bit range (unless it declares a
    narrower one) and a Chinese message for values outside it."""
    for flt in filterset.filters.values():
        if not isinstance(flt, django_filters.NumberFilter):
            continue
        flt.extra["min_value"] = max(flt.extra.get("min_value", MIN_INT), MIN_INT)
        flt.extra["max_value"] = min(flt.extra.get("max_value", MAX_INT), MAX_INT)
        flt.extra["error_messages"] = {**BOUND_MESSAGES, **flt.extra.get("error_messages", {})}
        flt.__dict__.pop("_field", None)  # built before the bound was set: rebuild it with it


class FilterBackend(DjangoFilterBackend):
    def get_filterset(self, request: Any, queryset: Any, view: Any) -> django_filters.FilterSet | None:
        filterset = super().get_filterset(request, queryset, view)
        if filterset is not None:
            bound_number_filters(filterset)
        return filterset
