"""REST API of teacher ethics incidents."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.decorators import action as route
from rest_framework.request import Request
from rest_framework.response import Response

from edugov.accounts.actor import request_actor
from edugov.api.base import ApiViewSet, ChoiceLabelField, ReferencePrimaryKeyField, ScopedPrimaryKeyField
from edugov.registry.models import SchoolYear

from .. import ethics
from ..models import EthicsIncident
from ..permissions import action
from .records import TAGS, _teachers


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
        return self.create_with(ethics.incident_create, EthicsIncidentInput, EthicsIncidentOutput)

    @extend_schema(tags=TAGS, summary="处理师德师风事件（查实则一票否决当年优秀和评优）",
                   request=EthicsDecisionInput, responses=EthicsIncidentOutput)  # fmt: skip
    @route(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str | None = None) -> Response:
        d = self.validated_input(EthicsDecisionInput)
        row = ethics.incident_decide(actor=request_actor(request), incident=self.get_object(), **d)
        return Response(EthicsIncidentOutput(row).data)


# --- appraisal ---
