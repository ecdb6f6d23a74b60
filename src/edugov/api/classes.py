"""Classes (班级) with enrolment by sex and the computed size; updates go through
registry.services.school_class_update (permission, scope, audit)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import F, QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from edugov.registry import services
from edugov.registry.models import Grade, Locale, SchoolClass, SchoolType
from edugov.registry.selectors import school_class_list, teacher_list

from .base import ApiViewSet, ChoiceLabelField, ScopedPrimaryKeyField

TAGS = ["班级"]


class SchoolClassFilter(django_filters.FilterSet):
    school = django_filters.NumberFilter(field_name="school_id", label="学校ID")
    school_code = django_filters.CharFilter(field_name="school__code", label="学校标识码")
    area = django_filters.CharFilter(
        field_name="school__area__code", lookup_expr="startswith", label="区划代码前缀"
    )
    town = django_filters.CharFilter(field_name="school__area__code", label="乡镇街道区划代码")
    school_type = django_filters.ChoiceFilter(
        field_name="school__school_type", choices=SchoolType.choices, label="办学类型"
    )
    locale = django_filters.ChoiceFilter(
        field_name="school__locale", choices=Locale.choices, label="城乡类别"
    )
    school_year = django_filters.NumberFilter(field_name="school_year__start_year", label="学年起始年份")
    grade = django_filters.ChoiceFilter(choices=Grade.choices, label="年级")
    min_size = django_filters.NumberFilter(field_name="size", lookup_expr="gte", label="班额不少于")
    max_size = django_filters.NumberFilter(field_name="size", lookup_expr="lte", label="班额不多于")

    class Meta:
        model = SchoolClass
        fields = [
            "school",
            "school_code",
            "area",
            "town",
            "school_type",
            "locale",
            "school_year",
            "grade",
            "min_size",
            "max_size",
        ]


class SchoolClassOutput(serializers.ModelSerializer):
    school_code = serializers.CharField(source="school.code")
    school_name = serializers.CharField(source="school.name")
    school_year_start = serializers.IntegerField(source="school_year.start_year")
    grade_display = ChoiceLabelField(source="grade")
    size = serializers.IntegerField(source="enrolment", help_text="班额（男生数+女生数）")

    class Meta:
        model = SchoolClass
        fields = [
            "id",
            "school",
            "school_code",
            "school_name",
            "school_year",
            "school_year_start",
            "grade",
            "grade_display",
            "number",
            "name",
            "boys",
            "girls",
            "size",
            "head_teacher",
            "archived_at",
        ]


class SchoolClassUpdateInput(serializers.Serializer):
    name = serializers.CharField(max_length=32, required=False, allow_blank=True)
    boys = serializers.IntegerField(min_value=0, max_value=200, required=False)
    girls = serializers.IntegerField(min_value=0, max_value=200, required=False)
    head_teacher = ScopedPrimaryKeyField(
        rows=lambda user: teacher_list(user=user),
        required=False,
        allow_null=True,
        help_text="班主任（教师ID）",
    )


@extend_schema_view(
    list=extend_schema(summary="班级列表", tags=TAGS),
    retrieve=extend_schema(summary="班级详情", tags=TAGS),
    partial_update=extend_schema(
        summary="修改班级（名称、男女生数、班主任）",
        tags=TAGS,
        request=SchoolClassUpdateInput,
        responses=SchoolClassOutput,
    ),
)
class SchoolClassViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    Output = SchoolClassOutput
    UpdateInput = SchoolClassUpdateInput

    serializer_class = SchoolClassOutput
    filterset_class = SchoolClassFilter
    policy_actions = {"partial_update": "registry.class_edit"}
    search_fields = ["name", "school__name", "school__code"]
    ordering_fields = ["school__code", "grade", "number", "size", "boys", "girls", "school_year__start_year"]
    ordering = ["school__code", "grade", "number"]

    def get_queryset(self) -> QuerySet[SchoolClass]:
        return school_class_list(user=self.request.user).annotate(size=F("boys") + F("girls"))

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        school_class = self.get_object()
        data = self.validated_input(self.UpdateInput, partial=True, instance=school_class)
        school_class = services.school_class_update(school_class=school_class, actor=request.user, data=data)
        return Response(self.Output(school_class).data)
