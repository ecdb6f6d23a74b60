"""REST API of district-managed school-hired post rounds, posts and results."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action as route
from rest_framework.request import Request
from rest_framework.response import Response

from edugov.accounts.actor import request_actor
from edugov.accounts.scope import scoped
from edugov.api.base import ApiViewSet, ChoiceLabelField
from edugov.common.errors import DomainError

from .. import rounds, services
from ..errors import WorkforceError
from ..models import PostRound, RoundPost, RoundResult
from ..permissions import action
from .records import TAGS


class PostRoundOutput(serializers.ModelSerializer[PostRound]):
    status = serializers.CharField(read_only=True)
    status_label = ChoiceLabelField(source="status")
    school_year_start = serializers.IntegerField(source="school_year.start_year", read_only=True)

    class Meta:
        model = PostRound
        fields = ["id", "district", "school_year", "school_year_start", "status", "status_label"]


class RoundPostOutput(serializers.ModelSerializer[RoundPost]):
    school_name = serializers.CharField(source="school.name", read_only=True)

    class Meta:
        model = RoundPost
        fields = ["id", "round", "school", "school_name", "subject", "posts"]


class RoundResultOutput(serializers.ModelSerializer[RoundResult]):
    class Meta:
        model = RoundResult
        fields = ["id", "round", "teacher", "school", "post", "rank"]


class RoundChoiceInput(serializers.Serializer[Any]):
    posts = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        min_length=1,
        max_length=3,
        help_text="岗位ID，按志愿先后",
    )


@extend_schema_view(
    list=extend_schema(tags=TAGS, summary="区管校聘轮次"),
    retrieve=extend_schema(tags=TAGS, summary="区管校聘轮次详情"),
)
class PostRoundViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = PostRoundOutput
    policy_actions = {"choose": action("round_choose")}

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return PostRound.objects.none()
        return rounds.rounds(actor=request_actor(self.request)).order_by("pk")

    @extend_schema(tags=TAGS, summary="教师本人填报选岗志愿（1～3个，按先后）", request=RoundChoiceInput,
                   responses=RoundPostOutput(many=True))  # fmt: skip
    @route(detail=True, methods=["post"])
    def choose(self, request: Request, pk: str | None = None) -> Response:
        d = self.validated_input(RoundChoiceInput)
        actor = request_actor(request)
        teacher = services.ensure_teacher(actor)
        rnd = rounds.round_for_teacher(teacher, pk)
        found = {
            p.pk: p for p in RoundPost.objects.filter(round=rnd, pk__in=d["posts"]).select_related("school")
        }
        if len(found) != len(set(d["posts"])):
            raise DomainError(WorkforceError.ROUND_LINE_UNKNOWN)
        posts = [found[i] for i in d["posts"]]
        rounds.choices_submit(actor=actor, rnd=rnd, teacher=teacher, posts=posts)
        return Response(RoundPostOutput(posts, many=True).data, status=status.HTTP_201_CREATED)


@extend_schema_view(list=extend_schema(tags=TAGS, summary="区管校聘岗位"))
class RoundPostViewSet(mixins.ListModelMixin, ApiViewSet):
    serializer_class = RoundPostOutput

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return RoundPost.objects.none()
        return scoped(RoundPost, request_actor(self.request)).select_related("school").order_by("pk")


@extend_schema_view(list=extend_schema(tags=TAGS, summary="区管校聘聘用结果"))
class RoundResultViewSet(mixins.ListModelMixin, ApiViewSet):
    serializer_class = RoundResultOutput

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return RoundResult.objects.none()
        return scoped(RoundResult, request_actor(self.request)).order_by("pk")
