"""REST API of school groups: groups with their members and the term's eight unifications (read;
an officer sets one up), activities (a member school records one), evidence files (a member school
uploads one for its own school: the same checks as the page, in services.evidence_upload; whoever
reads the group downloads it), joint classes (the basic education office sets one up, keeps its
counts and moving teachers, adds and removes rotation stages). Same selectors and services as the
pages."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action as route
from rest_framework.request import Request
from rest_framework.response import Response

from edugov.accounts.actor import request_actor
from edugov.accounts.scope import scoped
from edugov.api.base import ApiViewSet, ChoiceLabelField, ScopedPrimaryKeyField
from edugov.common.errors import PermissionDenied
from edugov.registry.models import School, Teacher

from . import selectors, services
from .downloads import evidence_response
from .models import (
    Activity,
    ActivityKind,
    Evidence,
    GroupKind,
    JointClass,
    Membership,
    Rotation,
    SchoolGroup,
    Unification,
)
from .permissions import action

TAGS = ["集团化办学"]


def _schools(user: Any) -> QuerySet[School]:
    return School.objects.filter(archived_at__isnull=True)


def _teachers(user: Any) -> QuerySet[Teacher]:
    return Teacher.objects.filter(archived_at__isnull=True)


def _group(actor: Any, pk: Any) -> SchoolGroup:
    """The group a write names, if the writer reads it; otherwise the same answer whether it does
    not exist or lies outside the scope."""
    try:
        group = selectors.group_get(actor=actor, pk=pk)
    except PermissionDenied:
        group = None
    if group is None:
        raise serializers.ValidationError({"group": ["集团不存在或不在您的数据范围内"]})
    return group


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
        group = _group(actor, d.pop("group"))
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


class RotationInput(serializers.Serializer[Any]):
    stage = serializers.CharField(max_length=40, help_text="阶段名称，如“第一阶段（到牵头学校）”")
    school = ScopedPrimaryKeyField(rows=_schools, help_text="上课学校ID（承办学校或合作学校）")
    start_date = serializers.DateField()
    end_date = serializers.DateField()


class JointClassInput(serializers.Serializer[Any]):
    group = serializers.IntegerField(min_value=1, max_value=2**31, help_text="集团ID")
    name = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    host_school = ScopedPrimaryKeyField(rows=_schools, help_text="承办学校ID（成员校）")
    partner_school = ScopedPrimaryKeyField(rows=_schools, help_text="合作学校ID（成员校，同一学段）")
    grade = serializers.IntegerField(min_value=1, max_value=12)
    pupils = serializers.IntegerField(min_value=0, max_value=10000, help_text="学位数")
    transported = serializers.IntegerField(min_value=0, max_value=10000, default=0, help_text="接送学生数")
    teachers = ScopedPrimaryKeyField(
        rows=_teachers, many=True, required=False, help_text="随班流动教师ID（承办或合作学校的教师）"
    )
    rotations = RotationInput(many=True, required=False, help_text="轮转安排（各阶段不重叠）")


class JointClassUpdateInput(serializers.Serializer[Any]):
    """What a joint class keeps after it is set up: its counts and moving teachers (omitted: kept)."""

    pupils = serializers.IntegerField(min_value=0, max_value=10000, required=False, help_text="学位数")
    transported = serializers.IntegerField(min_value=0, max_value=10000, required=False)
    teachers = ScopedPrimaryKeyField(rows=_teachers, many=True, required=False, help_text="随班流动教师ID")


@extend_schema_view(
    list=extend_schema(tags=TAGS, summary="联合办班"),
    retrieve=extend_schema(tags=TAGS, summary="联合办班详情"),
)
class JointClassViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = JointClassOutput
    policy_actions = {
        "create": action("joint_class_edit"),
        "partial_update": action("joint_class_edit"),
        "rotations": action("joint_class_edit"),
        "rotation_delete": action("joint_class_edit"),
    }

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return JointClass.objects.none()
        return (
            scoped(JointClass, request_actor(self.request))
            .select_related("group", "host_school", "partner_school")
            .prefetch_related("teachers", "rotations")
            .order_by("group_id", "name")
        )

    def _fresh(self, pk: int) -> Response:
        return Response(JointClassOutput(self.get_queryset().get(pk=pk)).data)

    @extend_schema(tags=TAGS, summary="登记联合办班（两所成员校同一学段；轮转阶段不重叠）",
                   request=JointClassInput, responses=JointClassOutput)  # fmt: skip
    def create(self, request: Request) -> Response:
        d = self.validated_input(JointClassInput)
        actor = request_actor(request)
        group = _group(actor, d.pop("group"))
        host, partner = d["host_school"], d["partner_school"]
        row = services.joint_class_create(
            actor=actor,
            group=group,
            name=d["name"],
            host_school=host,
            partner_school=partner,
            grade=d["grade"],
            pupils=d["pupils"],
            transported=d["transported"],
            teachers=d.get("teachers", []),
            rotations=[
                (r["stage"], r["school"], r["start_date"], r["end_date"]) for r in d.get("rotations", [])
            ],
        )
        return Response(JointClassOutput(row).data, status=status.HTTP_201_CREATED)

    @extend_schema(tags=TAGS, summary="修改联合办班的学位数、接送学生数和随班流动教师",
                   request=JointClassUpdateInput, responses=JointClassOutput)  # fmt: skip
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        joint = self.get_object()
        d = self.validated_input(JointClassUpdateInput, partial=True, instance=joint)
        services.joint_class_update(
            actor=request_actor(request),
            joint_class=joint,
            pupils=d.get("pupils", joint.pupils),
            transported=d.get("transported", joint.transported),
            teachers=d["teachers"] if "teachers" in d else list(joint.teachers.all()),
        )
        return self._fresh(joint.pk)

    @extend_schema(tags=TAGS, summary="添加轮转阶段（与其他阶段不重叠）", request=RotationInput,
                   responses={201: JointClassOutput})  # fmt: skip
    @route(detail=True, methods=["post"])
    def rotations(self, request: Request, pk: str | None = None) -> Response:
        joint = self.get_object()
        d = self.validated_input(RotationInput)
        services.rotation_add(
            actor=request_actor(request),
            joint_class=joint,
            stage=d["stage"],
            school=d["school"],
            start=d["start_date"],
            end=d["end_date"],
        )
        response = self._fresh(joint.pk)
        response.status_code = status.HTTP_201_CREATED
        return response

    @extend_schema(tags=TAGS, summary="删除轮转阶段", request=None, responses={204: None})
    @route(detail=True, methods=["delete"], url_path=r"rotations/(?P<rotation_id>\d+)", url_name="rotation")
    def rotation_delete(
        self, request: Request, pk: str | None = None, rotation_id: str | None = None
    ) -> Response:
        joint = self.get_object()
        rotation = Rotation.objects.filter(joint_class=joint, pk=str(rotation_id or "0")[:12]).first()
        if rotation is None:
            raise Http404
        services.rotation_delete(actor=request_actor(request), rotation=rotation)
        return Response(status=status.HTTP_204_NO_CONTENT)


# ---- evidence files ------------------------------------------------------------------------------


class EvidenceOutput(serializers.ModelSerializer[Evidence]):
    unification_label = ChoiceLabelField(source="unification")
    school_name = serializers.CharField(source="school.name", read_only=True)

    class Meta:
        model = Evidence
        fields = ["id", "group", "term", "unification", "unification_label", "activity", "school",
                  "school_name", "original_name", "size", "content_type", "uploaded_at"]  # fmt: skip


class EvidenceInput(serializers.Serializer[Any]):
    group = serializers.IntegerField(min_value=1, max_value=2**31, help_text="集团ID")
    school = ScopedPrimaryKeyField(rows=_schools, help_text="上传学校ID（本校，须为成员校）")
    term = serializers.CharField(
        max_length=16, required=False, allow_blank=True, help_text="学期，如2026-2027-1（默认本学期）"
    )
    unification = serializers.ChoiceField(
        choices=Unification.choices, required=False, help_text="八个统一中的一项（有活动时取活动的事项）"
    )
    activity = serializers.IntegerField(
        min_value=1, max_value=2**31, required=False, help_text="活动ID（可选）"
    )
    # Emptiness, size, type and leading bytes are checked by the service, as for the page.
    file = serializers.FileField(
        allow_empty_file=True,
        help_text="PDF、JPG/PNG、Word或Excel，不超过10MB，每项每学期10个",
    )


@extend_schema_view(
    list=extend_schema(tags=TAGS, summary="佐证材料"),
    retrieve=extend_schema(tags=TAGS, summary="佐证材料详情"),
)
class EvidenceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = EvidenceOutput
    policy_actions = {"create": action("activity_edit")}

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return Evidence.objects.none()
        return (
            scoped(Evidence, request_actor(self.request))
            .select_related("school")
            .order_by("-uploaded_at", "-pk")
        )

    @extend_schema(tags=TAGS, summary="上传佐证材料（本校；类型、大小、文件头与页面相同检查）",
                   request={"multipart/form-data": EvidenceInput}, responses=EvidenceOutput)  # fmt: skip
    def create(self, request: Request) -> Response:
        d = self.validated_input(EvidenceInput)
        actor = request_actor(request)
        group = _group(actor, d["group"])
        activity = None
        if d.get("activity"):
            activity = Activity.objects.filter(group=group, pk=d["activity"]).first()
            if activity is None:
                raise serializers.ValidationError({"activity": ["不是本集团的活动"]})
        if activity is None and not d.get("unification"):
            raise serializers.ValidationError({"unification": ["请选择“八个统一”中的一项"]})
        row = services.evidence_upload(
            actor=actor,
            group=group,
            school=d["school"],
            term=d.get("term") or services.term_of(timezone.localdate()),
            unification=d.get("unification", ""),
            upload=d["file"],
            activity=activity,
        )
        return Response(EvidenceOutput(row).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        tags=TAGS,
        summary="下载佐证材料文件",
        responses={(200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY)},
    )
    @route(detail=True, methods=["get"])
    def download(self, request: Request, pk: str | None = None) -> Any:
        return evidence_response(request_actor(request), pk)
