"""User administration: Chinese labels, role and scope anchors, audited changes (the password
is recorded as changed, never with its hash)."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Q

from edugov.web.admin_base import AuditedModelAdmin

from .models import User


@admin.register(User)
class UserAdmin(AuditedModelAdmin, DjangoUserAdmin):
    audit_hidden_fields = ("password",)
    scope_queryset = False  # users have no scope rule: only staff with user permissions come here
    list_display = [
        "username",
        "display_name",
        "role",
        "department",
        "area",
        "school",
        "is_active",
        "is_staff",
    ]
    list_filter = ["role", "department", "is_active", "is_staff"]
    search_fields = ["username", "display_name", "phone"]
    autocomplete_fields = ["area", "school", "teacher"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("个人信息", {"fields": ("display_name", "phone", "email")}),
        (
            "角色与数据范围",
            {
                "fields": (
                    "role",
                    "department",
                    "extra_modules",
                    "area",
                    "school",
                    "teacher",
                    "institution_id",
                )
            },
        ),
        ("权限", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("重要日期", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "password1", "password2")}),
        ("角色与数据范围", {"fields": ("role", "department", "area", "school", "teacher", "institution_id")}),
    )

    def get_queryset(self, request):  # type: ignore[no-untyped-def]
        qs = super().get_queryset(request)
        user = request.user
        if user.is_superuser:
            return qs
        if user.area is None:
            return qs.none()
        path = user.area.path
        return qs.filter(Q(area__path__startswith=path) | Q(school__area__path__startswith=path))
