"""Teachers (教师) and teaching assignments (任课安排), read-only. ID numbers and phones are
masked unless the reader may see them (registry.teacher_identifiers: a district administrator,
or the administrator of the teacher's school)."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers

from edugov.accounts.scope import scoped
from edugov.common.text import mask_id_number, mask_phone
from edugov.registry.models import Sex, Teacher, TeachingAssignment
from edugov.registry.permissions import identifier_reader
from edugov.registry.selectors import teacher_list

from .base import ApiViewSet


class TeacherFilter(django_filters.FilterSet):
    school = django_filters.NumberFilter(field_name="school_id", label="学校ID")
    school_code = django_filters.CharFilter(field_name="school__code", label="学校标识码")
    area = django_filters.CharFilter(
        field_name="school__area__code", lookup_expr="startswith", label="区划代码前缀"
    )
    town = django_filters.CharFilter(field_name="school__area__code", label="乡镇街道区划代码")
    subject = django_filters.CharFilter(label="任教学科")
    sex = django_filters.ChoiceFilter(choices=Sex.choices, label="性别")
    is_full_time = django_filters.BooleanFilter(label="是否专任教师")

    class Meta:
        model = Teacher
        fields = ["school", "school_code", "area", "town", "subject", "sex", "is_full_time"]


class TeacherOutput(serializers.ModelSerializer):
    school_code = serializers.CharField(source="school.code")
    school_name = serializers.CharField(source="school.name")
    id_number = serializers.SerializerMethodField(help_text="身份证号（无权限时脱敏）")
    phone = serializers.SerializerMethodField(help_text="手机号（无权限时脱敏）")

    class Meta:
        model = Teacher
        fields = [
            "id",
            "school",
            "school_code",
            "school_name",
            "staff_number",
            "name",
            "sex",
            "birth_date",
            "id_number",
            "phone",
            "subject",
            "is_full_time",
            "archived_at",
        ]

    def _clear(self, teacher: Teacher) -> bool:
        # One reader per response: kept on the root serializer, shared by the rows of a page.
        root = self.root
        reader = getattr(root, "_identifier_reader", None)
        if reader is None:
            reader = identifier_reader(self.context["request"].user)
            root._identifier_reader = reader  # type: ignore[attr-defined]
        return bool(reader(teacher))

    def get_id_number(self, teacher: Teacher) -> str:
        return teacher.id_number if self._clear(teacher) else mask_id_number(teacher.id_number)

    def get_phone(self, teacher: Teacher) -> str:
        return teacher.phone if self._clear(teacher) else mask_phone(teacher.phone)


@extend_schema_view(
    list=extend_schema(summary="教师列表", tags=["教师"]),
    retrieve=extend_schema(summary="教师详情", tags=["教师"]),
)
class TeacherViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    Output = TeacherOutput
    serializer_class = TeacherOutput
    filterset_class = TeacherFilter
    search_fields = ["name", "staff_number"]
    ordering_fields = ["staff_number", "name", "school__code", "birth_date"]
    ordering = ["school__code", "staff_number"]

    def get_queryset(self) -> QuerySet[Teacher]:
        return teacher_list(user=self.request.user).select_related("school")


class TeachingAssignmentFilter(django_filters.FilterSet):
    teacher = django_filters.NumberFilter(field_name="teacher_id", label="教师ID")
    school_class = django_filters.NumberFilter(field_name="school_class_id", label="班级ID")
    school = django_filters.NumberFilter(field_name="school_class__school_id", label="学校ID")
    school_year = django_filters.NumberFilter(
        field_name="school_class__school_year__start_year", label="学年起始年份"
    )
    subject = django_filters.CharFilter(label="学科")

    class Meta:
        model = TeachingAssignment
        fields = ["teacher", "school_class", "school", "school_year", "subject"]


class TeachingAssignmentOutput(serializers.ModelSerializer):
    teacher_name = serializers.CharField(source="teacher.name")
    school = serializers.IntegerField(source="school_class.school_id")
    school_class_name = serializers.CharField(source="school_class.__str__")

    class Meta:
        model = TeachingAssignment
        fields = ["id", "teacher", "teacher_name", "school", "school_class", "school_class_name", "subject"]


@extend_schema_view(
    list=extend_schema(summary="任课安排列表", tags=["教师"]),
    retrieve=extend_schema(summary="任课安排详情", tags=["教师"]),
)
class TeachingAssignmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    Output = TeachingAssignmentOutput
    serializer_class = TeachingAssignmentOutput
    filterset_class = TeachingAssignmentFilter
    search_fields = ["teacher__name", "subject"]
    ordering_fields = ["id", "subject", "teacher__name"]
    ordering = ["id"]

    def get_queryset(self) -> QuerySet[TeachingAssignment]:
        return scoped(TeachingAssignment, self.request.user).select_related("teacher", "school_class")
