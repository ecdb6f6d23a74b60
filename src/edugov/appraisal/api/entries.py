"""REST API of hand-entered indicator values."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from edugov.accounts.actor import request_actor
from edugov.accounts.policy import ensure_can
from edugov.accounts.scope import scoped
from edugov.api.base import ApiViewSet, ScopedPrimaryKeyField
from edugov.common.errors import DomainError
from edugov.registry.models import School

from .. import selectors, services
from ..errors import AppraisalError as E
from ..models import Entry as EntryRow
from ..models import (
    Indicator,
)
from ..permissions import action
from .common import TAGS, _schools

# -- entries ---------------------------------------------------------------------------------------


class EntryInput(serializers.Serializer[Any]):
    school = ScopedPrimaryKeyField(rows=_schools, help_text="学校ID")
    indicator = serializers.IntegerField(
        min_value=1, max_value=2**31 - 1, help_text="指标ID（本校所在区县方案中的填报项）"
    )
    value = serializers.DecimalField(max_digits=10, decimal_places=2)
    note = serializers.CharField(max_length=300, allow_blank=True, default="")


class EntryOutput(serializers.ModelSerializer[EntryRow]):
    class Meta:
        model = EntryRow
        fields = ["id", "indicator", "school", "value", "note", "evidence_name", "entered_at"]


@extend_schema_view(list=extend_schema(tags=TAGS, summary="学校填报值"))
class EntryViewSet(mixins.ListModelMixin, ApiViewSet):
    serializer_class = EntryOutput
    policy_actions = {"create": action("entry_edit")}

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return EntryRow.objects.none()
        return scoped(EntryRow, request_actor(self.request)).order_by("pk")

    @extend_schema(
        tags=TAGS,
        summary="填报一项指标（佐证材料在学校考核页面上传）",
        request=EntryInput,
        responses=EntryOutput,
    )
    def create(self, request: Request) -> Response:
        d = self.validated_input(EntryInput)
        actor = request_actor(request)
        school: School = d["school"]
        ensure_can(actor, action("entry_edit"), school)
        district = selectors.district_of(school.area)
        indicator = (
            Indicator.objects.filter(pk=d["indicator"], dimension__scheme__area=district)
            .select_related("dimension__scheme__area")
            .first()
        )
        if indicator is None:
            raise DomainError(E.BAD_FIELD, field="指标", reason="不存在或不属于本校所在区县的方案")
        row = services.entry_save(
            actor=actor, indicator=indicator, school=school, value=d["value"], note=d["note"]
        )
        return Response(EntryOutput(row).data, status=status.HTTP_201_CREATED)
