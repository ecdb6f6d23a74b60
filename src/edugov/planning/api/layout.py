"""REST API of planning: zones, villages, layout proposals, closures and the map."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from edugov.accounts.actor import request_actor
from edugov.accounts.policy import ensure_can
from edugov.accounts.scope import scoped, write_scoped
from edugov.api.base import ApiViewSet, ChoiceLabelField
from edugov.registry.models import School

from .. import selectors, services
from ..models import (
    Closure,
    ClosureStep,
    PlanStage,
    Village,
    Zone,
)
from ..permissions import action
from .base import TAGS, _write_town

# Zones, villages, layout proposals, merge what-if and closures -------------------------------------


class ZoneOutput(serializers.ModelSerializer[Zone]):
    class Meta:
        model = Zone
        fields = ["id", "area", "name", "stage", "schools"]


class ZoneInput(serializers.Serializer[Any]):
    town = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    name = serializers.CharField(max_length=60)
    stage = serializers.ChoiceField(choices=PlanStage.choices)
    schools = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**31 - 1), max_length=200, allow_empty=True
    )


@extend_schema_view(
    list=extend_schema(tags=TAGS, summary="施教区（学段与所含学校）"),
    create=extend_schema(tags=TAGS, summary="划定施教区（须至少含一所学校）", request=ZoneInput),
)
class ZoneViewSet(mixins.ListModelMixin, ApiViewSet):
    serializer_class = ZoneOutput
    policy_actions = {"create": action("edit")}

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return Zone.objects.none()
        actor = request_actor(self.request)
        ensure_can(actor, action("view"))
        return selectors.zones(actor=actor).order_by("area__code", "stage", "name", "pk")

    def create(self, request: Request) -> Response:
        actor = request_actor(request)
        data = self.validated_input(ZoneInput)
        town = _write_town(actor, data["town"])
        if town is None:
            return Response(
                {"town": ["乡镇（街道）不存在或不在您的管理范围内"]}, status=status.HTTP_400_BAD_REQUEST
            )
        ids = set(data["schools"])
        schools = list(write_scoped(School, actor).filter(pk__in=ids))
        if len(schools) != len(ids):
            return Response(
                {"schools": ["学校不存在或不在您的管理范围内"]}, status=status.HTTP_400_BAD_REQUEST
            )
        zone = services.zone_save(
            actor=actor, area=town, name=data["name"], stage=data["stage"], schools=schools
        )
        return Response(ZoneOutput(zone).data, status=status.HTTP_201_CREATED)


class VillageOutput(serializers.ModelSerializer[Village]):
    class Meta:
        model = Village
        fields = [
            "id",
            "area",
            "name",
            "longitude",
            "latitude",
            "children_primary",
            "children_junior",
            "rural",
        ]


class VillageInput(serializers.Serializer[Any]):
    town = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    name = serializers.CharField(max_length=60)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6)
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6)
    children_primary = serializers.IntegerField(min_value=0, max_value=10**6, default=0)
    children_junior = serializers.IntegerField(min_value=0, max_value=10**6, default=0)
    rural = serializers.BooleanField(default=True)


@extend_schema_view(
    list=extend_schema(tags=TAGS, summary="村（社区）：坐标与适龄儿童数"),
    create=extend_schema(tags=TAGS, summary="登记村（社区）", request=VillageInput),
)
class VillageViewSet(mixins.ListModelMixin, ApiViewSet):
    serializer_class = VillageOutput
    policy_actions = {"create": action("edit")}

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return Village.objects.none()
        actor = request_actor(self.request)
        ensure_can(actor, action("view"))
        return scoped(Village, actor).order_by("area__code", "name", "pk")

    def create(self, request: Request) -> Response:
        actor = request_actor(request)
        data = self.validated_input(VillageInput)
        town = _write_town(actor, data.pop("town"))
        if town is None:
            return Response(
                {"town": ["乡镇（街道）不存在或不在您的管理范围内"]}, status=status.HTTP_400_BAD_REQUEST
            )
        row = services.village_save(actor=actor, area=town, **data)
        return Response(VillageOutput(row).data, status=status.HTTP_201_CREATED)


class LayoutProposalViewSet(ApiViewSet):
    pagination_class = None
    filter_backends = ()  # one computed answer: no filter, search or ordering parameters

    @extend_schema(
        tags=TAGS,
        summary="布局调整建议（宜留、宜并、宜撤、宜建）及原因；带closing与target参数时为合并测算",
        parameters=[
            OpenApiParameter("closing", int, description="拟撤并学校ID"),
            OpenApiParameter("target", int, description="接收学校ID"),
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def list(self, request: Request) -> Response:
        from ..views import _int

        actor = request_actor(request)
        ensure_can(actor, action("view"))
        closing = _int(request.query_params, "closing", "拟撤并学校", 1, 2**31 - 1)
        target = _int(request.query_params, "target", "接收学校", 1, 2**31 - 1)
        merge = None
        if closing is not None or target is not None:
            visible = scoped(School, actor).filter(pk__in=[closing or 0, target or 0]).count()
            if closing is None or target is None or closing == target or visible != 2:
                return Response(
                    {"detail": "请选择两所不同的、在您查看范围内的学校"}, status=status.HTTP_400_BAD_REQUEST
                )
            merge = selectors.merge_preview(actor=actor, closing_id=closing, target_id=target)
        return Response(
            {
                "proposals": selectors.layout_proposals(actor=actor),
                "merge": merge,
                "rules": selectors.layout_rules(),
            }
        )


class ClosureStepOutput(serializers.ModelSerializer[ClosureStep]):
    kind_label = ChoiceLabelField(source="kind")

    class Meta:
        model = ClosureStep
        fields = ["id", "kind", "kind_label", "done_on", "note"]


class ClosureOutput(serializers.ModelSerializer[Closure]):
    status_label = ChoiceLabelField(source="status")
    steps = ClosureStepOutput(many=True, read_only=True)

    class Meta:
        model = Closure
        fields = ["id", "school", "target", "reason", "status", "status_label", "steps", "created_at"]


@extend_schema_view(
    list=extend_schema(tags=TAGS, summary="学校撤并程序（征求意见、先建后撤、审批）"),
    retrieve=extend_schema(tags=TAGS, summary="学校撤并程序详情"),
)
class ClosureViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = ClosureOutput

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return Closure.objects.none()
        actor = request_actor(self.request)
        ensure_can(actor, action("view"))
        return selectors.closures(actor=actor).order_by("-created_at", "-pk")


class MapViewSet(ApiViewSet):
    pagination_class = None
    filter_backends = ()  # one computed answer: no filter, search or ordering parameters

    @extend_schema(
        tags=TAGS, summary="布局地图数据（学校、村、项目、服务半径圈，经纬度）", responses=OpenApiTypes.OBJECT
    )
    def list(self, request: Request) -> Response:
        actor = request_actor(request)
        ensure_can(actor, action("view"))
        return Response(selectors.map_data(actor=actor))
