"""Shared pieces of the REST API: paging, parsing, the write permission, scoped reference fields.

Every API class reads through registry selectors or `scoped()` and writes through services; the
pieces here only translate between HTTP and those functions, in Chinese."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import authentication, exceptions, pagination, permissions, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from edugov.accounts.actor import request_actor
from edugov.accounts.policy import ensure_can, role_may
from edugov.accounts.scope import write_scoped
from edugov.common.bounds import BoundError, parse_bounded_int

NOT_FOUND_MESSAGE = "记录不存在，或不在您的数据范围内"


class Pagination(pagination.PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500
    invalid_page_message = "页码无效：{page_number}"


class CanWrite(permissions.BasePermission):
    """Reads for any signed-in user (rows are scoped); a write asks the module's permission policy
    for the action the view declares (`policy_actions`: view action -> policy action), before the
    body is validated, so a role that may not do it always gets 403. A view set that writes
    without declaring its action is refused (fail closed). A write that another role does under
    its own action (a school recording its own drill, `school_drill`, where the safety office uses
    `drill`) names that action in `policy_alternatives` (view action -> other policy actions):
    holding any of them is enough."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        if getattr(view, "action", None) is None:
            return True  # a method the view does not route: DRF answers 405
        action = getattr(view, "policy_actions", {}).get(view.action)
        if action is None:
            raise exceptions.PermissionDenied("该操作未声明权限，已拒绝")
        if role_may(request.user, action):
            return True
        if any(role_may(request.user, alt) for alt in view_alternatives(view, view.action)):
            return True
        ensure_can(request.user, action)  # raises the policy's Chinese refusal
        return True


def view_alternatives(view: Any, view_action: str) -> tuple[str, ...]:
    """The other policy actions that also allow `view_action` of a view set (`policy_alternatives`)."""
    return tuple(getattr(view, "policy_alternatives", {}).get(view_action, ()))


class ChoiceLabelField(serializers.CharField):
    """The display label of a model choice field, `ChoiceLabelField(source="grade")`: the same
    text as `source="get_grade_display"`, looked up in the field's choices. DRF inspects the
    signature of a callable source on every row, and Django's get_FOO_display is a partialmethod
    whose signature is slow to build: with three of them, that was most of a 50-row list's time."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs["read_only"] = True
        super().__init__(**kwargs)
        self._labels: dict[Any, str] = {}

    def bind(self, field_name: str, parent: Any) -> None:
        super().bind(field_name, parent)
        model_field = parent.Meta.model._meta.get_field(self.source)
        self._labels = {value: str(label) for value, label in model_field.flatchoices}

    def to_representation(self, value: Any) -> str:
        return self._labels.get(value, "" if value is None else str(value))


class BoundedPrimaryKeyMixin:
    """An id from the body must be one a 64-bit column holds before it reaches a query (SQLite
    raises OverflowError past 2**63): anything else names no row, in Chinese."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, bool) or not isinstance(data, int | str):
            self.fail("incorrect_type", data_type=type(data).__name__)  # type: ignore[attr-defined]
        if isinstance(data, str) and not data.strip().lstrip("-").isdigit():
            self.fail("incorrect_type", data_type="str")  # type: ignore[attr-defined]
        try:
            pk = parse_bounded_int(str(data), minimum=1)
        except BoundError:
            self.fail("does_not_exist", pk_value=str(data)[:24])  # type: ignore[attr-defined]
        return super().to_internal_value(pk)  # type: ignore[misc]


@extend_schema_field(OpenApiTypes.INT)
class ReferencePrimaryKeyField(BoundedPrimaryKeyMixin, serializers.PrimaryKeyRelatedField):
    """A reference by id to reference data every user may cite (a term, a school year): rows that
    belong to no school or area, so no scope applies."""


@extend_schema_field(OpenApiTypes.INT)
class ScopedPrimaryKeyField(BoundedPrimaryKeyMixin, serializers.PrimaryKeyRelatedField):
    """A reference by id that resolves only within the requesting user's WRITE scope (a write may
    name only rows its writer may change): an id outside it reads as "does not exist", so the
    answer never confirms another school's rows. `rows(user)` narrows further (open classes,
    towns only); the row the instance already names (context "instance") stays acceptable, so a
    school administrator keeps the area above its school without being able to choose another.
    Services check the same again (accounts.scope.ensure_references_writable)."""

    def __init__(
        self, rows: Callable[[Any], QuerySet[Any]], *, reference_scope: str = "write", **kwargs: Any
    ) -> None:
        # "read": the row is only cited, never changed through this write (the supervision plan a
        # visit report belongs to); the service then decides who may cite it.
        self.rows = rows
        self.reference_scope = reference_scope
        kwargs.setdefault("error_messages", {})
        kwargs["error_messages"].setdefault(
            "does_not_exist", "编号为 {pk_value} 的记录不存在或不在您的数据范围内"
        )
        kwargs["error_messages"].setdefault("incorrect_type", "应为整数编号，收到的是 {data_type}")
        super().__init__(**kwargs)

    def get_queryset(self) -> QuerySet[Any]:
        user = self.context["request"].user
        rows = self.rows(user)
        if self.reference_scope == "read":
            return rows
        writable = rows.filter(pk__in=write_scoped(rows.model, user).values("pk"))
        instance = self.context.get("instance")
        current = getattr(instance, f"{self.source}_id", None) if instance is not None else None
        if current is not None:
            return rows.filter(pk=current) | writable
        return writable


class ApiViewSet(viewsets.GenericViewSet):
    """Base of every registry API view set: Chinese JSON parsing, the write permission, and model
    validation errors raised inside services answered as 400 with field messages."""

    # Token first: an unauthenticated client is told 401 with "WWW-Authenticate: Token"; the session
    # still works for the interactive docs in a signed-in browser.
    authentication_classes = [authentication.TokenAuthentication, authentication.SessionAuthentication]
    # Parsers: settings' DEFAULT_PARSER_CLASSES (api.parsers: Chinese errors, nesting bounded).
    permission_classes = [permissions.IsAuthenticated, CanWrite]
    pagination_class: type[pagination.BasePagination] | None = Pagination
    lookup_value_regex = r"\d+"
    policy_actions: dict[str, str] = {}
    policy_alternatives: dict[str, tuple[str, ...]] = {}

    def validated_input(
        self,
        serializer_class: type[serializers.Serializer],
        *,
        partial: bool = False,
        instance: Any = None,
    ) -> Any:
        """The request body checked by `serializer_class`; a body that is not a JSON object is a
        400 with a Chinese message (DRF's own answer to `null` is English). `instance` is the row
        being changed: the references it already holds stay acceptable."""
        if not isinstance(self.request.data, dict):
            raise exceptions.ValidationError({"non_field_errors": ["请求体应为JSON对象（键值对）"]})
        serializer = serializer_class(
            data=self.request.data,
            partial=partial,
            context={**self.get_serializer_context(), "instance": instance},
        )
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def create_with(
        self,
        service: Callable[..., Any],
        input_class: type[serializers.Serializer],
        output_class: type[serializers.BaseSerializer],
        **kwargs: Any,
    ) -> Response:
        """The create every registry API shares: the body checked by `input_class` (a 400 in
        Chinese), then `service(actor=<the signed-in user>, **body, **kwargs)` (the service asks
        the policy and the write scope, and its DomainError is answered as a Chinese 400 by the
        exception handler), then what it returns serialised by `output_class`, with 201."""
        data = self.validated_input(input_class)
        result = service(actor=request_actor(self.request), **data, **kwargs)
        return Response(output_class(result).data, status=status.HTTP_201_CREATED)

    def handle_exception(self, exc: Exception) -> Any:
        if isinstance(exc, Http404):
            # Django's message names the model in English; the same answer whether the row does
            # not exist or lies outside the scope, so probing ids reveals nothing.
            exc = exceptions.NotFound(NOT_FOUND_MESSAGE)
        if isinstance(exc, DjangoValidationError):
            raw = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
            detail = {("non_field_errors" if k == "__all__" else k): v for k, v in raw.items()}
            exc = exceptions.ValidationError(detail)
        return super().handle_exception(exc)
