"""Campuses (校区) of the schools in scope, read-only."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers

from edugov.accounts.scope import scoped
from edugov.registry.models import Campus

from .base import ApiViewSet


class CampusFilter(django_filters.FilterSet):
    school = django_filters.NumberFilter(field_name="school_id", label="学校ID")

    class Meta:
        model = Campus
        fields = ["school"]


class CampusOutput(serializers.ModelSerializer):
    school_name = serializers.CharField(source="school.name")

    class Meta:
        model = Campus
        fields = ["id", "school", "school_name", "name", "address", "longitude", "latitude", "archived_at"]


@extend_schema_view(
    list=extend_schema(summary="校区列表", tags=["学校"]),
    retrieve=extend_schema(summary="校区详情", tags=["学校"]),
)
class CampusViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    Output = CampusOutput
    serializer_class = CampusOutput
    filterset_class = CampusFilter
    search_fields = ["name", "school__name"]
    ordering_fields = ["name", "school__code"]
    ordering = ["school__code", "name"]

    def get_queryset(self) -> QuerySet[Campus]:
        return scoped(Campus, self.request.user).filter(archived_at__isnull=True).select_related("school")
