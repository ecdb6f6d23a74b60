"""REST API of school safety: grid cells (contacts masked), hazards with their rectification
status, today's reminder coverage by town and school, and the public's drowning-risk reports
(triaged here as on the page). Same selectors and services as the pages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.decorators import action as route
from rest_framework.request import Request
from rest_framework.response import Response

from edugov.accounts.actor import request_actor
from edugov.accounts.scope import scoped
from edugov.api.base import ApiViewSet, ChoiceLabelField

from . import selectors, services
from .models import ClassReminder, GridCell, Hazard, WaterReport
from .permissions import action

TAGS = ["校园安全"]


class CellOutput(serializers.ModelSerializer[GridCell]):
    kind_label = ChoiceLabelField(source="kind")
    contact = serializers.CharField(source="contact_masked", read_only=True)

    class Meta:
        model = GridCell
        fields = ["id", "area", "school", "kind", "kind_label", "name", "person_name", "contact"]


@extend_schema_view(
    list=extend_schema(tags=TAGS, summary="安全网格（联系电话已脱敏）"),
    retrieve=extend_schema(tags=TAGS, summary="一个安全网格"),
)
class CellViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = CellOutput

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return GridCell.objects.none()
        return selectors.cells(actor=request_actor(self.request))


class HazardOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField(source="pk")
    school = serializers.CharField(source="inspection__school__name")
    town = serializers.CharField(source="inspection__school__area__name")
    inspected_on = serializers.DateField(source="inspection__inspected_on")
    kind = serializers.CharField(source="inspection__kind")
    description = serializers.CharField()
    severity = serializers.CharField()
    severity_label = serializers.CharField()
    deadline = serializers.DateField()
    item_id = serializers.IntegerField(allow_null=True)
    open = serializers.BooleanField()


@extend_schema_view(list=extend_schema(tags=TAGS, summary="安全隐患及其整改状态"))
class HazardViewSet(mixins.ListModelMixin, ApiViewSet):
    serializer_class = HazardOutput

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return Hazard.objects.none()
        return scoped(Hazard, request_actor(self.request)).order_by("-pk")

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        rows = selectors.hazard_rows(actor=request_actor(request))
        page = self.paginate_queryset(rows)  # type: ignore[arg-type]
        return self.get_paginated_response(HazardOutput(page, many=True).data)


class CoverageOutput(serializers.Serializer[Any]):
    name = serializers.CharField()
    classes = serializers.IntegerField()
    sent = serializers.IntegerField()
    confirmed = serializers.IntegerField()
    acknowledged = serializers.IntegerField()
    acks = serializers.IntegerField()
    share = serializers.FloatField(allow_null=True)
    below_target = serializers.BooleanField()


class CoverageViewSet(mixins.ListModelMixin, ApiViewSet):
    serializer_class = CoverageOutput
    pagination_class = None

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return ClassReminder.objects.none()
        return scoped(ClassReminder, request_actor(self.request)).filter(day__date=timezone.localdate())

    @extend_schema(tags=TAGS, summary="今日假期提醒家长确认情况（按镇街、学校）")
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        day = timezone.localdate()
        towns, schools, missing = selectors.coverage(actor=request_actor(request), day=day)
        return Response(
            {
                "day": day.isoformat(),
                "towns": CoverageOutput(towns, many=True).data,
                "schools": CoverageOutput(schools, many=True).data,
                "classes_without_acknowledgement": len(missing),
            }
        )


class WaterReportOutput(serializers.ModelSerializer[WaterReport]):
    status_label = ChoiceLabelField(source="status")

    class Meta:
        model = WaterReport
        fields = [
            "id",
            "area",
            "place",
            "description",
            "status",
            "status_label",
            "created_at",
            "handled_at",
            "reward",
        ]


class HandleInput(serializers.Serializer[Any]):
    confirm = serializers.BooleanField()
    reward = serializers.DecimalField(
        max_digits=8, decimal_places=2, min_value=Decimal(0), required=False, allow_null=True
    )


@extend_schema_view(
    list=extend_schema(tags=TAGS, summary="溺水隐患举报"),
    retrieve=extend_schema(tags=TAGS, summary="一件溺水隐患举报"),
)
class ReportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = WaterReportOutput
    policy_actions = {"handle": action("report_handle")}

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return WaterReport.objects.none()
        return selectors.reports(actor=request_actor(self.request))

    @extend_schema(
        tags=TAGS,
        summary="处理溺水隐患举报（核实并记录奖励，或不予采纳）",
        request=HandleInput,
        responses=WaterReportOutput,
    )
    @route(detail=True, methods=["post"])
    def handle(self, request: Request, pk: str | None = None) -> Response:
        report = self.get_object()
        d = self.validated_input(HandleInput)
        row = services.water_report_handle(
            actor=request_actor(request), report=report, confirm=d["confirm"], reward=d.get("reward")
        )
        return Response(WaterReportOutput(row).data)
