"""REST API of after-school satisfaction counts."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from edugov.accounts.actor import request_actor
from edugov.accounts.scope import scoped
from edugov.api.base import ApiViewSet, ReferencePrimaryKeyField, ScopedPrimaryKeyField
from edugov.registry.models import SchoolYear

from .. import services
from ..models import (
    Respondent,
    SatisfactionSurvey,
)
from ..permissions import action
from .common import TAGS, _schools


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
        return self.create_with(services.survey_save, SurveyInput, SurveyOutput)
