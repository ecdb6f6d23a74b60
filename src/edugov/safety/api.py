"""REST API of school safety: grid cells (contacts masked), hazards with their rectification
status, today's reminder coverage by town and school, the public's drowning-risk reports
(triaged here as on the page), each school's drills against the term's due numbers and the
dangerous waters with their patrol status. Same selectors and services as the pages."""

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
from .models import ClassReminder, DangerousWater, Drill, GridCell, Hazard, WaterReport
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
        cov = selectors.coverage(actor=request_actor(request), day=day)
        return Response(
            {
                "day": day.isoformat(),
                "towns": CoverageOutput(cov.towns, many=True).data,
                "schools": CoverageOutput(cov.schools, many=True).data,
                "classes_without_acknowledgement": cov.missing,
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


class SafetyDrillStatusOutput(serializers.Serializer[Any]):
    school_id = serializers.IntegerField()
    school = serializers.CharField()
    town = serializers.CharField()
    done = serializers.DictField(child=serializers.IntegerField())
    due = serializers.DictField(child=serializers.IntegerField())
    overdue = serializers.ListField(child=serializers.CharField())


class DrillStatusViewSet(mixins.ListModelMixin, ApiViewSet):
    """Computed rows (not a queryset): no filter backends."""

    serializer_class = SafetyDrillStatusOutput
    filter_backends = ()

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return Drill.objects.none()
        return scoped(Drill, request_actor(self.request)).order_by("-pk")

    @extend_schema(tags=TAGS, summary="本学期各校应急演练进度（已开展/截至今天应开展，按类型）")
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        rows = selectors.drill_status(actor=request_actor(request), on=timezone.localdate())
        page = self.paginate_queryset(rows)  # type: ignore[arg-type]
        return self.get_paginated_response(SafetyDrillStatusOutput(page, many=True).data)


class SafetyWaterOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    town = serializers.CharField(source="area__name")
    school = serializers.CharField(source="school__name", allow_null=True)
    location = serializers.CharField()
    warning_signs = serializers.BooleanField()
    patrol_duty = serializers.CharField()
    patrols = serializers.IntegerField(source="patrols_n")
    last_patrol = serializers.DateField(allow_null=True)
    issues = serializers.IntegerField()
    overdue = serializers.BooleanField()


class WaterViewSet(mixins.ListModelMixin, ApiViewSet):
    """Computed rows (not a queryset): no filter backends."""

    serializer_class = SafetyWaterOutput
    filter_backends = ()

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return DangerousWater.objects.none()
        return scoped(DangerousWater, request_actor(self.request)).order_by("pk")

    @extend_schema(tags=TAGS, summary="危险水域及巡查情况（超期未巡查标出）")
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        rows = selectors.waters(actor=request_actor(request), on=timezone.localdate())
        page = self.paginate_queryset(rows)  # type: ignore[arg-type]
        return self.get_paginated_response(SafetyWaterOutput(page, many=True).data)
