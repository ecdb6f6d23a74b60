"""REST API of the records schools and the safety office keep: drills (应急演练), safety lessons
(安全教育课, with the term's first and the pre-holiday last lesson), patrols of dangerous waters
(水域巡查) and incidents (安全事故). The same services as the pages: a school records its own drills,
lessons and its own waters' patrols, the safety office any in its write scope;
incidents are the safety office's alone (read and write), their circumstances stored encrypted and
returned to no one else, who get the year's counts by kind and outcome."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from edugov.accounts.actor import request_actor
from edugov.accounts.policy import ensure_can
from edugov.accounts.scope import scoped
from edugov.api.base import ApiViewSet, ChoiceLabelField, ScopedPrimaryKeyField
from edugov.common.bounds import BoundError, parse_bounded_int
from edugov.registry.models import Area, AreaLevel, School

from . import rules, selectors, services
from .models import (
    DangerousWater,
    Drill,
    DrillKind,
    Incident,
    IncidentKind,
    IncidentOutcome,
    LessonKind,
    Patrol,
    SafetyLesson,
)
from .permissions import action

TAGS = ["校园安全"]


def _open_schools(user: Any) -> Any:
    return School.objects.filter(archived_at__isnull=True)


def _towns(user: Any) -> Any:
    return Area.objects.filter(level=AreaLevel.TOWN, archived_at__isnull=True)


class _TermRecords(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """A school's records of a term (drills, lessons), newest first. A school records its own
    (`school_drill`, `school_lesson`), the safety office any school's in its scope (`drill`,
    `lesson`), as the services check (services.common._ensure_either)."""

    model: type[Drill] | type[SafetyLesson]
    record: Callable[..., Any]  # the service that records one
    input_class: type[serializers.Serializer[Any]]

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return self.model.objects.none()
        return (
            scoped(self.model, request_actor(self.request))
            .select_related("school", "term__school_year")
            .order_by("-held_on", "-pk")
        )

    def create(self, request: Request) -> Response:
        return self.create_with(self.record, self.input_class, self.get_serializer_class())


# -- drills --------------------------------------------------------------------------------------


class SafetyDrillOutput(serializers.ModelSerializer[Drill]):
    kind_label = ChoiceLabelField(source="kind")
    school_name = serializers.CharField(source="school.name", read_only=True)
    term = serializers.CharField(source="term.__str__", read_only=True, help_text="学期")

    class Meta:
        model = Drill
        fields = [
            "id",
            "school",
            "school_name",
            "term",
            "kind",
            "kind_label",
            "held_on",
            "participants",
            "evaluation",
        ]


class SafetyDrillInput(serializers.Serializer[Any]):
    school = ScopedPrimaryKeyField(_open_schools, help_text="学校编号（本人可填报的学校）")
    kind = serializers.ChoiceField(choices=DrillKind.choices)
    held_on = serializers.DateField(help_text="演练日期（不能晚于今天）")
    participants = serializers.IntegerField(min_value=1, max_value=20000)
    evaluation = serializers.CharField(max_length=500)


@extend_schema_view(
    list=extend_schema(tags=TAGS, summary="应急演练记录"),
    retrieve=extend_schema(tags=TAGS, summary="一次应急演练"),
    create=extend_schema(
        tags=TAGS,
        summary="登记应急演练（学校登记本校，安全科可登记辖区学校）",
        request=SafetyDrillInput,
        responses={201: SafetyDrillOutput},
    ),
)
class DrillRecordViewSet(_TermRecords):
    model = Drill
    record = staticmethod(services.drill_record)
    input_class = SafetyDrillInput
    serializer_class = SafetyDrillOutput
    policy_actions = {"create": action("drill")}
    policy_alternatives = {"create": (action("school_drill"),)}


# -- safety lessons ------------------------------------------------------------------------------


class SafetyLessonOutput(serializers.ModelSerializer[SafetyLesson]):
    kind_label = ChoiceLabelField(source="kind")
    school_name = serializers.CharField(source="school.name", read_only=True)
    term = serializers.CharField(source="term.__str__", read_only=True, help_text="学期")

    class Meta:
        model = SafetyLesson
        fields = ["id", "school", "school_name", "term", "kind", "kind_label", "topic", "held_on", "classes"]


class SafetyLessonInput(serializers.Serializer[Any]):
    school = ScopedPrimaryKeyField(_open_schools, help_text="学校编号（本人可填报的学校）")
    kind = serializers.ChoiceField(
        choices=LessonKind.choices,
        default=LessonKind.LESSON,
        help_text="安全教育课、开学第一课或放假前最后一课",
    )
    topic = serializers.CharField(max_length=16, help_text="主题（防溺水、交通安全等，见规则数据）")
    held_on = serializers.DateField(help_text="授课日期（不能晚于今天）")
    classes = serializers.IntegerField(min_value=1, max_value=1000, help_text="覆盖班级数")

    def validate_topic(self, value: str) -> str:
        topics = rules.lesson_topics()
        if value not in topics:
            raise serializers.ValidationError(f"主题应为{'、'.join(topics)}之一")
        return value


@extend_schema_view(
    list=extend_schema(tags=TAGS, summary="安全教育课记录（含开学第一课、放假前最后一课）"),
    retrieve=extend_schema(tags=TAGS, summary="一次安全教育课"),
    create=extend_schema(
        tags=TAGS,
        summary="登记安全教育课（学校登记本校，安全科可登记辖区学校）",
        request=SafetyLessonInput,
        responses={201: SafetyLessonOutput},
    ),
)
class LessonRecordViewSet(_TermRecords):
    model = SafetyLesson
    record = staticmethod(services.lesson_record)
    input_class = SafetyLessonInput
    serializer_class = SafetyLessonOutput
    policy_actions = {"create": action("lesson")}
    policy_alternatives = {"create": (action("school_lesson"),)}


# -- patrols -------------------------------------------------------------------------------------


class SafetyPatrolOutput(serializers.ModelSerializer[Patrol]):
    water_name = serializers.CharField(source="water.name", read_only=True)

    class Meta:
        model = Patrol
        fields = ["id", "water", "water_name", "patrolled_on", "patroller", "observed", "issue_found"]


class SafetyPatrolInput(serializers.Serializer[Any]):
    water = ScopedPrimaryKeyField(lambda user: DangerousWater.objects.all(), help_text="危险水域编号")
    patrolled_on = serializers.DateField(help_text="巡查日期（不能晚于今天）")
    patroller = serializers.CharField(max_length=32)
    observed = serializers.CharField(max_length=500)
    issue_found = serializers.BooleanField(default=False)


@extend_schema_view(
    list=extend_schema(
        tags=TAGS,
        summary="危险水域巡查记录",
        parameters=[OpenApiParameter("water", int, description="只看这处水域的巡查")],
    ),
    retrieve=extend_schema(tags=TAGS, summary="一次水域巡查"),
    create=extend_schema(
        tags=TAGS,
        summary="登记水域巡查（学校登记本校周边水域，安全科可登记辖区水域）",
        request=SafetyPatrolInput,
        responses={201: SafetyPatrolOutput},
    ),
)
class PatrolViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    # A school records patrols of the waters near it (`school_patrol`), the safety office any
    # water's in its scope (`patrol`).
    serializer_class = SafetyPatrolOutput
    policy_actions = {"create": action("patrol")}
    policy_alternatives = {"create": (action("school_patrol"),)}

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return Patrol.objects.none()
        qs = scoped(Patrol, request_actor(self.request)).select_related("water")
        raw = self.request.query_params.get("water", "")
        if raw and self.action == "list":
            try:
                qs = qs.filter(water_id=parse_bounded_int(raw, minimum=1))
            except BoundError:
                qs = qs.none()
        return qs.order_by("-patrolled_on", "-pk")

    def create(self, request: Request) -> Response:
        return self.create_with(services.patrol_record, SafetyPatrolInput, SafetyPatrolOutput)


# -- incidents -----------------------------------------------------------------------------------


class SafetyIncidentOutput(serializers.ModelSerializer[Incident]):
    kind_label = ChoiceLabelField(source="kind")
    outcome_label = ChoiceLabelField(source="outcome")

    class Meta:
        model = Incident
        fields = [
            "id", "area", "school", "kind", "kind_label", "occurred_on", "outcome", "outcome_label",
            "pupils", "circumstances",
        ]  # fmt: skip


class SafetyIncidentInput(serializers.Serializer[Any]):
    # Left out, both are None (a default, not required=False), as the service takes them.
    area = ScopedPrimaryKeyField(
        _towns, default=None, allow_null=True, help_text="发生镇街（填了学校可不填）"
    )
    school = ScopedPrimaryKeyField(_open_schools, default=None, allow_null=True, help_text="涉及学校（选填）")
    kind = serializers.ChoiceField(choices=IncidentKind.choices)
    occurred_on = serializers.DateField(help_text="发生日期（不能晚于今天）")
    outcome = serializers.ChoiceField(choices=IncidentOutcome.choices)
    pupils = serializers.IntegerField(min_value=1, max_value=500, default=1)
    circumstances = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


@extend_schema_view(
    list=extend_schema(tags=TAGS, summary="安全事故记录（仅安全科）"),
    retrieve=extend_schema(tags=TAGS, summary="一起安全事故（仅安全科）"),
    create=extend_schema(
        tags=TAGS,
        summary="登记安全事故（仅安全科；不写学生姓名，经过加密保存）",
        request=SafetyIncidentInput,
        responses={201: SafetyIncidentOutput},
    ),
)
class IncidentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """The records themselves: refused (403) to anyone but the safety office, whose reads are
    scoped as its pages are; everyone else reads /incident-counts/."""

    serializer_class = SafetyIncidentOutput
    policy_actions = {"create": action("incident_edit")}

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return Incident.objects.none()
        return selectors.incidents(actor=request_actor(self.request))  # refuses the others

    def create(self, request: Request) -> Response:
        return self.create_with(services.incident_record, SafetyIncidentInput, SafetyIncidentOutput)


class SafetyIncidentCountOutput(serializers.Serializer[Any]):
    kind = serializers.CharField(help_text="事故类型")
    outcome = serializers.CharField(help_text="后果")
    n = serializers.IntegerField(help_text="起数")
    pupils = serializers.IntegerField(help_text="涉及学生数")


class IncidentCountViewSet(mixins.ListModelMixin, ApiViewSet):
    """Computed rows (not a queryset): no filter backends, no paging."""

    serializer_class = SafetyIncidentCountOutput
    filter_backends = ()
    pagination_class = None

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return Incident.objects.none()
        return scoped(Incident, request_actor(self.request)).none()

    @extend_schema(
        tags=TAGS,
        summary="本年度安全事故统计（按类型和后果的起数，不含日期、学校和经过）",
        parameters=[OpenApiParameter("year", int, description="年份，默认今年")],
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        actor = request_actor(request)
        ensure_can(actor, action("view"))
        raw = request.query_params.get("year", "")
        try:
            year = parse_bounded_int(raw, minimum=2000, maximum=2100) if raw else timezone.localdate().year
        except BoundError:
            return Response(
                {"year": ["年份应为 2000 到 2100 之间的整数"]}, status=status.HTTP_400_BAD_REQUEST
            )
        rows = selectors.incident_counts(actor=actor, year=year)
        return Response(SafetyIncidentCountOutput(rows, many=True).data)
