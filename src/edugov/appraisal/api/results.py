"""REST API of computed results with their evidence trail."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from edugov.accounts.actor import request_actor
from edugov.accounts.scope import scoped
from edugov.api.base import ApiViewSet, ChoiceLabelField, ReferencePrimaryKeyField, ScopedPrimaryKeyField
from edugov.common.errors import DomainError
from edugov.registry.models import SchoolYear

from .. import selectors, services
from ..errors import AppraisalError as E
from ..models import (
    ResultLine,
    SchoolResult,
)
from ..permissions import action
from .common import TAGS, _districts

# -- results ---------------------------------------------------------------------------------------


class ResultLineOutput(serializers.ModelSerializer[ResultLine]):
    indicator_name = serializers.CharField(source="indicator.name", read_only=True)
    origin_label = ChoiceLabelField(source="origin")

    class Meta:
        model = ResultLine
        fields = [
            "indicator",
            "indicator_name",
            "raw",
            "score",
            "weight",
            "points",
            "origin",
            "origin_label",
            "source_label",
            "as_of",
            "detail",
        ]


class SchoolResultOutput(serializers.ModelSerializer[SchoolResult]):
    school_name = serializers.CharField(source="school.name", read_only=True)
    band = serializers.SerializerMethodField()
    lines = ResultLineOutput(many=True, read_only=True)

    class Meta:
        model = SchoolResult
        fields = [
            "id",
            "scheme",
            "school",
            "school_name",
            "total",
            "band",
            "from_data",
            "entered",
            "missing",
            "computed_at",
            "lines",
        ]

    def get_band(self, obj: SchoolResult) -> str:
        return selectors.band_of(obj.total)[1]


class ComputeInput(serializers.Serializer[Any]):
    area = ScopedPrimaryKeyField(rows=_districts, help_text="区县ID")
    school_year = ReferencePrimaryKeyField(queryset=SchoolYear.objects.all(), help_text="学年ID")


@extend_schema_view(
    list=extend_schema(tags=TAGS, summary="各校考核结果（含明细与依据）"),
    retrieve=extend_schema(tags=TAGS, summary="一所学校的考核结果"),
)
class ResultViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = SchoolResultOutput
    policy_actions = {"create": action("compute")}

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return SchoolResult.objects.none()
        return (
            scoped(SchoolResult, request_actor(self.request))
            .select_related("school")
            .prefetch_related("lines__indicator")
            .order_by("scheme_id", "school_id")
        )

    @extend_schema(
        tags=TAGS,
        summary="按最新数据计算一个区县一学年的考核结果",
        request=ComputeInput,
        responses=OpenApiTypes.OBJECT,
    )
    def create(self, request: Request) -> Response:
        d = self.validated_input(ComputeInput)
        scheme = selectors.scheme_of_district(district=d["area"], school_year=d["school_year"])
        if scheme is None:
            raise DomainError(E.NO_SCHEME)
        n = services.results_compute(actor=request_actor(request), scheme=scheme)
        return Response({"scheme": scheme.pk, "schools": n}, status=status.HTTP_201_CREATED)
