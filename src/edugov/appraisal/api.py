"""REST API of school appraisal: schemes (the bureau defines one per district and school year,
weights summing to 100%), indicators, a school's own "N" items, hand-entered values, computed
results with their evidence trail, routine checklists and inspections, and after-school
satisfaction counts. Same selectors and services as the pages; schools only, never pupils.

An indicator and a checklist are named by id and resolved through the school's district (they are
district data, which a school's account does not read as rows); the school is write-scoped."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from edugov.accounts.actor import request_actor
from edugov.accounts.policy import ensure_can
from edugov.accounts.scope import scoped
from edugov.api.base import ApiViewSet, ChoiceLabelField, ReferencePrimaryKeyField, ScopedPrimaryKeyField
from edugov.common.errors import DomainError
from edugov.registry.models import Area, AreaLevel, School, SchoolYear

from . import selectors, services
from .errors import AppraisalError as E
from .models import (
    DimensionKind,
    Indicator,
    Respondent,
    ResultLine,
    RoutineCategory,
    RoutineChecklist,
    RoutineInspection,
    RoutineMark,
    SatisfactionSurvey,
    Scheme,
    SchoolResult,
    ScoringRule,
)
from .models import Entry as EntryRow
from .permissions import action

TAGS = ["学校考核"]


def _schools(user: Any) -> QuerySet[School]:
    return School.objects.filter(archived_at__isnull=True)


def _districts(user: Any) -> QuerySet[Area]:
    return Area.objects.filter(level=AreaLevel.DISTRICT)


def _school_scheme(school: School, school_year: SchoolYear) -> Scheme:
    scheme = selectors.scheme_for_school(school=school, school_year=school_year)
    if scheme is None:
        raise DomainError(E.NO_SCHEME)
    return scheme


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


def _indicator_input(d: dict[str, Any]) -> services.IndicatorInput:
    return services.IndicatorInput(
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
    policy_actions = {"create": action("scheme_edit")}

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


# -- entries ---------------------------------------------------------------------------------------


class EntryInput(serializers.Serializer[Any]):
    school = ScopedPrimaryKeyField(rows=_schools, help_text="学校ID")
    indicator = serializers.IntegerField(
        min_value=1, max_value=2**31 - 1, help_text="指标ID（本校所在区县方案中的填报项）"
    )
    value = serializers.DecimalField(max_digits=10, decimal_places=2)
    note = serializers.CharField(max_length=300, allow_blank=True, default="")


class EntryOutput(serializers.ModelSerializer[EntryRow]):
    class Meta:
        model = EntryRow
        fields = ["id", "indicator", "school", "value", "note", "evidence_name", "entered_at"]


@extend_schema_view(list=extend_schema(tags=TAGS, summary="学校填报值"))
class EntryViewSet(mixins.ListModelMixin, ApiViewSet):
    serializer_class = EntryOutput
    policy_actions = {"create": action("entry_edit")}

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return EntryRow.objects.none()
        return scoped(EntryRow, request_actor(self.request)).order_by("pk")

    @extend_schema(
        tags=TAGS,
        summary="填报一项指标（佐证材料在学校考核页面上传）",
        request=EntryInput,
        responses=EntryOutput,
    )
    def create(self, request: Request) -> Response:
        d = self.validated_input(EntryInput)
        actor = request_actor(request)
        school: School = d["school"]
        ensure_can(actor, action("entry_edit"), school)
        district = selectors.district_of(school.area)
        indicator = (
            Indicator.objects.filter(pk=d["indicator"], dimension__scheme__area=district)
            .select_related("dimension__scheme__area")
            .first()
        )
        if indicator is None:
            raise DomainError(E.BAD_FIELD, field="指标", reason="不存在或不属于本校所在区县的方案")
        row = services.entry_save(
            actor=actor, indicator=indicator, school=school, value=d["value"], note=d["note"]
        )
        return Response(EntryOutput(row).data, status=status.HTTP_201_CREATED)


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


# -- teaching routine ------------------------------------------------------------------------------


class CheckInput(serializers.Serializer[Any]):
    category = serializers.ChoiceField(choices=RoutineCategory.choices)
    text = serializers.CharField(max_length=200)


class ChecklistInput(serializers.Serializer[Any]):
    area = ScopedPrimaryKeyField(rows=_districts, help_text="区县ID")
    name = serializers.CharField(max_length=100)
    basis = serializers.CharField(max_length=200, allow_blank=True, default="", help_text="依据")
    checks = serializers.ListField(child=CheckInput(), max_length=services.MAX_CHECKS)


class ChecklistOutput(serializers.ModelSerializer[RoutineChecklist]):
    checks = serializers.SerializerMethodField()

    class Meta:
        model = RoutineChecklist
        fields = ["id", "area", "name", "source", "checks"]

    def get_checks(self, obj: RoutineChecklist) -> list[dict[str, Any]]:
        return [{"id": c.pk, "category": c.category, "text": c.text} for c in obj.checks.all()]


@extend_schema_view(list=extend_schema(tags=TAGS, summary="教学常规检查表"))
class ChecklistViewSet(mixins.ListModelMixin, ApiViewSet):
    serializer_class = ChecklistOutput
    policy_actions = {"create": action("checklist_edit")}

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return RoutineChecklist.objects.none()
        return scoped(RoutineChecklist, request_actor(self.request)).prefetch_related("checks").order_by("pk")

    @extend_schema(tags=TAGS, summary="建立教学常规检查表", request=ChecklistInput, responses=ChecklistOutput)
    def create(self, request: Request) -> Response:
        d = self.validated_input(ChecklistInput)
        row = services.checklist_create(
            actor=request_actor(request),
            area=d["area"],
            name=d["name"],
            source=d["basis"],
            checks=[(c["category"], c["text"]) for c in d["checks"]],
        )
        return Response(ChecklistOutput(row).data, status=status.HTTP_201_CREATED)


class MarkInputSerializer(serializers.Serializer[Any]):
    check_id = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    passed = serializers.BooleanField()
    note = serializers.CharField(max_length=300, allow_blank=True, default="")


class InspectionInput(serializers.Serializer[Any]):
    school = ScopedPrimaryKeyField(rows=_schools, help_text="学校ID")
    checklist = serializers.IntegerField(
        min_value=1, max_value=2**31 - 1, help_text="检查表ID（本校所在区县的）"
    )
    inspected_on = serializers.DateField()
    note = serializers.CharField(max_length=500, allow_blank=True, default="")
    marks = serializers.ListField(child=MarkInputSerializer(), max_length=services.MAX_CHECKS)


class RoutineMarkOutput(serializers.ModelSerializer[RoutineMark]):
    text = serializers.CharField(source="check_item.text", read_only=True)

    class Meta:
        model = RoutineMark
        fields = ["check_item", "text", "passed", "note"]


class InspectionOutput(serializers.ModelSerializer[RoutineInspection]):
    marks = RoutineMarkOutput(many=True, read_only=True)

    class Meta:
        model = RoutineInspection
        fields = ["id", "school", "checklist", "inspected_on", "note", "marks"]


@extend_schema_view(
    list=extend_schema(tags=TAGS, summary="教学常规检查记录"),
    retrieve=extend_schema(tags=TAGS, summary="一次检查"),
)
class InspectionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = InspectionOutput
    policy_actions = {"create": action("inspect")}

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return RoutineInspection.objects.none()
        return (
            scoped(RoutineInspection, request_actor(self.request))
            .prefetch_related("marks__check_item")
            .order_by("pk")
        )

    @extend_schema(
        tags=TAGS,
        summary="记录一次教学常规检查（未达标项目列入问题清单）",
        request=InspectionInput,
        responses=InspectionOutput,
    )
    def create(self, request: Request) -> Response:
        d = self.validated_input(InspectionInput)
        school: School = d["school"]
        checklist = (
            selectors.checklists(district=selectors.district_of(school.area))
            .filter(pk=d["checklist"])
            .first()
        )
        if checklist is None:
            raise DomainError(E.BAD_FIELD, field="检查表", reason="不存在或不适用于该校")
        row = services.inspection_record(
            actor=request_actor(request),
            school=school,
            checklist=checklist,
            inspected_on=d["inspected_on"],
            note=d["note"],
            marks=[services.MarkInput(m["check_id"], m["passed"], m["note"]) for m in d["marks"]],
        )
        return Response(InspectionOutput(row).data, status=status.HTTP_201_CREATED)


class SurveyInput(serializers.Serializer[Any]):
    school = ScopedPrimaryKeyField(rows=_schools, help_text="学校ID")
    school_year = ReferencePrimaryKeyField(queryset=SchoolYear.objects.all(), help_text="学年ID")
    respondent = serializers.ChoiceField(choices=Respondent.choices)
    respondents = serializers.IntegerField(min_value=0, max_value=100000)
    satisfied = serializers.IntegerField(min_value=0, max_value=100000)


class SurveyOutput(serializers.ModelSerializer[SatisfactionSurvey]):
    class Meta:
        model = SatisfactionSurvey
        fields = ["id", "school", "school_year", "respondent", "respondents", "satisfied"]


@extend_schema_view(list=extend_schema(tags=TAGS, summary="课后服务满意度调查（人数）"))
class SurveyViewSet(mixins.ListModelMixin, ApiViewSet):
    serializer_class = SurveyOutput
    policy_actions = {"create": action("survey_edit")}

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return SatisfactionSurvey.objects.none()
        return scoped(SatisfactionSurvey, request_actor(self.request)).order_by("pk")

    @extend_schema(
        tags=TAGS,
        summary="填报一所学校一学年的满意度人数（再次填报即更新）",
        request=SurveyInput,
        responses=SurveyOutput,
    )
    def create(self, request: Request) -> Response:
        d = self.validated_input(SurveyInput)
        row = services.survey_save(actor=request_actor(request), **d)
        return Response(SurveyOutput(row).data, status=status.HTTP_201_CREATED)
