"""Areas (行政区划): read-only, within the user's scope."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers

from edugov.registry.models import Area, AreaLevel
from edugov.registry.selectors import area_list

from .base import ApiViewSet, ChoiceLabelField


class AreaFilter(django_filters.FilterSet):
    code = django_filters.CharFilter(field_name="code", lookup_expr="startswith", label="区划代码前缀")
    level = django_filters.ChoiceFilter(choices=AreaLevel.choices, label="层级")
    parent = django_filters.CharFilter(field_name="parent__code", label="上级区划代码")

    class Meta:
        model = Area
        fields = ["code", "level", "parent"]


class AreaOutput(serializers.ModelSerializer):
    parent_code = serializers.CharField(source="parent.code", allow_null=True, default=None)
    level_display = ChoiceLabelField(source="level")

    class Meta:
        model = Area
        fields = ["id", "code", "name", "level", "level_display", "parent", "parent_code", "path"]


@extend_schema_view(
    list=extend_schema(summary="行政区划列表", tags=["区划"]),
    retrieve=extend_schema(summary="行政区划详情", tags=["区划"]),
)
class AreaViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    Output = AreaOutput
    serializer_class = AreaOutput
    filterset_class = AreaFilter
    search_fields = ["name", "code"]
    ordering_fields = ["code", "name", "level", "path"]
    ordering = ["path"]

    def get_queryset(self) -> QuerySet[Area]:
        return area_list(user=self.request.user).select_related("parent")
