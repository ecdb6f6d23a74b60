"""REST API of party leadership status: each school's status with this term's meeting counts (read;
the school or the office saves one), and the district's coverage toward its target. Statuses and
counts only. Same selectors and services as the pages."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from edugov.accounts.actor import request_actor
from edugov.accounts.policy import ensure_can
from edugov.accounts.scope import scoped
from edugov.api.base import ApiViewSet, ChoiceLabelField, ScopedPrimaryKeyField
from edugov.registry.models import School

from . import selectors, services
from .models import MeetingCount, OrgKind, PartyStatus
from .permissions import action

TAGS = ["党组织领导的校长负责制"]


def _schools(user: Any) -> QuerySet[School]:
    return School.objects.filter(archived_at__isnull=True)


def _readable_schools(user: Any) -> QuerySet[School]:
    """The schools a status may be attached to: cited, not changed, so the writer's read scope."""
    return scoped(School, user).filter(archived_at__isnull=True)


class StatusOutput(serializers.ModelSerializer[PartyStatus]):
    org_kind_label = ChoiceLabelField(source="org_kind")
    school_name = serializers.CharField(source="school.name", read_only=True)
    covered = serializers.BooleanField(read_only=True)

    class Meta:
        model = PartyStatus
        fields = ["id", "school", "school_name", "org_kind", "org_kind_label", "attached_to", "rules_adopted",
                  "office_rules_adopted", "adopted_on", "covered", "demonstration", "brand"]  # fmt: skip


class StatusInput(serializers.Serializer[Any]):
    school = ScopedPrimaryKeyField(rows=_schools, help_text="学校ID")
    org_kind = serializers.ChoiceField(choices=OrgKind.choices)
    attached_to = ScopedPrimaryKeyField(
        rows=_readable_schools,
        reference_scope="read",
        required=False,
        allow_null=True,
        help_text="联合或挂靠学校ID",
    )
    rules_adopted = serializers.BooleanField()
    office_rules_adopted = serializers.BooleanField()
    adopted_on = serializers.DateField(required=False, allow_null=True)
    demonstration = serializers.BooleanField(default=False)
    brand = serializers.CharField(max_length=60, allow_blank=True, default="")


class MeetingsInput(serializers.Serializer[Any]):
    school = ScopedPrimaryKeyField(rows=_schools, help_text="学校ID")
    term = serializers.CharField(max_length=16, help_text="学期，如2026-2027-1")
    party_meetings = serializers.IntegerField(max_value=1000)
    office_meetings = serializers.IntegerField(max_value=1000)


@extend_schema_view(
    list=extend_schema(tags=TAGS, summary="各校党组织领导的校长负责制情况"),
    retrieve=extend_schema(tags=TAGS, summary="一所学校的情况"),
)
class StatusViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = StatusOutput
    policy_actions = {"create": action("status_edit")}

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return PartyStatus.objects.none()
        return scoped(PartyStatus, request_actor(self.request)).select_related("school").order_by("school_id")

    @extend_schema(tags=TAGS, summary="填报一所学校的情况（再次填报即更新）", request=StatusInput,
                   responses=StatusOutput)  # fmt: skip
    def create(self, request: Request) -> Response:
        return self.create_with(services.status_save, StatusInput, StatusOutput)


@extend_schema_view(
    list=extend_schema(tags=TAGS, summary="覆盖情况（对照年度目标）", responses=OpenApiTypes.OBJECT)
)
class CoverageViewSet(ApiViewSet):
    pagination_class = None
    filter_backends = ()  # one computed answer: no filter, search or ordering parameters

    def list(self, request: Request) -> Response:
        actor = request_actor(request)
        ensure_can(actor, action("view"))
        today = timezone.localdate()
        c = selectors.coverage(actor=actor, today=today, term=services.term_of(today))
        t = c.target
        u = selectors.tutoring_counts(actor, today.year)
        return Response(
            {
                "schools": c.schools,
                "covered": c.covered,
                "share": c.share,
                "demonstration": c.demonstration,
                "branded": c.branded,
                "needed": c.needed,
                "target": {"year": t.year, "deadline": t.deadline, "share": t.share} if t else None,
                "days_left": c.days_left,
                "overdue": c.overdue,
                "not_covered": [
                    {"school": r.school_id, "school_name": r.school_name} for r in c.rows if not r.covered
                ],
                "tutoring": {
                    "year": u.year,
                    "institutions": u.institutions,
                    "own_org": u.own_org,
                    "joint_org": u.joint_org,
                    "share": u.share,
                }
                if u
                else None,
                "towns": [
                    {"town": r.town, "schools": r.schools, "covered": r.covered, "share": r.share}
                    for r in c.towns
                ],
            }
        )


class MeetingOutput(serializers.ModelSerializer[MeetingCount]):
    class Meta:
        model = MeetingCount
        fields = ["id", "school", "term", "party_meetings", "office_meetings"]


@extend_schema_view(list=extend_schema(tags=TAGS, summary="各校各学期会议次数"))
class MeetingViewSet(mixins.ListModelMixin, ApiViewSet):
    serializer_class = MeetingOutput
    policy_actions = {"create": action("status_edit")}

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return MeetingCount.objects.none()
        return scoped(MeetingCount, request_actor(self.request)).order_by("school_id", "-term")

    @extend_schema(tags=TAGS, summary="填报一所学校一学期的会议次数（不得小于0；再次填报即更新）",
                   request=MeetingsInput, responses=MeetingOutput)  # fmt: skip
    def create(self, request: Request) -> Response:
        return self.create_with(services.meetings_save, MeetingsInput, MeetingOutput)
