"""REST API of school groups: groups with their members and the term's eight unifications (read;
an officer sets one up), activities (a member school records one), joint classes (read; an officer
sets one up). Same selectors and services as the pages."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from edugov.accounts.actor import request_actor
from edugov.accounts.scope import scoped
from edugov.api.base import ApiViewSet, ChoiceLabelField, ScopedPrimaryKeyField
from edugov.registry.models import School

from . import selectors, services
from .models import Activity, ActivityKind, GroupKind, JointClass, Membership, SchoolGroup, Unification
from .permissions import action

TAGS = ["集团化办学"]


def _schools(user: Any) -> QuerySet[School]:
    return School.objects.filter(archived_at__isnull=True)


class MemberOutput(serializers.ModelSerializer[Membership]):
    school_name = serializers.CharField(source="school.name", read_only=True)

    class Meta:
        model = Membership
        fields = ["school", "school_name", "joined_on", "left_on"]


class GroupOutput(serializers.ModelSerializer[SchoolGroup]):
    kind_label = ChoiceLabelField(source="kind")
    lead_school_name = serializers.CharField(source="lead_school.name", read_only=True)
    members = MemberOutput(source="memberships", many=True, read_only=True)

    class Meta:
        model = SchoolGroup
        fields = ["id", "name", "kind", "kind_label", "lead_school", "lead_school_name", "start_date",
                  "end_date", "members"]  # fmt: skip


class GroupInput(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=100)
    kind = serializers.ChoiceField(choices=GroupKind.choices)
    lead_school = ScopedPrimaryKeyField(
        rows=_schools, allow_null=True, required=False, help_text="牵头学校ID"
    )
    members = ScopedPrimaryKeyField(rows=_schools, many=True, required=False, help_text="成员学校ID")
    start_date = serializers.DateField()
    end_date = serializers.DateField(required=False, allow_null=True)


def _group_payload(group: SchoolGroup, term: str) -> dict[str, Any]:
    data = dict(GroupOutput(group).data)
    data["term"] = term
    data["unifications"] = [
        {"code": r.code, "label": r.label, "plan": r.plan, "evidence": r.evidence, "activities": r.activities,
         "status": r.status, "status_label": r.status_label}
        for r in selectors.unification_rows(group, term)
    ]  # fmt: skip
    return data


@extend_schema_view(
    list=extend_schema(tags=TAGS, summary="学校集团"),
    retrieve=extend_schema(tags=TAGS, summary="学校集团详情（含本学期八个统一）"),
)
class GroupViewSet(mixins.ListModelMixin, ApiViewSet):
    serializer_class = GroupOutput
    policy_actions = {"create": action("group_edit")}

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return SchoolGroup.objects.none()
        return selectors.group_list(actor=request_actor(self.request)).prefetch_related("memberships__school")

    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        group = selectors.group_get(actor=request_actor(request), pk=pk)
        if group is None:
            raise Http404
        raw = request.query_params.get("term")
        term = services.check_term(raw) if raw else services.term_of(timezone.localdate())
        return Response(_group_payload(group, term))

    @extend_schema(tags=TAGS, summary="设立学校集团（一校不能同时加入两个紧密型集团）", request=GroupInput,
                   responses=GroupOutput)  # fmt: skip
    def create(self, request: Request) -> Response:
        d = self.validated_input(GroupInput)
        group = services.group_create(
            actor=request_actor(request),
            name=d["name"],
            kind=d["kind"],
            lead_school=d.get("lead_school"),
            members=d.get("members", []),
            start_date=d["start_date"],
            end_date=d.get("end_date"),
        )
        return Response(GroupOutput(group).data, status=status.HTTP_201_CREATED)


class ActivityOutput(serializers.ModelSerializer[Activity]):
    unification_label = ChoiceLabelField(source="unification")
    kind_label = ChoiceLabelField(source="kind")

    class Meta:
        model = Activity
        fields = ["id", "group", "school", "term", "unification", "unification_label", "kind", "kind_label",
                  "title", "held_on", "participants"]  # fmt: skip


class ActivityInput(serializers.Serializer[Any]):
    group = serializers.IntegerField(min_value=1, max_value=2**31, help_text="集团ID")
    school = ScopedPrimaryKeyField(rows=_schools, help_text="承办学校ID（成员校）")
    unification = serializers.ChoiceField(choices=Unification.choices)
    kind = serializers.ChoiceField(choices=ActivityKind.choices)
    title = serializers.CharField(max_length=120)
    held_on = serializers.DateField()
    participants = serializers.IntegerField(min_value=0, max_value=100000, default=0)


@extend_schema_view(
    list=extend_schema(tags=TAGS, summary="集团活动"),
    retrieve=extend_schema(tags=TAGS, summary="集团活动详情"),
)
class ActivityViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = ActivityOutput
    policy_actions = {"create": action("activity_edit")}

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return Activity.objects.none()
        return scoped(Activity, request_actor(self.request)).order_by("-held_on", "-pk")

    @extend_schema(tags=TAGS, summary="登记集团活动（登记一次，计入每所成员校）", request=ActivityInput,
                   responses=ActivityOutput)  # fmt: skip
    def create(self, request: Request) -> Response:
        d = self.validated_input(ActivityInput)
        actor = request_actor(request)
        group = selectors.group_get(actor=actor, pk=d.pop("group"))
        if group is None:
            raise serializers.ValidationError({"group": ["集团不存在或不在您的数据范围内"]})
        row = services.activity_record(actor=actor, group=group, **d)
        return Response(ActivityOutput(row).data, status=status.HTTP_201_CREATED)


class JointClassOutput(serializers.ModelSerializer[JointClass]):
    rotations = serializers.SerializerMethodField()

    class Meta:
        model = JointClass
        fields = ["id", "group", "name", "host_school", "partner_school", "grade", "pupils", "transported",
                  "teachers", "rotations"]  # fmt: skip

    def get_rotations(self, obj: JointClass) -> list[dict[str, Any]]:
        return [
            {"stage": r.stage, "school": r.school_id, "start_date": r.start_date, "end_date": r.end_date}
            for r in obj.rotations.all()
        ]


@extend_schema_view(
    list=extend_schema(tags=TAGS, summary="联合办班"),
    retrieve=extend_schema(tags=TAGS, summary="联合办班详情"),
)
class JointClassViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = JointClassOutput

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return JointClass.objects.none()
        return (
            scoped(JointClass, request_actor(self.request))
            .prefetch_related("teachers", "rotations")
            .order_by("group_id", "name")
        )
