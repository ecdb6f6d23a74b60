"""REST API of quality monitoring, aggregates only: assessments, each assessment's band
distribution by school, and value-added with its intervals. No route returns a pupil key or a
pupil's score. Same selectors as the pages; reading asks the policy (quality.view)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from edugov.accounts.actor import request_actor
from edugov.accounts.policy import ensure_can
from edugov.api.base import ApiViewSet, ChoiceLabelField
from edugov.common.errors import DomainError

from . import selectors
from .errors import QualityError as E
from .models import Assessment
from .permissions import action as policy_action
from .selectors import BandRow, ValueAddedView

TAGS = ["质量监测"]


class AssessmentOutput(serializers.ModelSerializer[Assessment]):
    kind_label = ChoiceLabelField(source="kind")

    class Meta:
        model = Assessment
        fields = [
            "id",
            "code",
            "name",
            "kind",
            "kind_label",
            "subject",
            "grade",
            "held_on",
            "school_year",
            "max_score",
            "excellent_min",
            "good_min",
            "pass_min",
        ]


def band_row(r: BandRow) -> dict[str, Any]:
    return {
        "id": r.unit_id,
        "name": r.name,
        "town": r.town,
        "n": r.n,
        "bands": {label: {"count": count, "share": round(share, 1)} for label, count, share in r.cells},
        "mean": r.mean,
    }


def value_added_payload(va: ValueAddedView) -> dict[str, Any]:
    return {
        "prior": va.prior.pk,
        "post": va.post.pk,
        "level": va.level,
        "model": {
            "n_pupils": va.n_pupils,
            "n_groups": va.n_groups,
            "slope": round(va.slope, 4),
            "intercept": round(va.intercept, 3),
            "sigma": round(va.sigma, 3),
            "tau": round(va.tau, 3),
            "context_variables": [],
        },
        "counts": va.counts,
        "rows": [
            {
                "id": r.unit_id,
                "name": r.name,
                "town": r.town,
                "n": r.n,
                "effect": round(r.effect, 2),
                "low": round(r.low, 2),
                "high": round(r.high, 2),
                "verdict": r.verdict,
                "verdict_label": r.verdict_label,
            }
            for r in va.rows
        ],
    }


@extend_schema_view(
    list=extend_schema(tags=TAGS, summary="测评"),
    retrieve=extend_schema(tags=TAGS, summary="测评详情（含等级线）"),
)
class AssessmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = AssessmentOutput

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # the schema is built without a user
            return Assessment.objects.none()
        actor = request_actor(self.request)
        ensure_can(actor, policy_action("view"))
        return selectors.assessment_list(actor=actor).order_by("-held_on", "code")

    @extend_schema(tags=TAGS, summary="测评的各校等级分布（不含学生）", responses=OpenApiTypes.OBJECT)
    @action(detail=True, methods=["get"])
    def bands(self, request: Request, pk: str | None = None) -> Response:
        actor = request_actor(request)
        assessment = self.get_object()
        total = selectors.total_bands(actor=actor, assessment=assessment)
        rows = selectors.school_bands(actor=actor, assessment=assessment)
        return Response(
            {"assessment": assessment.pk, "total": band_row(total), "schools": [band_row(r) for r in rows]}
        )


class ValueAddedViewSet(ApiViewSet):
    pagination_class = None
    filter_backends = ()  # one computed answer: no filter, search or ordering parameters

    @extend_schema(
        tags=TAGS,
        summary="增值评价（各校或各班的增值及95%区间）",
        parameters=[
            OpenApiParameter("prior", int, required=True, description="前测ID"),
            OpenApiParameter("post", int, required=True, description="后测ID"),
            OpenApiParameter("level", str, enum=["school", "class"], description="单位：学校或班级"),
            OpenApiParameter("sort", str, enum=["name", "effect"], description="排列：名称或增值"),
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def list(self, request: Request) -> Response:
        actor = request_actor(request)
        ensure_can(actor, policy_action("view"))
        for name, label in (("prior", "前测"), ("post", "后测")):
            if not request.query_params.get(name, "").strip():
                raise DomainError(E.BAD_PARAM, field=label, reason=f"请用参数 {name} 指定测评ID")
        assessments = list(selectors.assessment_list(actor=actor))
        prior = selectors.pick_assessment(assessments, request.query_params.get("prior", ""))
        post = selectors.pick_assessment(assessments, request.query_params.get("post", ""))
        va = selectors.value_added(
            actor=actor,
            prior=prior,
            post=post,
            level=request.query_params.get("level", "school"),
            sort=request.query_params.get("sort", "name"),
        )
        return Response(value_added_payload(va))
