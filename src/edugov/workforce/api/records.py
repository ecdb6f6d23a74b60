"""REST API of teachers' yearly records, each school's staffing, and correction requests."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action as route
from rest_framework.request import Request
from rest_framework.response import Response

from edugov.accounts.actor import request_actor
from edugov.accounts.scope import scoped
from edugov.api.base import ApiViewSet, ChoiceLabelField, ReferencePrimaryKeyField, ScopedPrimaryKeyField
from edugov.registry.models import SchoolYear, Teacher

from .. import selectors, services
from ..models import (
    BackboneLevel,
    CertificateStage,
    CorrectionRequest,
    EmploymentType,
    Qualification,
    TeacherYear,
    Title,
)
from ..permissions import action

TAGS = ["师资队伍"]


class LoadOutput(serializers.Serializer[Any]):
    subject = serializers.CharField()
    weekly_periods = serializers.IntegerField()


class RecordOutput(serializers.ModelSerializer[TeacherYear]):
    teacher_name = serializers.CharField(source="teacher.name", read_only=True)
    staff_number = serializers.CharField(source="teacher.staff_number", read_only=True)
    school_year_start = serializers.IntegerField(source="school_year.start_year", read_only=True)
    employment_type_label = ChoiceLabelField(source="employment_type")
    title_label = ChoiceLabelField(source="title")
    loads = LoadOutput(many=True, read_only=True)

    class Meta:
        model = TeacherYear
        fields = ["id", "teacher", "teacher_name", "staff_number", "school_year", "school_year_start",
                  "school", "employment_type", "employment_type_label", "title", "title_label",
                  "qualification", "major", "certificate_stage", "certificate_subject", "backbone_level",
                  "is_head_teacher", "head_teacher_years", "joined_on", "school_since", "rural_years",
                  "birth_year", "birth_month", "loads"]  # fmt: skip


def _teachers(user: Any) -> Any:
    return Teacher.objects.filter(archived_at__isnull=True)


class RecordInput(serializers.Serializer[Any]):
    teacher = ScopedPrimaryKeyField(rows=_teachers, help_text="教师ID（须在您可维护的学校）")
    school_year = ReferencePrimaryKeyField(queryset=SchoolYear.objects.all(), help_text="学年ID")
    employment_type = serializers.ChoiceField(choices=EmploymentType.choices)
    title = serializers.ChoiceField(choices=Title.choices, default=Title.NONE)
    qualification = serializers.ChoiceField(choices=Qualification.choices)
    major = serializers.CharField(max_length=40, allow_blank=True, default="")
    certificate_stage = serializers.ChoiceField(
        choices=CertificateStage.choices, default=CertificateStage.NONE
    )
    certificate_subject = serializers.CharField(max_length=32, allow_blank=True, default="")
    backbone_level = serializers.ChoiceField(choices=BackboneLevel.choices, default=BackboneLevel.NONE)
    is_head_teacher = serializers.BooleanField(default=False)
    head_teacher_years = serializers.IntegerField(min_value=0, max_value=50, default=0)
    joined_on = serializers.DateField(required=False, allow_null=True, default=None)
    school_since = serializers.IntegerField(min_value=1950, max_value=2100, required=False, allow_null=True)
    rural_years = serializers.IntegerField(min_value=0, max_value=50, default=0)
    birth_year = serializers.IntegerField(min_value=1940, max_value=2010)
    birth_month = serializers.IntegerField(min_value=1, max_value=12)
    loads = serializers.DictField(child=serializers.IntegerField(min_value=1, max_value=40), allow_empty=True)


@extend_schema_view(
    list=extend_schema(tags=TAGS, summary="教师年度档案"),
    retrieve=extend_schema(tags=TAGS, summary="教师年度档案详情"),
)
class RecordViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = RecordOutput
    policy_actions = {"create": action("import")}

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return TeacherYear.objects.none()
        rows = selectors.record_list(actor=request_actor(self.request)).order_by("pk")
        year = self.request.query_params.get("school_year_start", "")
        return rows.filter(school_year__start_year=int(year)) if year.isdigit() and len(year) == 4 else rows

    @extend_schema(tags=TAGS, summary="新增或更新教师年度档案（含任教学科与周课时）",
                   request=RecordInput, responses=RecordOutput)  # fmt: skip
    def create(self, request: Request) -> Response:
        d = self.validated_input(RecordInput)
        teacher, year, loads = d.pop("teacher"), d.pop("school_year"), d.pop("loads")
        record = services.teacher_year_save(
            actor=request_actor(request), teacher=teacher, school_year=year, data=d, loads=loads
        )
        record = selectors.record_list(actor=request_actor(request)).get(pk=record.pk)
        return Response(RecordOutput(record).data, status=status.HTTP_201_CREATED)


class SubjectOutput(serializers.Serializer[Any]):
    subject = serializers.CharField()
    need = serializers.FloatField()
    have = serializers.FloatField()
    gap = serializers.FloatField()
    specialists = serializers.IntegerField()


class StaffingOutput(serializers.Serializer[Any]):
    school_id = serializers.IntegerField()
    school_name = serializers.CharField()
    town_name = serializers.CharField()
    locale = serializers.CharField()
    village = serializers.BooleanField()
    students = serializers.IntegerField()
    classes = serializers.IntegerField()
    teachers = serializers.IntegerField()
    posts_needed = serializers.IntegerField()
    posts_held = serializers.IntegerField()
    vacancies = serializers.IntegerField()
    outside_certificate = serializers.IntegerField()
    uncertified = serializers.IntegerField()
    subjects = SubjectOutput(many=True)


@extend_schema_view(list=extend_schema(tags=TAGS, summary="各校编制与学科教师配置（当前学年）"))
class StaffingViewSet(mixins.ListModelMixin, ApiViewSet):
    serializer_class = StaffingOutput
    pagination_class = None
    filter_backends = ()  # one computed answer: no filter, search or ordering parameters

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        actor = request_actor(request)
        st = selectors.staffing(actor=actor, year=selectors.current_year())
        return Response(
            {
                "school_year": st.year.start_year if st.year else None,
                "standards": st.norms.citations(),
                "schools": StaffingOutput(st.schools, many=True).data,
            }
        )


class CorrectionOutput(serializers.ModelSerializer[CorrectionRequest]):
    class Meta:
        model = CorrectionRequest
        fields = ["id", "teacher_year", "field", "current_value", "requested_value", "reason", "status",
                  "requested_at", "decided_at", "decision_note"]  # fmt: skip


def _own_records(user: Any) -> Any:
    return scoped(TeacherYear, user)


class CorrectionInput(serializers.Serializer[Any]):
    teacher_year = ScopedPrimaryKeyField(
        rows=_own_records, reference_scope="read", help_text="本人年度档案ID"
    )
    field = serializers.ChoiceField(choices=list(services.CORRECTABLE))
    requested_value = serializers.CharField(max_length=64)
    reason = serializers.CharField(max_length=300)


class DecisionInput(serializers.Serializer[Any]):
    approve = serializers.BooleanField()
    note = serializers.CharField(max_length=300, allow_blank=True, default="")


@extend_schema_view(
    list=extend_schema(tags=TAGS, summary="档案更正申请"),
    retrieve=extend_schema(tags=TAGS, summary="档案更正申请详情"),
)
class CorrectionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = CorrectionOutput
    policy_actions = {"create": action("correction_request"), "decide": action("correction_decide")}

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return CorrectionRequest.objects.none()
        return selectors.correction_list(actor=request_actor(self.request)).order_by("-pk")

    @extend_schema(tags=TAGS, summary="申请更正本人档案", request=CorrectionInput, responses=CorrectionOutput)
    def create(self, request: Request) -> Response:
        d = self.validated_input(CorrectionInput)
        req = services.correction_request(
            actor=request_actor(request),
            record=d["teacher_year"],
            field=d["field"],
            requested_value=d["requested_value"],
            reason=d["reason"],
        )
        return Response(CorrectionOutput(req).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        tags=TAGS, summary="审核更正申请（通过或驳回）", request=DecisionInput, responses=CorrectionOutput
    )
    @route(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str | None = None) -> Response:
        d = self.validated_input(DecisionInput)
        actor = request_actor(request)
        req = services.correction_decide(
            actor=actor, request=self.get_object(), approve=d["approve"], note=d["note"]
        )
        return Response(CorrectionOutput(req).data)
