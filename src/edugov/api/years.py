"""School years and terms (学年、学期), read-only."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers

from edugov.registry.models import SchoolYear, Term

from .base import ApiViewSet, ChoiceLabelField


class TermOutput(serializers.ModelSerializer):
    number_display = ChoiceLabelField(source="number")

    class Meta:
        model = Term
        fields = ["id", "school_year", "number", "number_display", "start_date", "end_date"]


class SchoolYearOutput(serializers.ModelSerializer):
    name = serializers.CharField(source="__str__")
    terms = TermOutput(many=True, read_only=True)

    class Meta:
        model = SchoolYear
        fields = ["id", "start_year", "name", "start_date", "end_date", "is_current", "terms"]


# School years and terms are the district-wide calendar, the same for every user: not scoped rows.
@extend_schema_view(
    list=extend_schema(summary="学年列表", tags=["学年学期"]),
    retrieve=extend_schema(summary="学年详情", tags=["学年学期"]),
)
class SchoolYearViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    Output = SchoolYearOutput
    serializer_class = SchoolYearOutput
    filterset_fields = ["start_year", "is_current"]
    ordering_fields = ["start_year"]
    ordering = ["-start_year"]

    def get_queryset(self) -> QuerySet[SchoolYear]:
        return SchoolYear.objects.prefetch_related("terms")


class TermFilter(django_filters.FilterSet):
    school_year = django_filters.NumberFilter(field_name="school_year__start_year", label="学年起始年份")

    class Meta:
        model = Term
        fields = ["school_year", "number"]


@extend_schema_view(
    list=extend_schema(summary="学期列表", tags=["学年学期"]),
    retrieve=extend_schema(summary="学期详情", tags=["学年学期"]),
)
class TermViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    Output = TermOutput
    serializer_class = TermOutput
    filterset_class = TermFilter
    ordering_fields = ["start_date"]
    ordering = ["start_date"]

    def get_queryset(self) -> QuerySet[Term]:
        return Term.objects.all()
