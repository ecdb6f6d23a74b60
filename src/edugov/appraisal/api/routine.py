"""REST API of teaching-routine checklists and inspections."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from edugov.accounts.actor import request_actor
from edugov.accounts.scope import scoped
from edugov.api.base import ApiViewSet, ScopedPrimaryKeyField
from edugov.common.errors import DomainError
from edugov.registry.models import School

from .. import selectors, services
from ..errors import AppraisalError as E
from ..models import (
    RoutineCategory,
    RoutineChecklist,
    RoutineInspection,
    RoutineMark,
)
from ..permissions import action
from .common import TAGS, _districts, _schools

# -- teaching routine ------------------------------------------------------------------------------


class CheckInput(serializers.Serializer[Any]):
    category = serializers.ChoiceField(choices=RoutineCategory.choices)
    text = serializers.CharField(max_length=200)


class ChecklistInput(serializers.Serializer[Any]):
    area = ScopedPrimaryKeyField(rows=_districts, help_text="区县ID")
    name = serializers.CharField(max_length=100)
    basis = serializers.CharField(max_length=200, allow_blank=True, default="", help_text="依据")
    checks = serializers.ListField(child=CheckInput(), max_length=services.MAX_CHECKS)


class ChecklistOutput(serializers.ModelSerializer[RoutineChecklist]):
    checks = serializers.SerializerMethodField()

    class Meta:
        model = RoutineChecklist
        fields = ["id", "area", "name", "source", "checks"]

    def get_checks(self, obj: RoutineChecklist) -> list[dict[str, Any]]:
        return [{"id": c.pk, "category": c.category, "text": c.text} for c in obj.checks.all()]


@extend_schema_view(list=extend_schema(tags=TAGS, summary="教学常规检查表"))
class ChecklistViewSet(mixins.ListModelMixin, ApiViewSet):
    serializer_class = ChecklistOutput
    policy_actions = {"create": action("checklist_edit")}

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return RoutineChecklist.objects.none()
        return scoped(RoutineChecklist, request_actor(self.request)).prefetch_related("checks").order_by("pk")

    @extend_schema(tags=TAGS, summary="建立教学常规检查表", request=ChecklistInput, responses=ChecklistOutput)
    def create(self, request: Request) -> Response:
        d = self.validated_input(ChecklistInput)
        row = services.checklist_create(
            actor=request_actor(request),
            area=d["area"],
            name=d["name"],
            source=d["basis"],
            checks=[(c["category"], c["text"]) for c in d["checks"]],
        )
        return Response(ChecklistOutput(row).data, status=status.HTTP_201_CREATED)


class MarkInputSerializer(serializers.Serializer[Any]):
    check_id = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    passed = serializers.BooleanField()
    note = serializers.CharField(max_length=300, allow_blank=True, default="")


class InspectionInput(serializers.Serializer[Any]):
    school = ScopedPrimaryKeyField(rows=_schools, help_text="学校ID")
    checklist = serializers.IntegerField(
        min_value=1, max_value=2**31 - 1, help_text="检查表ID（本校所在区县的）"
    )
    inspected_on = serializers.DateField()
    note = serializers.CharField(max_length=500, allow_blank=True, default="")
    marks = serializers.ListField(child=MarkInputSerializer(), max_length=services.MAX_CHECKS)


class RoutineMarkOutput(serializers.ModelSerializer[RoutineMark]):
    text = serializers.CharField(source="check_item.text", read_only=True)

    class Meta:
        model = RoutineMark
        fields = ["check_item", "text", "passed", "note"]


class InspectionOutput(serializers.ModelSerializer[RoutineInspection]):
    marks = RoutineMarkOutput(many=True, read_only=True)

    class Meta:
        model = RoutineInspection
        fields = ["id", "school", "checklist", "inspected_on", "note", "marks"]


@extend_schema_view(
    list=extend_schema(tags=TAGS, summary="教学常规检查记录"),
    retrieve=extend_schema(tags=TAGS, summary="一次检查"),
)
class InspectionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = InspectionOutput
    policy_actions = {"create": action("inspect")}

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return RoutineInspection.objects.none()
        return (
            scoped(RoutineInspection, request_actor(self.request))
            .prefetch_related("marks__check_item")
            .order_by("pk")
        )

    @extend_schema(
        tags=TAGS,
        summary="记录一次教学常规检查（未达标项目列入问题清单）",
        request=InspectionInput,
        responses=InspectionOutput,
    )
    def create(self, request: Request) -> Response:
        d = self.validated_input(InspectionInput)
        school: School = d["school"]
        checklist = (
            selectors.checklists(district=selectors.district_of(school.area))
            .filter(pk=d["checklist"])
            .first()
        )
        if checklist is None:
            raise DomainError(E.BAD_FIELD, field="检查表", reason="不存在或不适用于该校")
        row = services.inspection_record(
            actor=request_actor(request),
            school=school,
            checklist=checklist,
            inspected_on=d["inspected_on"],
            note=d["note"],
            marks=[services.MarkInput(m["check_id"], m["passed"], m["note"]) for m in d["marks"]],
        )
        return Response(InspectionOutput(row).data, status=status.HTTP_201_CREATED)
