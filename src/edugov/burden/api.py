"""REST API of the burden app (same pattern as edugov.api): homework publication, weekly
compliance, exams and their violations. Routes in api_urls, at /api/v1/burden/."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, cast

from django.db.models import QuerySet
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_serializer,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, permissions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from edugov.accounts.policy import ensure_can
from edugov.accounts.scope import scoped
from edugov.api.base import ApiViewSet, ReferencePrimaryKeyField, ScopedPrimaryKeyField
from edugov.common.bounds import BoundError, parse_bounded_int
from edugov.registry.models import School, SchoolClass, Term

from . import selectors, services
from .models import MAX_HOMEWORK_MINUTES, Exam, ExamKind, Homework, HomeworkType, ResultForm

if TYPE_CHECKING:
    from edugov.accounts.models import User


class WritableRef(ScopedPrimaryKeyField):
    """A row a write names: within the writer's write scope (api.base.ScopedPrimaryKeyField)."""


class TermRef(ReferencePrimaryKeyField):
    """Terms are reference data every user may cite (a term belongs to no school); only real ids."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", Term.objects.select_related("school_year"))
        kwargs.setdefault(
            "error_messages",
            {"does_not_exist": "学期 {pk_value} 不存在", "incorrect_type": "应为整数编号"},
        )
        super().__init__(**kwargs)


class BurdenViewSet(ApiViewSet):
    """Reading any burden route is the module's "view" action (rows are scoped besides); writes
    are the actions each view set declares in `policy_actions`."""

    read_action = "burden.view"

    @property
    def actor(self) -> User:
        return cast("User", self.request.user)  # IsAuthenticated has run

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        if request.method in permissions.SAFE_METHODS:
            ensure_can(request.user, self.read_action)


class HomeworkOutput(serializers.ModelSerializer):
    class_name = serializers.CharField(source="school_class.__str__", read_only=True)
    school_id = serializers.IntegerField(source="school_class.school_id", read_only=True)
    type_display = serializers.CharField(source="get_homework_type_display", read_only=True)

    class Meta:
        model = Homework
        fields = [
            "id",
            "school_class",
            "class_name",
            "school_id",
            "date",
            "subject",
            "homework_type",
            "type_display",
            "content",
            "estimated_minutes",
            "layered",
            "teacher",
            "created_at",
        ]


class HomeworkInput(serializers.Serializer):
    # The year, school and area come with the class: the service checks the calendar and the
    # audit record carries the area, without a query each.
    # A teacher's write scope is the classes they teach or head: another class reads as missing.
    school_class = WritableRef(
        rows=lambda user: SchoolClass.objects.select_related("school_year", "school__area"),
        help_text="班级ID",
    )
    subject = serializers.CharField(max_length=32)
    date = serializers.DateField(error_messages={"invalid": "日期格式不正确，应为 YYYY-MM-DD"})
    homework_type = serializers.ChoiceField(
        choices=HomeworkType.choices, error_messages={"invalid_choice": "作业类型不正确：{input}"}
    )
    content = serializers.CharField(max_length=500)
    estimated_minutes = serializers.IntegerField(
        min_value=1,
        max_value=MAX_HOMEWORK_MINUTES,
        error_messages={"invalid": "预计用时应为整数分钟"},
    )
    layered = serializers.BooleanField(required=False, default=False)


@extend_schema_view(
    list=extend_schema(
        summary="作业公示列表",
        tags=["双减·作业"],
        parameters=[
            OpenApiParameter("school_class", int, description="班级ID"),
            OpenApiParameter("date_from", str, description="起始日期"),
            OpenApiParameter("date_to", str, description="截止日期"),
        ],
    ),
    retrieve=extend_schema(summary="作业详情", tags=["双减·作业"]),
    create=extend_schema(
        summary="发布作业（教师，仅本人任教班级）", tags=["双减·作业"], request=HomeworkInput
    ),
    destroy=extend_schema(summary="撤回作业（仅发布人）", tags=["双减·作业"]),
)
class HomeworkViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, BurdenViewSet):
    serializer_class = HomeworkOutput
    policy_actions = {"create": "burden.homework_publish", "destroy": "burden.homework_withdraw"}

    def get_queryset(self) -> QuerySet[Homework]:
        params = self.request.query_params
        qs = selectors.homework_list(user=self.request.user)
        if params.get("school_class"):
            try:
                class_id = parse_bounded_int(params["school_class"], minimum=1)
            except BoundError as exc:
                raise exceptions.ValidationError({"school_class": [exc.message]}) from None
            qs = qs.filter(school_class_id=class_id)
        for name, lookup in (("date_from", "date__gte"), ("date_to", "date__lte")):
            if params.get(name):
                try:
                    qs = qs.filter(**{lookup: dt.date.fromisoformat(params[name])})
                except ValueError:
                    raise exceptions.ValidationError({name: ["日期格式不正确，应为 YYYY-MM-DD"]}) from None
        return qs

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.create_with(services.homework_publish, HomeworkInput, HomeworkOutput)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        services.homework_withdraw(actor=self.actor, homework=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class ComplianceGroupOutput(serializers.Serializer):
    name = serializers.CharField()
    class_weeks = serializers.IntegerField()
    over_weeks = serializers.IntegerField()
    rate = serializers.DecimalField(max_digits=5, decimal_places=3, allow_null=True)
    mean_average = serializers.DecimalField(max_digits=6, decimal_places=1)


class OverClassOutput(serializers.Serializer):
    class_id = serializers.IntegerField()
    class_name = serializers.CharField()
    school_id = serializers.IntegerField()
    school_name = serializers.CharField()
    grade = serializers.IntegerField()
    limit = serializers.FloatField()
    weeks_measured = serializers.IntegerField()
    weeks_over = serializers.IntegerField()
    longest_run = serializers.IntegerField()
    max_average = serializers.DecimalField(max_digits=6, decimal_places=1)
    mean_excess = serializers.DecimalField(max_digits=6, decimal_places=1)
    escalated = serializers.BooleanField()


class ComplianceTermOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()


# many=False: the answer is one report, although it is served by the view set's `list` route.
@extend_schema_serializer(many=False)
class ComplianceOutput(serializers.Serializer):
    term = ComplianceTermOutput(allow_null=True)
    escalate_after_weeks = serializers.IntegerField(required=False, help_text="无学期时不返回")
    total = ComplianceGroupOutput(allow_null=True)
    by_grade = ComplianceGroupOutput(many=True)
    by_town = ComplianceGroupOutput(many=True)
    by_school = ComplianceGroupOutput(many=True)
    over_classes = OverClassOutput(many=True)


class ComplianceViewSet(BurdenViewSet):
    # One report, neither paged nor filtered: no page, search or ordering parameters.
    pagination_class = None
    filter_backends = ()

    @extend_schema(
        summary="作业时长达标情况（按周，学期内）",
        tags=["双减·作业"],
        operation_id="burden_api_v1_compliance_retrieve",
        parameters=[
            OpenApiParameter("term", int, description="学期ID（默认当前）"),
            OpenApiParameter("school", int, description="学校ID"),
        ],
        responses=ComplianceOutput,
    )
    def list(self, request: Request) -> Response:
        user = request.user
        params = request.query_params
        term = selectors.default_term(user=user)
        school = None
        try:
            if params.get("term"):
                term = Term.objects.select_related("school_year").get(pk=parse_bounded_int(params["term"]))
            if params.get("school"):
                school = scoped(School, user).get(pk=parse_bounded_int(params["school"]))
        except (ValueError, Term.DoesNotExist, School.DoesNotExist):
            raise exceptions.ValidationError({"detail": ["学期或学校不存在，或不在您的数据范围内"]}) from None
        payload: dict[str, Any] = {
            "term": None,
            "total": None,
            "by_grade": [],
            "by_town": [],
            "by_school": [],
            "over_classes": [],
        }
        if term is not None:
            report = selectors.homework_compliance(user=user, term=term, school=school)
            payload = {
                "term": {"id": term.pk, "name": str(term), "start": report.start, "end": report.end},
                "escalate_after_weeks": report.escalate_after,
                "total": report.total,
                "by_grade": report.by_grade,
                "by_town": report.by_town,
                "by_school": report.by_school,
                "over_classes": report.over_classes,
            }
        return Response(ComplianceOutput(payload).data)


class ExamOutput(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Exam
        fields = [
            "id",
            "school",
            "term",
            "grade",
            "subject",
            "kind",
            "kind_display",
            "date",
            "is_paper",
            "result_form",
        ]


class ExamInput(serializers.Serializer):
    # The school administrator's own school (and its teaching points), the bureau's schools.
    school = WritableRef(rows=lambda user: School.objects.all(), help_text="学校ID")
    term = TermRef(help_text="学期ID")
    grade = serializers.IntegerField(min_value=1, max_value=12)
    subject = serializers.CharField(max_length=32)
    kind = serializers.ChoiceField(
        choices=ExamKind.choices, error_messages={"invalid_choice": "考试类型不正确：{input}"}
    )
    date = serializers.DateField(error_messages={"invalid": "日期格式不正确，应为 YYYY-MM-DD"})
    is_paper = serializers.BooleanField(required=False, default=True)
    result_form = serializers.ChoiceField(
        choices=ResultForm.choices,
        required=False,
        default=ResultForm.BANDS,
        error_messages={"invalid_choice": "成绩呈现方式不正确：{input}"},
    )


@extend_schema_view(
    list=extend_schema(summary="考试登记列表", tags=["双减·考试"]),
    create=extend_schema(summary="登记考试", tags=["双减·考试"], request=ExamInput),
)
class ExamViewSet(mixins.ListModelMixin, BurdenViewSet):
    serializer_class = ExamOutput
    policy_actions = {"create": "burden.exam_register"}

    def get_queryset(self) -> QuerySet[Exam]:
        return selectors.exam_list(user=self.request.user).order_by("date", "pk")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.create_with(services.exam_register, ExamInput, ExamOutput)
