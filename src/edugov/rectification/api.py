"""REST API for rectification items: list and read within scope, create (officers), and the
workflow actions. Same selectors and services as the pages; errors in Chinese."""

from __future__ import annotations

from typing import Any

import django_filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from edugov.accounts.actor import request_actor
from edugov.accounts.models import Department
from edugov.api.base import ApiViewSet

from . import selectors, services
from .models import ItemEvent, ItemSource, ItemStatus, RectificationItem, Severity, UnitKind

TAGS = ["问题整改"]


class ItemFilter(django_filters.FilterSet):
    source = django_filters.ChoiceFilter(choices=ItemSource.choices, label="来源")
    department = django_filters.ChoiceFilter(choices=Department.choices, label="主管科室")
    status = django_filters.ChoiceFilter(choices=ItemStatus.choices, label="状态")
    severity = django_filters.ChoiceFilter(choices=Severity.choices, label="严重程度")
    unit_kind = django_filters.ChoiceFilter(choices=UnitKind.choices, label="单位类型")
    overdue = django_filters.BooleanFilter(method="filter_overdue", label="是否逾期")

    class Meta:
        model = RectificationItem
        fields = ["source", "department", "status", "severity", "unit_kind", "overdue"]

    def filter_overdue(self, queryset: Any, name: str, value: bool | None) -> Any:
        if value is None:
            return queryset
        q = services.overdue_q(selectors.today())
        return queryset.filter(q) if value else queryset.exclude(q)


class EventOutput(serializers.ModelSerializer):
    attachments = serializers.SerializerMethodField()

    class Meta:
        model = ItemEvent
        fields = ["action", "from_status", "to_status", "comment", "actor_name", "at", "attachments"]

    def get_attachments(self, obj: ItemEvent) -> list[dict[str, Any]]:
        return [{"id": a.pk, "name": a.original_name, "size": a.size} for a in obj.attachments.all()]


class ItemOutput(serializers.ModelSerializer):
    number = serializers.CharField()
    area_name = serializers.CharField(source="area.name")
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = RectificationItem
        fields = [
            "id",
            "number",
            "title",
            "source",
            "finding_source",
            "cause_key",
            "cause_present",
            "unit_kind",
            "school",
            "institution_id",
            "area",
            "area_name",
            "unit_name",
            "department",
            "responsible_name",
            "deadline",
            "severity",
            "evidence",
            "evidence_data",
            "required_action",
            "status",
            "escalation_level",
            "reopen_count",
            "created_at",
            "closed_at",
            "closed_on_time",
            "overdue",
        ]

    def get_overdue(self, obj: RectificationItem) -> bool:
        return obj.is_overdue(selectors.today())


class ItemCreateInput(serializers.Serializer):
    # The field is named like the item's `source`, which shadows DRF's Field.source attribute in the stubs.
    source = serializers.ChoiceField(  # type: ignore[assignment]
        choices=[c for c in ItemSource.choices if c[0] not in (ItemSource.DATA, ItemSource.TASK)]
    )
    unit_kind = serializers.ChoiceField(choices=UnitKind.choices)
    unit_id = serializers.IntegerField(min_value=1)
    title = serializers.CharField(max_length=200)
    evidence = serializers.CharField(required=False, allow_blank=True, max_length=8000)
    required_action = serializers.CharField(max_length=4000)
    department = serializers.ChoiceField(choices=Department.choices)
    severity = serializers.ChoiceField(choices=Severity.choices, default=Severity.MEDIUM)
    deadline = serializers.DateField()


class TransitionInput(serializers.Serializer):
    # Any name: the service dispatcher refuses an unknown action (UNKNOWN_ACTION), as the page does.
    action = serializers.CharField(max_length=32, help_text="办理操作：" + "、".join(services.ITEM_ACTIONS))
    comment = serializers.CharField(required=False, allow_blank=True, max_length=4000, default="")
    deadline = serializers.DateField(required=False, allow_null=True, default=None)
    responsible_name = serializers.CharField(required=False, allow_blank=True, max_length=64, default="")


@extend_schema_view(
    list=extend_schema(tags=TAGS, summary="整改事项列表"),
    retrieve=extend_schema(tags=TAGS, summary="整改事项详情（含办理记录）"),
)
class ItemViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = ItemOutput
    filterset_class = ItemFilter
    search_fields = ["title", "unit_name"]
    ordering_fields = ["deadline", "created_at", "severity", "status"]
    policy_actions = {
        "create": "rectification.item_create",
        # One route for every step: the service asks the policy for the step itself.
        "transition": "rectification.item_work",
    }

    def get_queryset(self) -> Any:
        return selectors.item_list(user=self.request.user)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        item = self.get_object()
        data = ItemOutput(item).data
        data["events"] = EventOutput(selectors.item_timeline(user=request.user, item=item), many=True).data
        data["allowed_actions"] = services.allowed_actions(request_actor(request), item)
        return Response(data)

    @extend_schema(tags=TAGS, summary="登记整改事项", request=ItemCreateInput, responses=ItemOutput)
    def create(self, request: Request) -> Response:
        return self.create_with(
            services.item_create, ItemCreateInput, ItemOutput, files=request.FILES.getlist("files")
        )

    @extend_schema(
        tags=TAGS,
        summary="办理（交办、开始整改、提交材料、核验销号、退回、重新打开、备注）",
        request=TransitionInput,
        responses=ItemOutput,
    )
    @action(detail=True, methods=["post"])
    def transition(self, request: Request, pk: str | None = None) -> Response:
        item = self.get_object()
        d = self.validated_input(TransitionInput)
        services.item_transition(
            actor=request_actor(request), item=item, files=request.FILES.getlist("files"), **d
        )
        return Response(ItemOutput(selectors.item_get(user=request.user, pk=item.pk)).data)
