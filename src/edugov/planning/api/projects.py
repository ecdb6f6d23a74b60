"""REST API of planning: projects with milestones, monthly progress and project lists."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_view
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
    Milestone,
    Project,
    ProjectList,
    ProjectProgress,
)
from ..permissions import action
from .base import TAGS


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

        actor = request_actor(request)
        data = self.validated_input(ProjectInput)
        school = write_scoped(School, actor).filter(pk=data.pop("school")).first()
        if school is None:
            return Response(
                {"school": ["学校不存在或不在您的管理范围内"]}, status=status.HTTP_400_BAD_REQUEST
            )
        project = services.project_create(actor=actor, school=school, **data)
        return Response(ProjectOutput(project).data, status=status.HTTP_201_CREATED)


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
