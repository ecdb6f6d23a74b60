"""Tutoring REST API (routes in api_urls, at /api/v1/tutoring/): institutions (list, detail, create, status
change), staff (masked as on the pages), the latest risk ranking and orders. Same selectors and
services as the pages; the shared pieces come from edugov.api.base."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from edugov.accounts.actor import request_actor
from edugov.accounts.policy import ensure_can
from edugov.accounts.scope import scoped
from edugov.api.base import ApiViewSet, ScopedPrimaryKeyField
from edugov.registry.models import Area, AreaLevel

from . import selectors, services
from .models import Category, CustodyMode, Institution, InstitutionStatus, Mode, Order, RiskSnapshot

TAGS = ["校外培训"]


class TutoringViewSet(ApiViewSet):
    """Reads ask the policy as well (`read_action`): a role without the module is refused, not
    shown an empty list; writes go through `policy_actions` (edugov.api.base.CanWrite)."""

    read_action = "tutoring.view"

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        if request.method in permissions.SAFE_METHODS:
            ensure_can(request.user, self.read_action)


class InstitutionOutput(serializers.ModelSerializer):
    area_name = serializers.CharField(source="area.name")
    status_display = serializers.CharField(source="get_status_display")
    category_display = serializers.CharField(source="get_category_display")

    class Meta:
        model = Institution
        fields = [
            "id",
            "name",
            "credit_code",
            "licence_number",
            "licence_valid_from",
            "licence_valid_to",
            "category",
            "category_display",
            "nonprofit_registered",
            "mode",
            "area",
            "area_name",
            "address",
            "longitude",
            "latitude",
            "floor_area",
            "legal_representative",
            "status",
            "status_display",
            "list_status",
            "custody_mode",
        ]


def _towns(user: Any) -> Any:
    return Area.objects.filter(level=AreaLevel.TOWN, archived_at__isnull=True)


class InstitutionInput(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    credit_code = serializers.CharField(max_length=18)
    licence_number = serializers.CharField(max_length=40, required=False, allow_blank=True)
    licence_valid_from = serializers.DateField(required=False, allow_null=True)
    licence_valid_to = serializers.DateField(required=False, allow_null=True)
    category = serializers.ChoiceField(choices=Category.choices)
    nonprofit_registered = serializers.BooleanField(default=False)
    mode = serializers.ChoiceField(choices=Mode.choices, default=Mode.OFFLINE)
    # Towns within the writer's WRITE scope (the field intersects with it): never an area above.
    area = ScopedPrimaryKeyField(_towns)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True)
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True)
    floor_area = serializers.DecimalField(max_digits=9, decimal_places=2, required=False, allow_null=True)
    legal_representative = serializers.CharField(max_length=32, required=False, allow_blank=True)
    custody_mode = serializers.ChoiceField(choices=CustodyMode.choices, default=CustodyMode.CUSTODY_ACCOUNT)


class InstitutionTransitionInput(serializers.Serializer):
    to_status = serializers.ChoiceField(choices=InstitutionStatus.choices)
    reason = serializers.CharField(max_length=200)


@extend_schema(tags=TAGS)
class InstitutionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TutoringViewSet):
    serializer_class = InstitutionOutput
    policy_actions = {
        "create": "tutoring.institution_create",
        "transition": "tutoring.institution_transition",
    }

    def get_queryset(self) -> Any:
        return selectors.institution_list(user=self.request.user).order_by("pk")

    @extend_schema(request=InstitutionInput, responses={201: InstitutionOutput})
    def create(self, request: Request) -> Response:
        data = self.validated_input(InstitutionInput)
        inst = services.institution_create(actor=request_actor(request), data=data)
        return Response(InstitutionOutput(inst).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=InstitutionTransitionInput, responses={200: InstitutionOutput})
    @action(detail=True, methods=["post"])
    def transition(self, request: Request, pk: str | None = None) -> Response:
        inst = self.get_object()
        data = self.validated_input(InstitutionTransitionInput)
        services.institution_transition(institution=inst, actor=request_actor(request), **data)
        inst.refresh_from_db()
        return Response(InstitutionOutput(inst).data)


class StaffOutput(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    institution = serializers.CharField()
    name = serializers.CharField()
    id_number = serializers.CharField()
    phone = serializers.CharField()
    teaches_subject = serializers.BooleanField()
    qualification_number = serializers.CharField()
    in_service = serializers.BooleanField()


@extend_schema(tags=TAGS, responses={200: StaffOutput(many=True)})
class StaffViewSet(TutoringViewSet):
    # The rows come masked from a selector, not a queryset: paged, but neither searched nor ordered.
    filter_backends = ()

    def list(self, request: Request) -> Response:
        rows = selectors.staff_rows(user=request.user)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(StaffOutput(page, many=True).data)


class RiskOutput(serializers.ModelSerializer):
    institution_name = serializers.CharField(source="institution.name")

    class Meta:
        model = RiskSnapshot
        fields = [
            "institution",
            "institution_name",
            "date",
            "unconsumed",
            "custody_balance",
            "coverage",
            "score",
            "level",
            "reasons",
            "refund_backlog",
            "complaints_30d",
        ]


@extend_schema(tags=TAGS)
class RiskViewSet(mixins.ListModelMixin, TutoringViewSet):
    serializer_class = RiskOutput
    read_action = "tutoring.supervise"  # as the risk page

    def get_queryset(self) -> Any:
        return selectors.latest_risk(user=self.request.user)


class OrderOutput(serializers.ModelSerializer):
    class Meta:
        model = Order
        fields = ["id", "institution", "course", "lessons", "amount", "paid_on", "covers_until", "violations"]


@extend_schema(tags=TAGS)
class OrderViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TutoringViewSet):
    serializer_class = OrderOutput

    def get_queryset(self) -> Any:
        return scoped(Order, self.request.user).order_by("-paid_on", "-pk")
