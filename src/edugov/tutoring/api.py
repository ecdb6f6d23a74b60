"""Tutoring REST API (routes in api_urls, at /api/v1/tutoring/): institutions (list, detail, create, status
change), staff (masked as on the pages), the latest risk ranking, orders and complaints (their
steps). Same selectors and services as the pages; the shared pieces come from edugov.api.base."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
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

from . import rules, selectors, services
from .models import (
    Category,
    Complaint,
    CustodyMode,
    Institution,
    InstitutionStatus,
    Mode,
    Order,
    RiskSnapshot,
)

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


# Complaints: the bureau's steps (the public form and the rating stay on the public pages) --------


class ComplaintOutput(serializers.ModelSerializer):
    status_display = serializers.CharField(source="get_status_display")
    institution_name = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()
    events = serializers.SerializerMethodField()

    class Meta:
        model = Complaint
        fields = [
            "id", "institution", "institution_name", "area", "topic", "content", "submitted_on",
            "accept_deadline", "accepted_on", "deadline", "status", "status_display", "overdue",
            "referred_to", "reply", "replied_on", "rating", "events",
        ]  # fmt: skip

    def get_institution_name(self, c: Complaint) -> str:
        return c.institution.name if c.institution is not None else c.institution_text

    def get_overdue(self, c: Complaint) -> str:
        return rules.complaint_overdue(
            status=c.status,
            accept_deadline=c.accept_deadline,
            deadline=c.deadline,
            today=timezone.localdate(),
        )

    def get_events(self, c: Complaint) -> list[dict[str, Any]]:
        return [
            {
                "step": e.step,
                "step_display": e.get_step_display(),
                "at": e.at.isoformat(),
                "actor": str(e.actor) if e.actor else "",
                "note": e.note,
                "referred_to": e.referred_to,
                "investigators": e.investigators,
                "investigated_on": e.investigated_on.isoformat() if e.investigated_on else None,
                "findings": e.findings,
                "evidence": e.evidence,
            }
            for e in c.events.all()
        ]


class ComplaintReferInput(serializers.Serializer):
    referred_to = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    area = ScopedPrimaryKeyField(
        rows=lambda user: Area.objects.filter(level=AreaLevel.TOWN, archived_at__isnull=True),
        required=False,
        allow_null=True,
        default=None,
        help_text="转办乡镇街道ID",
    )
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class ComplaintInvestigateInput(serializers.Serializer):
    investigators = serializers.CharField(max_length=100)
    investigated_on = serializers.DateField()
    findings = serializers.CharField(max_length=4000)
    evidence = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ComplaintReplyInput(serializers.Serializer):
    reply = serializers.CharField(max_length=4000)


@extend_schema(tags=TAGS)
class ComplaintViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TutoringViewSet):
    """Complaints in scope with their steps; accept, refer, investigate and reply as the page does.
    The complainant's contact details are not in the API."""

    serializer_class = ComplaintOutput
    read_action = "tutoring.supervise"
    policy_actions = {
        "accept": "tutoring.complaint_accept",
        "refer": "tutoring.complaint_refer",
        "investigate": "tutoring.complaint_investigate",
        "reply": "tutoring.complaint_reply",
    }

    def get_queryset(self) -> Any:
        return (
            scoped(Complaint, self.request.user)
            .select_related("institution")
            .prefetch_related("events__actor")
            .order_by("-submitted_on", "-pk")
        )

    def _done(self, complaint: Complaint) -> Response:
        return Response(ComplaintOutput(self.get_queryset().get(pk=complaint.pk)).data)

    @extend_schema(request=None, responses={200: ComplaintOutput})
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str | None = None) -> Response:
        complaint = self.get_object()
        return self._done(services.complaint_accept(actor=request_actor(request), complaint=complaint))

    @extend_schema(request=ComplaintReferInput, responses={200: ComplaintOutput})
    @action(detail=True, methods=["post"])
    def refer(self, request: Request, pk: str | None = None) -> Response:
        complaint = self.get_object()
        data = self.validated_input(ComplaintReferInput)
        return self._done(services.complaint_refer(actor=request_actor(request), complaint=complaint, **data))

    @extend_schema(request=ComplaintInvestigateInput, responses={200: ComplaintOutput})
    @action(detail=True, methods=["post"])
    def investigate(self, request: Request, pk: str | None = None) -> Response:
        complaint = self.get_object()
        data = self.validated_input(ComplaintInvestigateInput)
        services.complaint_investigate(actor=request_actor(request), complaint=complaint, **data)
        return self._done(complaint)

    @extend_schema(request=ComplaintReplyInput, responses={200: ComplaintOutput})
    @action(detail=True, methods=["post"])
    def reply(self, request: Request, pk: str | None = None) -> Response:
        complaint = self.get_object()
        data = self.validated_input(ComplaintReplyInput)
        return self._done(services.complaint_reply(actor=request_actor(request), complaint=complaint, **data))
