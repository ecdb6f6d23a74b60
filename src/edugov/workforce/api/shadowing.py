"""REST API of new teachers' shadowing placements (跟岗学习): list, detail, create, and the outcome
recorded once. The outcome travels as a plain string with its label (no enum component to clash
with other modules' outcomes)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.decorators import action as route
from rest_framework.request import Request
from rest_framework.response import Response

from edugov.accounts.actor import request_actor
from edugov.api.base import ApiViewSet, ChoiceLabelField, ScopedPrimaryKeyField
from edugov.registry.models import School, Teacher

from .. import shadowing
from ..models import ShadowingPlacement
from ..permissions import action
from .records import TAGS, _teachers


class ShadowingOutput(serializers.ModelSerializer[ShadowingPlacement]):
    outcome = serializers.CharField(read_only=True)
    outcome_label = ChoiceLabelField(source="outcome")
    teacher_name = serializers.CharField(source="teacher.name", read_only=True)

    class Meta:
        model = ShadowingPlacement
        fields = ["id", "teacher", "teacher_name", "home_school", "host_school", "mentor", "start_date",
                  "end_date", "goals", "outcome", "outcome_label", "evaluation"]  # fmt: skip


def _host_schools(user: Any) -> Any:
    return School.objects.filter(archived_at__isnull=True)


def _mentors(user: Any) -> Any:
    return Teacher.objects.filter(archived_at__isnull=True)


class ShadowingInput(serializers.Serializer[Any]):
    teacher = ScopedPrimaryKeyField(rows=_teachers, help_text="跟岗教师ID（须在您可维护的学校）")
    host_school = ScopedPrimaryKeyField(rows=_host_schools, help_text="跟岗学校ID")
    mentor = ScopedPrimaryKeyField(
        rows=_mentors, required=False, allow_null=True, help_text="跟岗导师（教师ID）"
    )
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    goals = serializers.CharField(max_length=300, allow_blank=True, default="")


class ShadowingOutcomeInput(serializers.Serializer[Any]):
    outcome = serializers.CharField(
        max_length=16, help_text="qualified 合格 / excellent 优秀 / not_qualified 不合格"
    )
    evaluation = serializers.CharField(max_length=300, allow_blank=True, default="")


@extend_schema_view(
    list=extend_schema(tags=TAGS, summary="跟岗学习"),
    retrieve=extend_schema(tags=TAGS, summary="跟岗学习详情"),
)
class ShadowingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = ShadowingOutput
    policy_actions = {"create": action("exchange_edit"), "outcome": action("exchange_edit")}

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return ShadowingPlacement.objects.none()
        return shadowing.placement_list(actor=request_actor(self.request)).order_by("-pk")

    @extend_schema(
        tags=TAGS,
        summary="登记跟岗学习（时间不得与该教师的交流或其他跟岗重叠）",
        request=ShadowingInput,
        responses=ShadowingOutput,
    )
    def create(self, request: Request) -> Response:
        return self.create_with(shadowing.placement_create, ShadowingInput, ShadowingOutput)

    @extend_schema(
        tags=TAGS, summary="评定跟岗成效（一次）", request=ShadowingOutcomeInput, responses=ShadowingOutput
    )
    @route(detail=True, methods=["post"])
    def outcome(self, request: Request, pk: str | None = None) -> Response:
        d = self.validated_input(ShadowingOutcomeInput)
        row = shadowing.placement_outcome(actor=request_actor(request), placement=self.get_object(), **d)
        return Response(ShadowingOutput(row).data)
