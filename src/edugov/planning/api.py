"""REST API of planning, mounted at /api/v1/planning/: the places forecast with gaps and back-test
(a what-if by query string), the layout list, projects with milestones, town figures, housing, and
stored forecasts (POST stores one). Same selectors and services as the pages."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
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
from edugov.registry.models import Area, School

from . import selectors, services
from .models import (
    Closure,
    ClosureStep,
    ForecastRun,
    HousingDevelopment,
    Milestone,
    PlanStage,
    PrivateSchoolYear,
    Project,
    ProjectList,
    ProjectProgress,
    QuotaPlan,
    QuotaStatus,
    TownYear,
    Village,
    Zone,
)
from .permissions import action
from .views import parse_whatif

TAGS = ["学位与布局"]


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


class ProjectMilestoneOutput(serializers.ModelSerializer[Milestone]):
    class Meta:
        model = Milestone
        fields = ["id", "name", "due", "done_on"]


class ProjectOutput(serializers.ModelSerializer[Project]):
    kind_label = ChoiceLabelField(source="kind")
    status_label = ChoiceLabelField(source="status")
    milestones = ProjectMilestoneOutput(many=True, read_only=True)

    class Meta:
        model = Project
        fields = [
            "id", "name", "school", "kind", "kind_label", "stage", "places_added", "budget", "funding_source",
            "start_date", "planned_completion", "completed_on", "status", "status_label", "milestones",
        ]  # fmt: skip


class ProjectInput(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=100)
    school = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Project._meta.get_field("kind").choices)  # type: ignore[arg-type]
    stage = serializers.ChoiceField(choices=Project._meta.get_field("stage").choices)  # type: ignore[arg-type]
    places_added = serializers.IntegerField(min_value=0)
    budget = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0)  # type: ignore[arg-type]
    funding_source = serializers.CharField(max_length=60, required=False, allow_blank=True)
    start_date = serializers.DateField()
    planned_completion = serializers.DateField()


@extend_schema_view(
    list=extend_schema(tags=TAGS, summary="建设项目（含节点）"),
    retrieve=extend_schema(tags=TAGS, summary="建设项目详情"),
    create=extend_schema(tags=TAGS, summary="登记建设项目", request=ProjectInput),
)
class ProjectViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = ProjectOutput
    policy_actions = {"create": action("edit")}

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return Project.objects.none()
        actor = request_actor(self.request)
        ensure_can(actor, action("view"))
        return selectors.project_list(actor=actor).order_by("planned_completion", "pk")

    def create(self, request: Request) -> Response:
        from edugov.accounts.scope import write_scoped
        from edugov.registry.models import School

        actor = request_actor(request)
        data = self.validated_input(ProjectInput)
        school = write_scoped(School, actor).filter(pk=data.pop("school")).first()
        if school is None:
            return Response(
                {"school": ["学校不存在或不在您的管理范围内"]}, status=status.HTTP_400_BAD_REQUEST
            )
        project = services.project_create(actor=actor, school=school, **data)
        return Response(ProjectOutput(project).data, status=status.HTTP_201_CREATED)


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


# Monthly progress, red and black lists --------------------------------------------------------------


class ProjectProgressOutput(serializers.ModelSerializer[ProjectProgress]):
    behind = serializers.SerializerMethodField()

    class Meta:
        model = ProjectProgress
        fields = ["id", "project", "month", "planned_pct", "actual_pct", "behind", "note"]

    def get_behind(self, obj: ProjectProgress) -> int:
        return max(0, obj.planned_pct - obj.actual_pct)


class ProjectProgressInput(serializers.Serializer[Any]):
    project = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    month = serializers.DateField()
    planned_pct = serializers.IntegerField(min_value=0, max_value=100)
    actual_pct = serializers.IntegerField(min_value=0, max_value=100)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


@extend_schema_view(
    list=extend_schema(tags=TAGS, summary="项目月度进度（计划与实际累计进度）"),
    create=extend_schema(tags=TAGS, summary="报送项目月度进度", request=ProjectProgressInput),
)
class ProgressViewSet(mixins.ListModelMixin, ApiViewSet):
    serializer_class = ProjectProgressOutput
    policy_actions = {"create": action("edit")}

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return ProjectProgress.objects.none()
        actor = request_actor(self.request)
        ensure_can(actor, action("view"))
        return scoped(ProjectProgress, actor).order_by("-month", "project_id", "pk")

    def create(self, request: Request) -> Response:
        actor = request_actor(request)
        data = self.validated_input(ProjectProgressInput)
        project = write_scoped(Project, actor).filter(pk=data.pop("project")).first()
        if project is None:
            return Response(
                {"project": ["项目不存在或不在您的管理范围内"]}, status=status.HTTP_400_BAD_REQUEST
            )
        row = services.progress_report(actor=actor, project=project, **data)
        return Response(ProjectProgressOutput(row).data, status=status.HTTP_201_CREATED)


class ProjectListOutput(serializers.ModelSerializer[ProjectList]):
    status_label = ChoiceLabelField(source="status")

    class Meta:
        model = ProjectList
        fields = [
            "id",
            "area",
            "month",
            "title",
            "status",
            "status_label",
            "notice_number",
            "published_at",
            "entries",
        ]


@extend_schema_view(
    list=extend_schema(tags=TAGS, summary="建设项目红黑榜（按月）"),
    retrieve=extend_schema(tags=TAGS, summary="建设项目红黑榜详情"),
)
class ProjectListViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = ProjectListOutput

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return ProjectList.objects.none()
        actor = request_actor(self.request)
        ensure_can(actor, action("view"))
        return selectors.project_lists(actor=actor).order_by("-month", "-pk")


# Senior-high quota allocation --------------------------------------------------------------------


class QuotaPlanOutput(serializers.ModelSerializer[QuotaPlan]):
    status_label = ChoiceLabelField(source="status")

    class Meta:
        model = QuotaPlan
        fields = [
            "id",
            "area",
            "school",
            "year",
            "places",
            "share_pct",
            "rural_weight",
            "source",
            "status",
            "status_label",
        ]


class QuotaPlanInput(serializers.Serializer[Any]):
    school = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    places = serializers.IntegerField(min_value=1, max_value=100000)
    share_pct = serializers.DecimalField(max_digits=5, decimal_places=2)
    rural_weight = serializers.DecimalField(max_digits=4, decimal_places=2, default=Decimal(1))
    basis = serializers.CharField(max_length=120, required=False, allow_blank=True, default="", label="依据")
    status = serializers.ChoiceField(choices=QuotaStatus.choices, default=QuotaStatus.DRAFT)


@extend_schema_view(
    list=extend_schema(tags=TAGS, summary="指标到校计划（优质普通高中招生计划与分配比例）"),
    create=extend_schema(tags=TAGS, summary="登记或修改指标到校计划", request=QuotaPlanInput),
)
class QuotaPlanViewSet(mixins.ListModelMixin, ApiViewSet):
    serializer_class = QuotaPlanOutput
    policy_actions = {"create": action("edit")}

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return QuotaPlan.objects.none()
        actor = request_actor(self.request)
        ensure_can(actor, action("view"))
        return selectors.quota_plans(actor=actor).order_by("-year", "school__code", "pk")

    def create(self, request: Request) -> Response:
        actor = request_actor(request)
        data = self.validated_input(QuotaPlanInput)
        school = write_scoped(School, actor).filter(pk=data.pop("school")).first()
        if school is None:
            return Response(
                {"school": ["学校不存在或不在您的管理范围内"]}, status=status.HTTP_400_BAD_REQUEST
            )
        data["source"] = data.pop("basis")
        plan = services.quota_save(actor=actor, school=school, **data)
        return Response(QuotaPlanOutput(plan).data, status=status.HTTP_201_CREATED)


class QuotaViewSet(ApiViewSet):
    pagination_class = None
    filter_backends = ()  # one computed answer: no filter, search or ordering parameters

    @extend_schema(
        tags=TAGS,
        summary="指标到校分配表（按初中毕业年级人数、农村加权、最大余额法）",
        parameters=[OpenApiParameter("year", int, description="招生年份（默认最近一年）")],
        responses=OpenApiTypes.OBJECT,
    )
    def list(self, request: Request) -> Response:
        from .views import _int

        actor = request_actor(request)
        ensure_can(actor, action("view"))
        t = selectors.quota_table(
            actor=actor, year=_int(request.query_params, "year", "招生年份", 2000, 2100)
        )
        return Response(
            {
                "plans": [
                    {
                        "id": p.pk,
                        "school": p.school.name,
                        "year": p.year,
                        "places": p.places,
                        "share_pct": float(p.share_pct),
                        "allocated": t.allocated[p.pk],
                        "status": p.status,
                    }
                    for p in t.plans
                ],
                "schools": [
                    dataclasses.asdict(j)
                    | {
                        "places": {str(p.pk): t.cells.get((p.pk, j.school_id), 0) for p in t.plans},
                        "total": t.totals.get(j.school_id, 0),
                    }
                    for j in t.schools
                ],
            }
        )


# Private schools ---------------------------------------------------------------------------------


class PrivateYearOutput(serializers.ModelSerializer[PrivateSchoolYear]):
    over_plan = serializers.SerializerMethodField()
    related_party_flag = serializers.SerializerMethodField()

    class Meta:
        model = PrivateSchoolYear
        fields = [
            "id",
            "school",
            "year",
            "approved_scale",
            "plan_enrolment",
            "actual_enrolment",
            "pupils",
            "income",
            "fee_income",
            "related_party_payments",
            "over_plan",
            "related_party_flag",
        ]

    def get_over_plan(self, obj: PrivateSchoolYear) -> bool:
        return obj.actual_enrolment > obj.plan_enrolment

    def get_related_party_flag(self, obj: PrivateSchoolYear) -> bool:
        return obj.related_party_payments > 0


class PrivateYearInput(serializers.Serializer[Any]):
    school = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    approved_scale = serializers.IntegerField(min_value=1, max_value=10**6)
    plan_enrolment = serializers.IntegerField(min_value=0, max_value=10**6)
    actual_enrolment = serializers.IntegerField(min_value=0, max_value=10**6)
    pupils = serializers.IntegerField(min_value=0, max_value=10**6)
    income = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=Decimal(0), default=Decimal(0)
    )
    fee_income = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=Decimal(0), default=Decimal(0)
    )
    related_party_payments = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=Decimal(0), default=Decimal(0)
    )


@extend_schema_view(
    list=extend_schema(tags=TAGS, summary="民办学校年度情况（规模、招生、财务、关联交易标记）"),
    create=extend_schema(tags=TAGS, summary="登记民办学校年度情况", request=PrivateYearInput),
)
class PrivateYearViewSet(mixins.ListModelMixin, ApiViewSet):
    serializer_class = PrivateYearOutput
    policy_actions = {"create": action("edit")}

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return PrivateSchoolYear.objects.none()
        actor = request_actor(self.request)
        ensure_can(actor, action("view"))
        return scoped(PrivateSchoolYear, actor).order_by("-year", "school__code", "pk")

    def create(self, request: Request) -> Response:
        actor = request_actor(request)
        data = self.validated_input(PrivateYearInput)
        school = write_scoped(School, actor).filter(pk=data.pop("school")).first()
        if school is None:
            return Response(
                {"school": ["学校不存在或不在您的管理范围内"]}, status=status.HTTP_400_BAD_REQUEST
            )
        row = services.private_year_save(actor=actor, school=school, **data)
        return Response(PrivateYearOutput(row).data, status=status.HTTP_201_CREATED)


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


def _write_town(actor: Any, pk: int) -> Area | None:
    return write_scoped(Area, actor).filter(pk=pk).first()


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
        from .views import _int

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
