"""REST API of workforce: teachers' yearly records (read; create or replace one with its subject
loads), each school's staffing against the norms, and correction requests (a teacher files one,
the school decides). Same selectors and services as the pages."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action as route
from rest_framework.request import Request
from rest_framework.response import Response

from edugov.accounts.actor import request_actor
from edugov.accounts.scope import scoped
from edugov.api.base import ApiViewSet, ChoiceLabelField, ReferencePrimaryKeyField, ScopedPrimaryKeyField
from edugov.common.errors import DomainError
from edugov.registry.models import School, SchoolYear, Teacher

from . import appraisal, ethics, exchanges, rounds, selectors, services, studios
from .errors import WorkforceError
from .models import (
    Appraisal,
    BackboneLevel,
    CertificateStage,
    CommunityActivity,
    CorrectionRequest,
    EmploymentType,
    EthicsIncident,
    Exchange,
    ExchangeKind,
    PostRound,
    Qualification,
    ResearchCommunity,
    RoundPost,
    RoundResult,
    Studio,
    StudioReport,
    TeacherYear,
    Title,
)
from .permissions import action

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


class ExchangeOutput(serializers.ModelSerializer[Exchange]):
    kind_label = ChoiceLabelField(source="kind")

    class Meta:
        model = Exchange
        fields = ["id", "teacher", "kind", "kind_label", "from_school", "to_school", "start_date", "end_date",
                  "evaluation"]  # fmt: skip


def _schools(user: Any) -> Any:
    return School.objects.filter(archived_at__isnull=True)


class ExchangeInput(serializers.Serializer[Any]):
    teacher = ScopedPrimaryKeyField(rows=_teachers, help_text="教师ID")
    kind = serializers.ChoiceField(choices=ExchangeKind.choices)
    to_school = ScopedPrimaryKeyField(rows=_schools, help_text="接收学校ID")
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    evaluation = serializers.CharField(max_length=300, allow_blank=True, default="")


@extend_schema_view(
    list=extend_schema(tags=TAGS, summary="交流轮岗记录"),
    retrieve=extend_schema(tags=TAGS, summary="交流轮岗记录详情"),
)
class ExchangeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = ExchangeOutput
    policy_actions = {"create": action("exchange_edit")}

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return Exchange.objects.none()
        return exchanges.exchange_list(actor=request_actor(self.request)).order_by("-pk")

    @extend_schema(tags=TAGS, summary="登记交流轮岗（时间不得与该教师其他交流重叠）", request=ExchangeInput,
                   responses=ExchangeOutput)  # fmt: skip
    def create(self, request: Request) -> Response:
        d = self.validated_input(ExchangeInput)
        row = exchanges.exchange_create(actor=request_actor(request), **d)
        return Response(ExchangeOutput(row).data, status=status.HTTP_201_CREATED)


# --- master studios, research communities (choice fields as plain strings with their labels:
# the services check them and refuse in Chinese; no enum components to clash across modules) ---


class StudioReportOutput(serializers.ModelSerializer[StudioReport]):
    class Meta:
        model = StudioReport
        fields = ["id", "studio", "period_label", "period_end", "due_on", "submitted_on", "summary"]


class StudioOutput(serializers.ModelSerializer[Studio]):
    kind = serializers.CharField(read_only=True)
    kind_label = ChoiceLabelField(source="kind")
    cadence = serializers.CharField(read_only=True)
    cadence_label = ChoiceLabelField(source="cadence")
    lead_name = serializers.CharField(source="lead.name", read_only=True)
    members = serializers.PrimaryKeyRelatedField[Teacher](many=True, read_only=True)

    class Meta:
        model = Studio
        fields = ["id", "name", "kind", "kind_label", "lead", "lead_name", "lead_school", "members", "plan",
                  "cadence", "cadence_label", "started_on"]  # fmt: skip


class StudioInput(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=60)
    kind = serializers.CharField(
        max_length=16, help_text="famous_teacher 名师 / head_teacher 名班主任 / principal 名校长"
    )
    lead = ScopedPrimaryKeyField(rows=_teachers, help_text="领衔人（教师ID，须在您可维护的学校）")
    members = ScopedPrimaryKeyField(rows=_teachers, many=True, required=False, help_text="成员（教师ID）")
    plan = serializers.CharField(max_length=2000, allow_blank=True, default="")
    cadence = serializers.CharField(
        max_length=12, default="quarterly", help_text="monthly / quarterly / half_yearly / yearly"
    )
    started_on = serializers.DateField()


@extend_schema_view(
    list=extend_schema(tags=TAGS, summary="名师工作室"),
    retrieve=extend_schema(tags=TAGS, summary="名师工作室详情"),
)
class StudioViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = StudioOutput
    policy_actions = {"create": action("studio_edit")}

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return Studio.objects.none()
        return (
            scoped(Studio, request_actor(self.request))
            .select_related("lead")
            .prefetch_related("members")
            .order_by("pk")
        )

    @extend_schema(
        tags=TAGS,
        summary="登记名师工作室（按周期生成首年报告期）",
        request=StudioInput,
        responses=StudioOutput,
    )
    def create(self, request: Request) -> Response:
        d = self.validated_input(StudioInput)
        row = studios.studio_create(actor=request_actor(request), **d)
        return Response(StudioOutput(row).data, status=status.HTTP_201_CREATED)


class StudioReportSubmitInput(serializers.Serializer[Any]):
    summary = serializers.CharField(max_length=2000)


@extend_schema_view(
    list=extend_schema(tags=TAGS, summary="工作室阶段报告"),
    retrieve=extend_schema(tags=TAGS, summary="工作室阶段报告详情"),
)
class StudioReportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = StudioReportOutput
    policy_actions = {"submit": action("studio_report")}

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return StudioReport.objects.none()
        return scoped(StudioReport, request_actor(self.request)).order_by("studio_id", "period_end")

    @extend_schema(
        tags=TAGS, summary="报送工作室阶段报告", request=StudioReportSubmitInput, responses=StudioReportOutput
    )
    @route(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        d = self.validated_input(StudioReportSubmitInput)
        row = studios.report_submit(
            actor=request_actor(request),
            report=self.get_object(),
            summary=d["summary"],
            today=timezone.localdate(),
        )
        return Response(StudioReportOutput(row).data)


class CommunityActivityOutput(serializers.ModelSerializer[CommunityActivity]):
    class Meta:
        model = CommunityActivity
        fields = ["id", "held_on", "title", "participants", "summary"]


class CommunityOutput(serializers.ModelSerializer[ResearchCommunity]):
    kind = serializers.CharField(read_only=True)
    kind_label = ChoiceLabelField(source="kind")
    activities = CommunityActivityOutput(many=True, read_only=True)

    class Meta:
        model = ResearchCommunity
        fields = ["id", "name", "kind", "kind_label", "subject", "lead", "lead_school", "activities"]


@extend_schema_view(
    list=extend_schema(tags=TAGS, summary="研修共同体及其活动"),
    retrieve=extend_schema(tags=TAGS, summary="研修共同体详情"),
)
class CommunityViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = CommunityOutput

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return ResearchCommunity.objects.none()
        return studios.communities(actor=request_actor(self.request)).order_by("pk")


# --- ethics: the incidents for the personnel department and the leaders only ---


class EthicsIncidentOutput(serializers.ModelSerializer[EthicsIncident]):
    category = serializers.CharField(read_only=True)
    category_label = ChoiceLabelField(source="category")
    source_kind = serializers.CharField(source="source", read_only=True)
    status = serializers.CharField(read_only=True)
    status_label = ChoiceLabelField(source="status")
    handling = serializers.CharField(read_only=True)
    handling_label = ChoiceLabelField(source="handling")

    class Meta:
        model = EthicsIncident
        fields = ["id", "teacher", "school", "school_year", "category", "category_label", "occurred_on",
                  "summary", "source_kind", "status", "status_label", "handling", "handling_label", "effect",
                  "decided_at"]  # fmt: skip


class EthicsIncidentInput(serializers.Serializer[Any]):
    teacher = ScopedPrimaryKeyField(rows=_teachers, help_text="教师ID（须在您管辖的学校）")
    school_year = ReferencePrimaryKeyField(queryset=SchoolYear.objects.all(), help_text="学年ID")
    category = serializers.CharField(max_length=16, help_text="十项准则：political … practice")
    occurred_on = serializers.DateField()
    summary = serializers.CharField(max_length=500)


class EthicsDecisionInput(serializers.Serializer[Any]):
    confirmed = serializers.BooleanField()
    handling = serializers.CharField(max_length=16, allow_blank=True, default="")
    effect = serializers.CharField(max_length=300, allow_blank=True, default="")


@extend_schema_view(
    list=extend_schema(tags=TAGS, summary="师德师风事件（人事科和局领导可见）"),
    retrieve=extend_schema(tags=TAGS, summary="师德师风事件详情"),
)
class EthicsIncidentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = EthicsIncidentOutput
    policy_actions = {"create": action("ethics_edit"), "decide": action("ethics_edit")}

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return EthicsIncident.objects.none()
        return ethics.incident_list(actor=request_actor(self.request)).order_by("-pk")

    @extend_schema(
        tags=TAGS, summary="登记师德师风事件", request=EthicsIncidentInput, responses=EthicsIncidentOutput
    )
    def create(self, request: Request) -> Response:
        d = self.validated_input(EthicsIncidentInput)
        row = ethics.incident_create(actor=request_actor(request), **d)
        return Response(EthicsIncidentOutput(row).data, status=status.HTTP_201_CREATED)

    @extend_schema(tags=TAGS, summary="处理师德师风事件（查实则一票否决当年优秀和评优）",
                   request=EthicsDecisionInput, responses=EthicsIncidentOutput)  # fmt: skip
    @route(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str | None = None) -> Response:
        d = self.validated_input(EthicsDecisionInput)
        row = ethics.incident_decide(actor=request_actor(request), incident=self.get_object(), **d)
        return Response(EthicsIncidentOutput(row).data)


# --- appraisal ---


class AppraisalOutput(serializers.ModelSerializer[Appraisal]):
    grade = serializers.CharField(read_only=True)
    grade_label = ChoiceLabelField(source="grade")

    class Meta:
        model = Appraisal
        fields = ["id", "teacher", "school", "school_year", "grade", "grade_label", "note"]


class AppraisalEntryInput(serializers.Serializer[Any]):
    teacher = serializers.IntegerField(min_value=1, help_text="教师ID（须在该校本学年有师资档案）")
    grade = serializers.CharField(
        max_length=12, help_text="excellent 优秀 / competent 合格 / basic 基本合格 / failed 不合格"
    )


class AppraisalInput(serializers.Serializer[Any]):
    school = ScopedPrimaryKeyField(rows=_schools, help_text="学校ID（须在您可维护的范围）")
    school_year = ReferencePrimaryKeyField(queryset=SchoolYear.objects.all(), help_text="学年ID")
    results = serializers.ListField(child=AppraisalEntryInput(), min_length=1, max_length=500)


@extend_schema_view(
    list=extend_schema(tags=TAGS, summary="年度考核结果"),
    retrieve=extend_schema(tags=TAGS, summary="年度考核结果详情"),
)
class AppraisalViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = AppraisalOutput
    policy_actions = {"create": action("appraisal_edit")}

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return Appraisal.objects.none()
        return scoped(Appraisal, request_actor(self.request)).order_by("pk")

    @extend_schema(tags=TAGS, summary="录入一所学校的年度考核结果（优秀比例上限、师德一票否决）",
                   request=AppraisalInput, responses=AppraisalOutput(many=True))  # fmt: skip
    def create(self, request: Request) -> Response:
        d = self.validated_input(AppraisalInput)
        rows = appraisal.appraisal_save(
            actor=request_actor(request),
            school=d["school"],
            year=d["school_year"],
            grades={r["teacher"]: r["grade"] for r in d["results"]},
        )
        return Response(AppraisalOutput(rows, many=True).data, status=status.HTTP_201_CREATED)


# --- 区管校聘 ---


class PostRoundOutput(serializers.ModelSerializer[PostRound]):
    status = serializers.CharField(read_only=True)
    status_label = ChoiceLabelField(source="status")
    school_year_start = serializers.IntegerField(source="school_year.start_year", read_only=True)

    class Meta:
        model = PostRound
        fields = ["id", "district", "school_year", "school_year_start", "status", "status_label"]


class RoundPostOutput(serializers.ModelSerializer[RoundPost]):
    school_name = serializers.CharField(source="school.name", read_only=True)

    class Meta:
        model = RoundPost
        fields = ["id", "round", "school", "school_name", "subject", "posts"]


class RoundResultOutput(serializers.ModelSerializer[RoundResult]):
    class Meta:
        model = RoundResult
        fields = ["id", "round", "teacher", "school", "post", "rank"]


class RoundChoiceInput(serializers.Serializer[Any]):
    posts = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        min_length=1,
        max_length=3,
        help_text="岗位ID，按志愿先后",
    )


@extend_schema_view(
    list=extend_schema(tags=TAGS, summary="区管校聘轮次"),
    retrieve=extend_schema(tags=TAGS, summary="区管校聘轮次详情"),
)
class PostRoundViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = PostRoundOutput
    policy_actions = {"choose": action("round_choose")}

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return PostRound.objects.none()
        return rounds.rounds(actor=request_actor(self.request)).order_by("pk")

    @extend_schema(tags=TAGS, summary="教师本人填报选岗志愿（1～3个，按先后）", request=RoundChoiceInput,
                   responses=RoundPostOutput(many=True))  # fmt: skip
    @route(detail=True, methods=["post"])
    def choose(self, request: Request, pk: str | None = None) -> Response:
        d = self.validated_input(RoundChoiceInput)
        actor = request_actor(request)
        teacher = services.ensure_teacher(actor)
        rnd = rounds.round_for_teacher(teacher, pk)
        found = {
            p.pk: p for p in RoundPost.objects.filter(round=rnd, pk__in=d["posts"]).select_related("school")
        }
        if len(found) != len(set(d["posts"])):
            raise DomainError(WorkforceError.ROUND_LINE_UNKNOWN)
        posts = [found[i] for i in d["posts"]]
        rounds.choices_submit(actor=actor, rnd=rnd, teacher=teacher, posts=posts)
        return Response(RoundPostOutput(posts, many=True).data, status=status.HTTP_201_CREATED)


@extend_schema_view(list=extend_schema(tags=TAGS, summary="区管校聘岗位"))
class RoundPostViewSet(mixins.ListModelMixin, ApiViewSet):
    serializer_class = RoundPostOutput

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return RoundPost.objects.none()
        return scoped(RoundPost, request_actor(self.request)).select_related("school").order_by("pk")


@extend_schema_view(list=extend_schema(tags=TAGS, summary="区管校聘聘用结果"))
class RoundResultViewSet(mixins.ListModelMixin, ApiViewSet):
    serializer_class = RoundResultOutput

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return RoundResult.objects.none()
        return scoped(RoundResult, request_actor(self.request)).order_by("pk")
