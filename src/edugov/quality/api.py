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
from edugov.accounts.scope import scoped
from edugov.api.base import ApiViewSet, ChoiceLabelField, ReferencePrimaryKeyField, ScopedPrimaryKeyField
from edugov.common.errors import DomainError
from edugov.registry.models import School, SchoolYear

from . import fitness_selectors, selectors, services
from .errors import QualityError as E
from .fitness_selectors import RateRow
from .models import Assessment, Award, AwardLevel, ExamLine, LineResult, Recipient, exam_of
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


# Physical fitness and outcomes ------------------------------------------------------------------


def rate_row(r: RateRow) -> dict[str, Any]:
    return {"id": r.unit_id, "name": r.name, "town": r.town, **r.as_dict()}


class FitnessRatesViewSet(ApiViewSet):
    pagination_class = None
    filter_backends = ()  # one computed answer: no filter, search or ordering parameters

    @extend_schema(
        tags=TAGS,
        summary="体质健康及格率与优良率（全区、城乡、乡镇、学校、历年；不含学生）",
        parameters=[OpenApiParameter("year", int, description="学年起始年份（缺省为最近一学年）")],
        responses=OpenApiTypes.OBJECT,
    )
    def list(self, request: Request) -> Response:
        actor = request_actor(request)
        ensure_can(actor, policy_action("view"))
        years = fitness_selectors.fitness_years(actor=actor)
        raw = request.query_params.get("year", "").strip()
        if raw and not raw.isdigit():
            raise DomainError(E.BAD_PARAM, field="学年", reason="应为学年起始年份，如2025")
        year = (
            next((y for y in years if str(y.start_year) == raw), None)
            if raw
            else (years[0] if years else None)
        )
        if year is None:
            return Response({"year": int(raw) if raw else None, "total": None, "schools": []})
        return Response(
            {
                "year": year.start_year,
                "total": rate_row(fitness_selectors.total_rates(actor=actor, year=year)),
                "urban_rural": [
                    rate_row(r) for r in fitness_selectors.urban_rural_rates(actor=actor, year=year)
                ],
                "towns": [rate_row(r) for r in fitness_selectors.town_rates(actor=actor, year=year)],
                "schools": [rate_row(r) for r in fitness_selectors.school_rates(actor=actor, year=year)],
                "trend": [
                    {"year": y.start_year, **r.as_dict()} for y, r in fitness_selectors.trend(actor=actor)
                ],
            }
        )


class QualityLineOutput(serializers.ModelSerializer[LineResult]):
    school_name = serializers.CharField(source="school.name", read_only=True)
    year = serializers.IntegerField(source="school_year.start_year", read_only=True)
    line_label = ChoiceLabelField(source="line")
    exam = serializers.SerializerMethodField(help_text="zhongkao：中考；gaokao：高考")
    rate = serializers.SerializerMethodField()

    class Meta:
        model = LineResult
        fields = [
            "id",
            "school",
            "school_name",
            "year",
            "exam",
            "line",
            "line_label",
            "candidates",
            "reached",
            "rate",
        ]

    def get_exam(self, obj: LineResult) -> str:
        return str(exam_of(obj.line))

    def get_rate(self, obj: LineResult) -> float:
        return round(100.0 * obj.reached / obj.candidates, 1) if obj.candidates else 0.0


class QualityAwardOutput(serializers.ModelSerializer[Award]):
    school_name = serializers.CharField(source="school.name", read_only=True)
    year = serializers.IntegerField(source="school_year.start_year", read_only=True)
    recipient_label = ChoiceLabelField(source="recipient")
    level_label = ChoiceLabelField(source="level")

    class Meta:
        model = Award
        fields = [
            "id",
            "school",
            "school_name",
            "year",
            "recipient",
            "recipient_label",
            "level",
            "level_label",
            "contest",
            "prize",
            "count",
        ]


def _outcome_schools(user: Any) -> Any:
    return School.objects.filter(archived_at__isnull=True)


class QualityLineInput(serializers.Serializer[Any]):
    school = ScopedPrimaryKeyField(rows=_outcome_schools, help_text="学校ID")
    school_year = ReferencePrimaryKeyField(queryset=SchoolYear.objects.all(), help_text="学年ID")
    line = serializers.ChoiceField(choices=ExamLine.choices, help_text="分数线（中考或高考）")
    candidates = serializers.IntegerField(min_value=1, max_value=100_000)
    reached = serializers.IntegerField(min_value=0, max_value=100_000)


class QualityAwardInput(serializers.Serializer[Any]):
    school = ScopedPrimaryKeyField(rows=_outcome_schools, help_text="学校ID")
    school_year = ReferencePrimaryKeyField(queryset=SchoolYear.objects.all(), help_text="学年ID")
    recipient = serializers.ChoiceField(choices=Recipient.choices)
    level = serializers.ChoiceField(choices=AwardLevel.choices)
    contest = serializers.CharField(max_length=100)
    prize = serializers.CharField(max_length=20)
    count = serializers.IntegerField(min_value=1, max_value=100_000)


@extend_schema_view(
    list=extend_schema(tags=TAGS, summary="中考、高考上线人数（按学校、学年、分数线；不含学生）")
)
class LineResultViewSet(mixins.ListModelMixin, ApiViewSet):
    serializer_class = QualityLineOutput
    policy_actions = {"create": policy_action("import_outcomes")}

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return LineResult.objects.none()
        actor = request_actor(self.request)
        ensure_can(actor, policy_action("view"))
        return (
            scoped(LineResult, actor)
            .select_related("school", "school_year")
            .order_by("-school_year__start_year", "school__code", "line")
        )

    @extend_schema(
        tags=TAGS,
        summary="登记一所学校一学年一条分数线的上线人数（同一分数线再次登记即更正）",
        request=QualityLineInput,
        responses=QualityLineOutput,
    )
    def create(self, request: Request) -> Response:
        return self.create_with(services.line_result_save, QualityLineInput, QualityLineOutput)


@extend_schema_view(list=extend_schema(tags=TAGS, summary="师生获奖人次（不含姓名）"))
class AwardViewSet(mixins.ListModelMixin, ApiViewSet):
    serializer_class = QualityAwardOutput
    policy_actions = {"create": policy_action("import_outcomes")}

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return Award.objects.none()
        actor = request_actor(self.request)
        ensure_can(actor, policy_action("view"))
        return (
            scoped(Award, actor)
            .select_related("school", "school_year")
            .order_by("-school_year__start_year", "school__code", "contest", "prize")
        )

    @extend_schema(
        tags=TAGS,
        summary="登记获奖人次（不录姓名；同一学校、学年、对象、级别、赛事与奖项再次登记即更正）",
        request=QualityAwardInput,
        responses=QualityAwardOutput,
    )
    def create(self, request: Request) -> Response:
        return self.create_with(services.award_save, QualityAwardInput, QualityAwardOutput)
