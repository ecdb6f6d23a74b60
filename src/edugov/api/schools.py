"""Schools (学校): list, detail, create and update within scope. Writes go through
registry.services, which check permission and scope and write the audit trail."""

from __future__ import annotations

from typing import Any

import django_filters
from django.core.validators import RegexValidator
from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from edugov.common.text import normalize_cell
from edugov.registry import services
from edugov.registry.models import Locale, Ownership, School, SchoolType, UrbanRuralCode
from edugov.registry.selectors import area_list, school_list

from .base import ApiViewSet, ChoiceLabelField, ScopedPrimaryKeyField

TAGS = ["学校"]


class SchoolFilter(django_filters.FilterSet):
    area = django_filters.CharFilter(field_name="area__code", lookup_expr="startswith", label="区划代码前缀")
    town = django_filters.CharFilter(field_name="area__code", label="乡镇街道区划代码")
    school_type = django_filters.ChoiceFilter(choices=SchoolType.choices, label="办学类型")
    locale = django_filters.ChoiceFilter(choices=Locale.choices, label="城乡类别")
    ownership = django_filters.ChoiceFilter(choices=Ownership.choices, label="举办者类型")
    urban_rural_code = django_filters.ChoiceFilter(choices=UrbanRuralCode.choices, label="城乡分类代码")
    is_teaching_point = django_filters.BooleanFilter(label="是否教学点")
    boarding = django_filters.BooleanFilter(label="是否寄宿制")
    central_school = django_filters.NumberFilter(field_name="central_school_id", label="所属中心校ID")

    class Meta:
        model = School
        fields = [
            "area",
            "town",
            "school_type",
            "locale",
            "ownership",
            "urban_rural_code",
            "is_teaching_point",
            "boarding",
            "central_school",
        ]


class SchoolOutput(serializers.ModelSerializer):
    area_code = serializers.CharField(source="area.code")
    area_name = serializers.CharField(source="area.name")
    school_type_display = ChoiceLabelField(source="school_type")
    ownership_display = ChoiceLabelField(source="ownership")
    locale_display = ChoiceLabelField(source="locale")

    class Meta:
        model = School
        fields = [
            "id",
            "code",
            "name",
            "school_type",
            "school_type_display",
            "ownership",
            "ownership_display",
            "urban_rural_code",
            "locale",
            "locale_display",
            "area",
            "area_code",
            "area_name",
            "address",
            "longitude",
            "latitude",
            "boarding",
            "is_teaching_point",
            "central_school",
            "archived_at",
        ]


class SchoolUpdateInput(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    school_type = serializers.ChoiceField(choices=SchoolType.choices)
    ownership = serializers.ChoiceField(choices=Ownership.choices)
    urban_rural_code = serializers.ChoiceField(choices=UrbanRuralCode.choices)
    area = ScopedPrimaryKeyField(rows=lambda user: area_list(user=user), help_text="所在乡镇街道ID")
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True)
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True)
    boarding = serializers.BooleanField(required=False)
    is_teaching_point = serializers.BooleanField(required=False)
    central_school = ScopedPrimaryKeyField(
        rows=lambda user: school_list(user=user), required=False, allow_null=True, help_text="所属中心校ID"
    )


class SchoolCodeField(serializers.CharField):
    """Full-width digits, as typed on Chinese keyboards, become ASCII; anything else that is not
    exactly ten ASCII digits is refused (a bare \\d would also accept other scripts' digits)."""

    def to_internal_value(self, data: Any) -> str:
        return normalize_cell(super().to_internal_value(data))


class SchoolCreateInput(SchoolUpdateInput):
    code = SchoolCodeField(
        max_length=20,
        validators=[RegexValidator(r"^[0-9]{10}$", "学校标识码应为10位数字")],
        help_text="10位学校标识码",
    )


@extend_schema_view(
    list=extend_schema(
        summary="学校列表",
        tags=TAGS,
        parameters=[
            OpenApiParameter("include_archived", OpenApiTypes.BOOL, description="包含已归档学校"),
        ],
    ),
    retrieve=extend_schema(summary="学校详情", tags=TAGS),
    create=extend_schema(
        summary="新增学校", tags=TAGS, request=SchoolCreateInput, responses={201: SchoolOutput}
    ),
    update=extend_schema(summary="修改学校", tags=TAGS, request=SchoolUpdateInput, responses=SchoolOutput),
    partial_update=extend_schema(
        summary="修改学校（部分字段）", tags=TAGS, request=SchoolUpdateInput, responses=SchoolOutput
    ),
)
class SchoolViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    Output = SchoolOutput
    CreateInput = SchoolCreateInput
    UpdateInput = SchoolUpdateInput

    serializer_class = SchoolOutput
    filterset_class = SchoolFilter
    policy_actions = {
        "create": "registry.school_create",
        "update": "registry.school_edit",
        "partial_update": "registry.school_edit",
    }
    search_fields = ["name", "code", "address"]
    ordering_fields = ["code", "name", "school_type", "locale", "area__code"]
    ordering = ["code"]

    def get_queryset(self) -> QuerySet[School]:
        include = self.request.query_params.get("include_archived", "").lower() in ("1", "true", "yes")
        return school_list(user=self.request.user, include_archived=include)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.create_with(services.school_create, self.CreateInput, self.Output)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        school = self.get_object()
        data = self.validated_input(self.UpdateInput, partial=kwargs.get("partial", False), instance=school)
        school = services.school_update(school=school, actor=request.user, data=data)
        return Response(self.Output(school).data)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.update(request, *args, partial=True, **kwargs)
