"""REST API of supervision: plans (with their checklist and progress) and visits (save or submit
scores; the findings of a submitted visit become rectification items). Same selectors and services
as the pages."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from edugov.accounts.actor import request_actor
from edugov.accounts.models import User
from edugov.api.base import ApiViewSet, ScopedPrimaryKeyField

from . import permissions, selectors, services
from .models import SupervisionPlan, SupervisionVisit

TAGS = ["督导检查"]


class PlanOutput(serializers.ModelSerializer[SupervisionPlan]):
    class Meta:
        model = SupervisionPlan
        fields = [
            "id",
            "title",
            "kind",
            "checklist_code",
            "checklist",
            "start_date",
            "end_date",
            "schools",
            "inspectors",
        ]


@extend_schema_view(
    list=extend_schema(tags=TAGS, summary="督导计划"),
    retrieve=extend_schema(tags=TAGS, summary="督导计划（含督导清单）"),
)
class PlanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = PlanOutput

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # the schema is built without a user
            return SupervisionPlan.objects.none()
        return selectors.plan_list(actor=request_actor(self.request)).prefetch_related(
            "schools", "inspectors"
        )

    @extend_schema(tags=TAGS, summary="督导计划进度")
    @action(detail=True, methods=["get"])
    def progress(self, request: Request, pk: str | None = None) -> Response:
        p = selectors.plan_progress(actor=request_actor(request), plan=self.get_object())
        rows = [
            {
                "school": r["school"].pk,
                "school_name": r["school"].name,
                "status": r["visit"].status if r["visit"] else "",
                "total": float(r["visit"].total) if r["visit"] else None,
                "findings": r["visit"].findings if r["visit"] else 0,
            }
            for r in p["rows"]
        ]
        return Response({**{k: v for k, v in p.items() if k != "rows"}, "rows": rows})


class EntrySerializer(serializers.Serializer[Any]):
    score = serializers.CharField(required=False, allow_blank=True, allow_null=True, default=None)
    note = serializers.CharField(required=False, allow_blank=True, max_length=1000, default="")
    flagged = serializers.BooleanField(required=False, default=False)


def _plans(actor: User) -> Any:
    return selectors.plan_list(actor=actor)


class VisitInput(serializers.Serializer[Any]):
    # The visit cites its plan; services.visit_save decides who may report under it.
    plan = ScopedPrimaryKeyField(rows=_plans, reference_scope="read", help_text="督导计划ID")
    school = serializers.IntegerField(min_value=1)
    visited_on = serializers.DateField()
    entries = serializers.DictField(child=EntrySerializer())
    summary = serializers.CharField(required=False, allow_blank=True, max_length=8000, default="")
    submit = serializers.BooleanField(required=False, default=False)


class VisitOutput(serializers.ModelSerializer[SupervisionVisit]):
    class Meta:
        model = SupervisionVisit
        fields = ["id", "plan", "school", "inspector", "visited_on", "status", "scores", "total", "max_total",
                  "summary", "findings", "submitted_at"]  # fmt: skip


@extend_schema_view(
    list=extend_schema(tags=TAGS, summary="督导记录"),
    retrieve=extend_schema(tags=TAGS, summary="督导记录详情"),
)
class VisitViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = VisitOutput
    policy_actions = {"create": permissions.action("visit_save")}

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # the schema is built without a user
            return SupervisionVisit.objects.none()
        return selectors.visit_list(actor=request_actor(self.request))

    @extend_schema(tags=TAGS, summary="保存或提交督导评分（提交后发现问题生成整改事项）",
                   request=VisitInput, responses=VisitOutput)  # fmt: skip
    def create(self, request: Request) -> Response:
        d = self.validated_input(VisitInput)
        visit, raised = services.visit_save(
            actor=request_actor(request), plan=d["plan"], school_id=d["school"], visited_on=d["visited_on"],
            entries=d["entries"], summary=d["summary"], submit=d["submit"],
        )  # fmt: skip
        data = VisitOutput(visit).data
        data["raised_items"] = [i.pk for i in raised]
        return Response(data, status=status.HTTP_201_CREATED)
