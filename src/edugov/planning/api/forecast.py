"""REST API of planning: the places forecast, the layout list, town figures, housing and stored forecasts."""

from __future__ import annotations

import dataclasses
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from edugov.accounts.actor import request_actor
from edugov.accounts.policy import ensure_can
from edugov.accounts.scope import scoped
from edugov.api.base import ApiViewSet
from edugov.registry.models import Area

from .. import selectors, services
from ..models import (
    ForecastRun,
    HousingDevelopment,
    TownYear,
)
from ..permissions import action
from ..views import parse_whatif
from .base import TAGS


class ForecastViewSet(ApiViewSet):
    pagination_class = None
    filter_backends = ()  # one computed answer: no filter, search or ordering parameters

    @extend_schema(
        tags=TAGS,
        summary="学位需求预测、学位缺口与回测误差（可带假设：迁移率、新增项目）",
        parameters=[
            OpenApiParameter("horizon", int, description="预测年数（1～10）"),
            OpenApiParameter("migration", float, description="假设的年净迁移率（%）"),
            OpenApiParameter("school", int, description="假设项目的学校ID"),
            OpenApiParameter("stage", str, enum=["primary", "junior"], description="假设项目的学段"),
            OpenApiParameter("places", int, description="假设项目新增学位"),
            OpenApiParameter("year", int, description="假设项目投用学年"),
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def list(self, request: Request) -> Response:
        actor = request_actor(request)
        ensure_can(actor, action("view"))
        horizon, migration, project = parse_whatif(actor, request.query_params)
        o = selectors.planning_overview(
            actor=actor, horizon=horizon, migration=migration, extra_project=project
        )
        return Response(
            {
                "base_year": o.base_year,
                "years": o.years,
                "method": o.method,
                "gaps": [
                    {k: v for k, v in dataclasses.asdict(r).items() if k != "town_id"}
                    | {"town_id": r.town_id}
                    for r in o.rows
                ],
                "backtest": o.backtest,
                "schools": o.explain,
                "inputs": o.inputs_summary,
                "standards": o.citations,
                "whatif": o.whatif,
            }
        )


class LayoutViewSet(ApiViewSet):
    pagination_class = None
    filter_backends = ()  # one computed answer: no filter, search or ordering parameters

    @extend_schema(
        tags=TAGS, summary="布局调整：生源下降、小规模学校与教学点及原因", responses=OpenApiTypes.OBJECT
    )
    def list(self, request: Request) -> Response:
        actor = request_actor(request)
        ensure_can(actor, action("view"))
        return Response({"schools": selectors.layout_list(actor=actor)})


class TownYearOutput(serializers.ModelSerializer[TownYear]):
    class Meta:
        model = TownYear
        fields = ["id", "area", "year", "population", "births", "net_migration", "source"]


class TownYearViewSet(mixins.ListModelMixin, ApiViewSet):
    serializer_class = TownYearOutput

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return TownYear.objects.none()
        actor = request_actor(self.request)
        ensure_can(actor, action("view"))
        return scoped(TownYear, actor).order_by("area__code", "year")


class HousingOutput(serializers.ModelSerializer[HousingDevelopment]):
    class Meta:
        model = HousingDevelopment
        fields = ["id", "name", "area", "households", "completion_year"]


class HousingViewSet(mixins.ListModelMixin, ApiViewSet):
    serializer_class = HousingOutput

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return HousingDevelopment.objects.none()
        actor = request_actor(self.request)
        ensure_can(actor, action("view"))
        return scoped(HousingDevelopment, actor).order_by("completion_year", "pk")


class RunOutput(serializers.ModelSerializer[ForecastRun]):
    class Meta:
        model = ForecastRun
        fields = ["id", "area", "base_year", "horizon", "method", "inputs", "results", "created_at"]


class RunInput(serializers.Serializer[Any]):
    horizon = serializers.IntegerField(min_value=1, max_value=10, default=5)


@extend_schema_view(
    list=extend_schema(tags=TAGS, summary="已保存的预测（输入、方法与结果）"),
    create=extend_schema(tags=TAGS, summary="保存当前预测", request=RunInput),
)
class RunViewSet(mixins.ListModelMixin, ApiViewSet):
    serializer_class = RunOutput
    policy_actions = {"create": action("forecast_save")}

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return ForecastRun.objects.none()
        actor = request_actor(self.request)
        ensure_can(actor, action("view"))
        return scoped(ForecastRun, actor).order_by("-created_at", "-pk")

    def create(self, request: Request) -> Response:
        actor = request_actor(request)
        data = self.validated_input(RunInput)
        area = Area.objects.get(pk=actor.area_id) if actor.area_id else None
        if area is None:
            return Response(
                {"area": ["您的账号没有所属区域，无法保存预测"]}, status=status.HTTP_400_BAD_REQUEST
            )
        run = services.forecast_save(actor=actor, area=area, horizon=data["horizon"])
        return Response(RunOutput(run).data, status=status.HTTP_201_CREATED)
