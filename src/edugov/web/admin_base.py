"""Base class for the Django admin used by data officers: every change through the admin is
audited, registry rows are archived instead of deleted, and non-superusers see only their scope."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone

from edugov.accounts.scope import scoped
from edugov.audit.models import AuditAction
from edugov.audit.services import audit_create, audit_delete, audit_record, audit_update, snapshot

HIDDEN = "（已隐藏）"


def _is_archivable(obj: models.Model) -> bool:
    return any(f.name == "archived_at" for f in obj._meta.concrete_fields)


class AuditedModelAdmin(admin.ModelAdmin):
    """ModelAdmin whose saves and deletions write the audit trail (source "admin", set by the
    audit middleware). `audit_hidden_fields` are recorded as changed but never with their value."""

    audit_hidden_fields: tuple[str, ...] = ()
    scope_queryset = True  # False for reference data without a scope rule (school years, holidays)

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[Any]:
        qs = super().get_queryset(request)
        if self.scope_queryset and not request.user.is_superuser:
            qs = scoped(qs, request.user)
        return qs

    def _hide(self, data: dict[str, Any]) -> dict[str, Any]:
        return {k: (HIDDEN if k in self.audit_hidden_fields else v) for k, v in data.items()}

    @transaction.atomic
    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        before = None
        if change and obj.pk is not None:
            old = type(obj)._default_manager.filter(pk=obj.pk).first()
            before = snapshot(old) if old is not None else None
        super().save_model(request, obj, form, change)
        if before is None:
            if self.audit_hidden_fields:
                audit_record(
                    action=AuditAction.CREATE, instance=obj, changes={"after": self._hide(snapshot(obj))}
                )
            else:
                audit_create(instance=obj)
            return
        after = snapshot(obj)
        changes = {
            k: ((HIDDEN, HIDDEN) if k in self.audit_hidden_fields else (before.get(k), v))
            for k, v in after.items()
            if before.get(k) != v
        }
        audit_update(instance=obj, changes=changes)

    @transaction.atomic
    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        if _is_archivable(obj):
            if obj.archived_at is None:
                obj.archived_at = timezone.now()
                obj.save(update_fields=["archived_at"])
                audit_delete(instance=obj, action=AuditAction.ARCHIVE)
            return
        if self.audit_hidden_fields:
            audit_record(
                action=AuditAction.DELETE, instance=obj, changes={"before": self._hide(snapshot(obj))}
            )
        else:
            audit_delete(instance=obj)
        super().delete_model(request, obj)

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> tuple[Any, ...]:
        # Archiving keeps related rows, so protected relations do not block it.
        objs = list(objs)
        if objs and _is_archivable(objs[0]):
            return [f"{obj._meta.verbose_name}：{obj}（将归档，不会删除）" for obj in objs], {}, set(), []
        return super().get_deleted_objects(objs, request)

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


class ReadOnlyModelAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
