"""REST API of yearly appraisals."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from edugov.accounts.actor import request_actor
from edugov.accounts.scope import scoped
from edugov.api.base import ApiViewSet, ChoiceLabelField, ReferencePrimaryKeyField, ScopedPrimaryKeyField
from edugov.registry.models import SchoolYear

from .. import appraisal
from ..models import Appraisal
from ..permissions import action
from .exchanges import _schools
from .records import TAGS


class AppraisalOutput(serializers.ModelSerializer[Appraisal]):
    grade = serializers.CharField(read_only=True)
    grade_label = ChoiceLabelField(source="grade")

    class Meta:
        model = Appraisal
        fields = ["id", "teacher", "school", "school_year", "grade", "grade_label", "note"]


class AppraisalEntryInput(serializers.Serializer[Any]):
    teacher = serializers.IntegerField(min_value=1, help_text="教师ID（须在该校本学年有师资档案）")
    grade = serializers.CharField(
        max_length=12, help_text="excellent 优秀 / competent 合格 / basic 基本合格 / failed 不合格"
    )


class AppraisalInput(serializers.Serializer[Any]):
    school = ScopedPrimaryKeyField(rows=_schools, help_text="学校ID（须在您可维护的范围）")
    school_year = ReferencePrimaryKeyField(queryset=SchoolYear.objects.all(), help_text="学年ID")
    results = serializers.ListField(child=AppraisalEntryInput(), min_length=1, max_length=500)


@extend_schema_view(
    list=extend_schema(tags=TAGS, summary="年度考核结果"),
    retrieve=extend_schema(tags=TAGS, summary="年度考核结果详情"),
)
class AppraisalViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = AppraisalOutput
    policy_actions = {"create": action("appraisal_edit")}

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return Appraisal.objects.none()
        return scoped(Appraisal, request_actor(self.request)).order_by("pk")

    @extend_schema(tags=TAGS, summary="录入一所学校的年度考核结果（优秀比例上限、师德一票否决）",
                   request=AppraisalInput, responses=AppraisalOutput(many=True))  # fmt: skip
    def create(self, request: Request) -> Response:
        d = self.validated_input(AppraisalInput)
        rows = appraisal.appraisal_save(
            actor=request_actor(request),
            school=d["school"],
            year=d["school_year"],
            grades={r["teacher"]: r["grade"] for r in d["results"]},
        )
        return Response(AppraisalOutput(rows, many=True).data, status=status.HTTP_201_CREATED)


# --- 区管校聘 ---
