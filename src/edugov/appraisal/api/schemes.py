"""REST API of appraisal schemes, indicators and a school's own "N" items."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from edugov.accounts.actor import request_actor
from edugov.accounts.policy import ensure_can
from edugov.accounts.scope import scoped
from edugov.api.base import ApiViewSet, ChoiceLabelField, ReferencePrimaryKeyField, ScopedPrimaryKeyField
from edugov.registry.models import SchoolYear

from .. import selectors, services
from ..models import (
    DimensionKind,
    Indicator,
    Scheme,
    ScoringRule,
)
from ..permissions import action
from .common import TAGS, _districts, _school_scheme, _schools

# -- schemes ---------------------------------------------------------------------------------------


class AppraisalIndicatorInput(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=100)
    weight = serializers.DecimalField(max_digits=5, decimal_places=2, help_text="权重（%）")
    rule = serializers.ChoiceField(choices=ScoringRule.choices)
    source_code = serializers.CharField(
        max_length=40, allow_blank=True, default="", help_text="数据来源代码；空为学校填报"
    )
    floor = serializers.DecimalField(max_digits=10, decimal_places=2, required=False, allow_null=True)
    target = serializers.DecimalField(max_digits=10, decimal_places=2, required=False, allow_null=True)
    thresholds = serializers.ListField(
        child=serializers.ListField(
            child=serializers.DecimalField(max_digits=10, decimal_places=2), max_length=2
        ),
        max_length=10,
        required=False,
        default=list,
        help_text="分档：[[至少值, 得分], ...]",
    )


class AppraisalDimensionInput(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=DimensionKind.choices)
    name = serializers.CharField(max_length=60)
    indicators = AppraisalIndicatorInput(many=True, required=False, default=list)


class SchemeInput(serializers.Serializer[Any]):
    area = ScopedPrimaryKeyField(rows=_districts, help_text="区县ID")
    school_year = ReferencePrimaryKeyField(queryset=SchoolYear.objects.all(), help_text="学年ID")
    name = serializers.CharField(max_length=100)
    characteristic_weight = serializers.DecimalField(
        max_digits=5, decimal_places=2, help_text="特色项目权重（%）"
    )
    dimensions = AppraisalDimensionInput(many=True)


class AppraisalIndicatorEdit(AppraisalIndicatorInput):
    id = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=2**31 - 1, help_text="原指标ID；空为新增"
    )


class AppraisalDimensionEdit(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=DimensionKind.choices)
    name = serializers.CharField(max_length=60)
    indicators = AppraisalIndicatorEdit(many=True, required=False, default=list)


class SchemeUpdateInput(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=100)
    characteristic_weight = serializers.DecimalField(
        max_digits=5, decimal_places=2, help_text="特色项目权重（%）"
    )
    dimensions = AppraisalDimensionEdit(many=True)


def _indicator_input(d: dict[str, Any]) -> services.IndicatorInput:
    return services.IndicatorInput(
        pk=d.get("id"),
        name=d["name"],
        weight=d["weight"],
        rule=d.get("rule", ScoringRule.ENTERED),
        source=d.get("source_code", ""),
        floor=d.get("floor"),
        target=d.get("target"),
        thresholds=[[str(x) for x in pair] for pair in d.get("thresholds", [])],
    )


class AppraisalIndicatorOutput(serializers.ModelSerializer[Indicator]):
    rule_label = ChoiceLabelField(source="rule")
    dimension_name = serializers.CharField(source="dimension.name", read_only=True)
    dimension_kind = serializers.CharField(source="dimension.kind", read_only=True)

    class Meta:
        model = Indicator
        fields = [
            "id",
            "dimension",
            "dimension_name",
            "dimension_kind",
            "school",
            "name",
            "source",
            "rule",
            "rule_label",
            "floor",
            "target",
            "thresholds",
            "weight",
        ]


class SchemeOutput(serializers.ModelSerializer[Scheme]):
    school_year_label = serializers.CharField(source="school_year.__str__", read_only=True)

    class Meta:
        model = Scheme
        fields = [
            "id",
            "area",
            "school_year",
            "school_year_label",
            "name",
            "characteristic_weight",
            "created_at",
        ]


@extend_schema_view(
    list=extend_schema(tags=TAGS, summary="考核方案"),
    retrieve=extend_schema(tags=TAGS, summary="一个考核方案"),
)
class SchemeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = SchemeOutput
    policy_actions = {"create": action("scheme_edit"), "update": action("scheme_edit")}

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return Scheme.objects.none()
        return selectors.scheme_list(actor=request_actor(self.request)).order_by("pk")

    @extend_schema(
        tags=TAGS,
        summary="制定考核方案（共性指标与特色项目权重合计须为100%）",
        request=SchemeInput,
        responses=SchemeOutput,
    )
    def create(self, request: Request) -> Response:
        d = self.validated_input(SchemeInput)
        row = services.scheme_create(
            actor=request_actor(request),
            area=d["area"],
            school_year=d["school_year"],
            name=d["name"],
            characteristic_weight=d["characteristic_weight"],
            dimensions=[
                services.DimensionInput(
                    x["kind"], x["name"], [_indicator_input(i) for i in x.get("indicators", [])]
                )
                for x in d["dimensions"]
            ],
        )
        return Response(SchemeOutput(row).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        tags=TAGS,
        summary="修改考核方案（已有考核结果的须先撤销；指标按ID修改，未列出的删除）",
        request=SchemeUpdateInput,
        responses=SchemeOutput,
    )
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        scheme = self.get_object()
        d = self.validated_input(SchemeUpdateInput)
        row = services.scheme_update(
            actor=request_actor(request),
            scheme=scheme,
            name=d["name"],
            characteristic_weight=d["characteristic_weight"],
            dimensions=[
                services.DimensionInput(
                    x["kind"], x["name"], [_indicator_input(i) for i in x.get("indicators", [])]
                )
                for x in d["dimensions"]
            ],
        )
        return Response(SchemeOutput(row).data)


class CharacteristicInput(serializers.Serializer[Any]):
    school = ScopedPrimaryKeyField(rows=_schools, help_text="学校ID")
    school_year = ReferencePrimaryKeyField(queryset=SchoolYear.objects.all(), help_text="学年ID")
    items = serializers.ListField(child=AppraisalIndicatorInput(), max_length=services.MAX_N_ITEMS)


@extend_schema_view(list=extend_schema(tags=TAGS, summary="考核指标（本人范围内）"))
class IndicatorViewSet(mixins.ListModelMixin, ApiViewSet):
    serializer_class = AppraisalIndicatorOutput
    policy_actions = {"create": action("characteristic_edit")}

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return Indicator.objects.none()
        return scoped(Indicator, request_actor(self.request)).select_related("dimension").order_by("pk")

    @extend_schema(
        tags=TAGS,
        summary="设定本校“N”特色项目（替换原有项目，权重合计等于方案的特色项目权重）",
        request=CharacteristicInput,
        responses=AppraisalIndicatorOutput(many=True),
    )
    def create(self, request: Request) -> Response:
        d = self.validated_input(CharacteristicInput)
        actor = request_actor(request)
        ensure_can(actor, action("characteristic_edit"), d["school"])
        rows = services.characteristic_items_save(
            actor=actor,
            scheme=_school_scheme(d["school"], d["school_year"]),
            school=d["school"],
            items=[_indicator_input(i) for i in d["items"]],
        )
        return Response(AppraisalIndicatorOutput(rows, many=True).data, status=status.HTTP_201_CREATED)
