"""REST API of teacher exchanges."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from edugov.accounts.actor import request_actor
from edugov.api.base import ApiViewSet, ChoiceLabelField, ScopedPrimaryKeyField
from edugov.registry.models import School

from .. import exchanges
from ..models import Exchange, ExchangeKind
from ..permissions import action
from .records import TAGS, _teachers


class ExchangeOutput(serializers.ModelSerializer[Exchange]):
    kind_label = ChoiceLabelField(source="kind")

    class Meta:
        model = Exchange
        fields = ["id", "teacher", "kind", "kind_label", "from_school", "to_school", "start_date", "end_date",
                  "evaluation"]  # fmt: skip


def _schools(user: Any) -> Any:
    return School.objects.filter(archived_at__isnull=True)


class ExchangeInput(serializers.Serializer[Any]):
    teacher = ScopedPrimaryKeyField(rows=_teachers, help_text="教师ID")
    kind = serializers.ChoiceField(choices=ExchangeKind.choices)
    to_school = ScopedPrimaryKeyField(rows=_schools, help_text="接收学校ID")
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    evaluation = serializers.CharField(max_length=300, allow_blank=True, default="")


@extend_schema_view(
    list=extend_schema(tags=TAGS, summary="交流轮岗记录"),
    retrieve=extend_schema(tags=TAGS, summary="交流轮岗记录详情"),
)
class ExchangeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = ExchangeOutput
    policy_actions = {"create": action("exchange_edit")}

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return Exchange.objects.none()
        return exchanges.exchange_list(actor=request_actor(self.request)).order_by("-pk")

    @extend_schema(tags=TAGS, summary="登记交流轮岗（时间不得与该教师其他交流重叠）", request=ExchangeInput,
                   responses=ExchangeOutput)  # fmt: skip
    def create(self, request: Request) -> Response:
        return self.create_with(exchanges.exchange_create, ExchangeInput, ExchangeOutput)


# --- master studios, research communities (choice fields as plain strings with their labels:
# the services check them and refuse in Chinese; no enum components to clash across modules) ---
