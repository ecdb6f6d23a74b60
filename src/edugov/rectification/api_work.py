"""REST API for strategic tasks (read, milestone progress), leader visits (list, record) and
Same selectors and services as the pages."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from edugov.accounts.models import Department
from edugov.accounts.scope import scoped
from edugov.api.base import ApiViewSet

from . import liaison, strategy
from .models import KeyTask, LeaderVisit, Milestone, Severity

TAGS = ["问题整改"]


class MilestoneOutput(serializers.ModelSerializer):
    class Meta:
        model = Milestone
        fields = ["id", "title", "owner_name", "start_date", "deadline", "progress", "weight", "note"]


class TaskOutput(serializers.ModelSerializer):
    goal_title = serializers.CharField(source="goal.title")
    milestones = MilestoneOutput(many=True)
    progress = serializers.SerializerMethodField()
    rag = serializers.SerializerMethodField()

    class Meta:
        model = KeyTask
        fields = [
            "id", "goal", "goal_title", "code", "title", "unit_kind", "school", "unit_name", "owner_name",
            "department", "start_date", "deadline", "milestones", "progress", "rag",
        ]  # fmt: skip

    def _row(self, obj: KeyTask) -> strategy.TaskRow:
        return strategy.task_rows(tasks=[obj], today=self.context["today"])[0]

    def get_progress(self, obj: KeyTask) -> float:
        return self._row(obj).progress

    def get_rag(self, obj: KeyTask) -> str:
        return self._row(obj).rag


@extend_schema_view(
    list=extend_schema(tags=TAGS, summary="重点任务列表（含节点、进度与亮灯）"),
    retrieve=extend_schema(tags=TAGS, summary="重点任务详情"),
)
class TaskViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = TaskOutput

    def get_queryset(self) -> Any:
        return scoped(KeyTask, self.request.user).select_related("goal").prefetch_related("milestones")

    def get_serializer_context(self) -> dict[str, Any]:
        from django.utils import timezone

        return {**super().get_serializer_context(), "today": timezone.localdate()}

    @extend_schema(tags=TAGS, summary="按目标、按科室汇总")
    @action(detail=False, methods=["get"])
    def rollup(self, request: Request) -> Response:
        board = strategy.task_board(user=request.user)
        return Response(
            {
                "goals": [
                    {"id": g.pk, "title": g.title, "progress": r.progress, "tasks": r.tasks, "rag": r.rag}
                    for g, r, _ in board.goals
                ],
                "departments": [
                    {
                        "department": d.key,
                        "label": d.label,
                        "progress": d.progress,
                        "tasks": d.tasks,
                        "rag": d.rag,
                    }
                    for d in board.departments
                ],
                "totals": board.totals,
            }
        )


class ProgressInput(serializers.Serializer):
    progress = serializers.IntegerField(min_value=0, max_value=100)
    note = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")


class MilestoneViewSet(mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = MilestoneOutput
    policy_actions = {"progress": "rectification.milestone_report"}

    def get_queryset(self) -> Any:
        return scoped(Milestone, self.request.user).select_related("task")

    @extend_schema(tags=TAGS, summary="填报节点进度", request=ProgressInput, responses=MilestoneOutput)
    @action(detail=True, methods=["post"])
    def progress(self, request: Request, pk: str | None = None) -> Response:
        m = self.get_object()
        d = self.validated_input(ProgressInput)
        m = strategy.milestone_report(user=request.user, milestone=m, progress=d["progress"], note=d["note"])
        return Response(MilestoneOutput(m).data)


class ProblemSerializer(serializers.Serializer):
    school_id = serializers.IntegerField(min_value=1)
    title = serializers.CharField(max_length=200)
    required_action = serializers.CharField(max_length=4000)
    department = serializers.ChoiceField(choices=Department.choices)
    severity = serializers.ChoiceField(choices=Severity.choices, default=Severity.MEDIUM)
    deadline = serializers.DateField()


class LeaderVisitInput(serializers.Serializer):
    leader_id = serializers.IntegerField(required=False, allow_null=True, default=None)
    visited_on = serializers.DateField()
    school_ids = serializers.ListField(child=serializers.IntegerField(min_value=1), allow_empty=False)
    observations = serializers.CharField(required=False, allow_blank=True, max_length=8000, default="")
    problems = ProblemSerializer(many=True, required=False, default=list)


class LeaderVisitOutput(serializers.ModelSerializer):
    leader_name = serializers.CharField(source="leader.__str__")
    problems = serializers.SerializerMethodField()

    class Meta:
        model = LeaderVisit
        fields = ["id", "leader", "leader_name", "visited_on", "schools", "observations", "problems"]

    def get_problems(self, obj: LeaderVisit) -> list[dict[str, Any]]:
        return [
            {"school": p.school_id, "title": p.title, "deadline": p.deadline, "item": p.item_id}
            for p in obj.problems.all()
        ]


@extend_schema_view(
    list=extend_schema(tags=TAGS, summary="领导走访记录"),
    retrieve=extend_schema(tags=TAGS, summary="走访记录详情"),
)
class LeaderVisitViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = LeaderVisitOutput
    # A leader records their own visits (the policy's check, asked again by the service).
    policy_actions = {"create": "rectification.leader_visit_record"}

    def get_queryset(self) -> Any:
        return liaison.visit_list(user=self.request.user)

    @extend_schema(tags=TAGS, summary="登记领导走访（问题生成整改事项，重复提交不重复生成）",
                   request=LeaderVisitInput, responses=LeaderVisitOutput)  # fmt: skip
    def create(self, request: Request) -> Response:
        d = self.validated_input(LeaderVisitInput)
        visit, raised = liaison.leader_visit_record(
            user=request.user,
            leader_id=d["leader_id"],
            visited_on=d["visited_on"],
            school_ids=d["school_ids"],
            observations=d["observations"],
            problems=[liaison.ProblemInput(**p) for p in d["problems"]],
        )
        data = LeaderVisitOutput(visit).data
        data["raised_items"] = [i.pk for i in raised]
        return Response(data, status=status.HTTP_201_CREATED)
