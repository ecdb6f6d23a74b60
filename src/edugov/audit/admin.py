"""The audit trail in the admin: read-only, searchable, scoped."""

from __future__ import annotations

from django.contrib import admin

from edugov.accounts.scope import scoped
from edugov.web.admin_base import ReadOnlyModelAdmin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyModelAdmin):
    list_display = ["at", "actor_name", "source", "action", "model", "object_id", "object_repr", "ip_address"]
    list_filter = ["action", "source", "model"]
    search_fields = ["actor_name", "object_repr", "object_id"]
    date_hierarchy = "at"
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def get_queryset(self, request):  # type: ignore[no-untyped-def]
        qs = super().get_queryset(request)
        return qs if request.user.is_superuser else scoped(qs, request.user)
