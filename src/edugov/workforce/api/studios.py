"""REST API of master teacher studios, their reports, and research communities."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.decorators import action as route
from rest_framework.request import Request
from rest_framework.response import Response

from edugov.accounts.actor import request_actor
from edugov.accounts.scope import scoped
from edugov.api.base import ApiViewSet, ChoiceLabelField, ScopedPrimaryKeyField
from edugov.registry.models import Teacher

from .. import studios
from ..models import CommunityActivity, ResearchCommunity, Studio, StudioReport
from ..permissions import action
from .records import TAGS, _teachers


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
        return self.create_with(studios.studio_create, StudioInput, StudioOutput)


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
