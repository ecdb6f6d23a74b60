"""REST API of planning: senior-school quota plans, the allocation and private schools' figures."""

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
from edugov.registry.models import School

from .. import selectors, services
from ..models import (
    PrivateSchoolYear,
    QuotaPlan,
    QuotaStatus,
)
from ..permissions import action
from .base import TAGS

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
        from ..views import _int

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
