"""Django admin for the registry: data officers search, filter and correct rows; every change is
audited and deletions archive (see web.admin_base)."""

from __future__ import annotations

from django.contrib import admin

from edugov.web.admin_base import AuditedModelAdmin

from . import models as m


class ArchivedFilter(admin.SimpleListFilter):
    title = "归档状态"
    parameter_name = "archived"

    def lookups(self, request, model_admin):  # type: ignore[no-untyped-def]
        return [("no", "在用"), ("yes", "已归档")]

    def queryset(self, request, queryset):  # type: ignore[no-untyped-def]
        if self.value() == "no":
            return queryset.filter(archived_at__isnull=True)
        if self.value() == "yes":
            return queryset.filter(archived_at__isnull=False)
        return queryset


@admin.register(m.Area)
class AreaAdmin(AuditedModelAdmin):
    list_display = ["code", "name", "level", "parent", "archived_at"]
    list_filter = ["level", ArchivedFilter]
    search_fields = ["code", "name"]
    readonly_fields = ["path", "archived_at"]
    autocomplete_fields = ["parent"]

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        obj.path = obj.compute_path()
        super().save_model(request, obj, form, change)


class CampusInline(admin.TabularInline):
    model = m.Campus
    extra = 0
    fields = ["name", "address", "longitude", "latitude"]
    can_delete = False


@admin.register(m.School)
class SchoolAdmin(AuditedModelAdmin):
    list_display = [
        "code",
        "name",
        "school_type",
        "ownership",
        "locale",
        "area",
        "is_teaching_point",
        "archived_at",
    ]
    list_filter = [
        "school_type",
        "ownership",
        "locale",
        "is_teaching_point",
        "boarding",
        ArchivedFilter,
        "area",
    ]
    search_fields = ["code", "name", "address"]
    readonly_fields = ["locale", "archived_at"]
    autocomplete_fields = ["area", "central_school"]
    list_select_related = ["area"]


@admin.register(m.Campus)
class CampusAdmin(AuditedModelAdmin):
    list_display = ["name", "school", "address", "archived_at"]
    search_fields = ["name", "school__name", "school__code"]
    list_filter = [ArchivedFilter]
    autocomplete_fields = ["school"]
    readonly_fields = ["archived_at"]
    list_select_related = ["school"]


@admin.register(m.SchoolYear)
class SchoolYearAdmin(AuditedModelAdmin):
    scope_queryset = False
    list_display = ["__str__", "start_date", "end_date", "is_current"]


@admin.register(m.Term)
class TermAdmin(AuditedModelAdmin):
    scope_queryset = False
    list_display = ["__str__", "start_date", "end_date"]
    list_filter = ["school_year"]


@admin.register(m.CalendarException)
class CalendarExceptionAdmin(AuditedModelAdmin):
    scope_queryset = False
    list_display = ["date", "name", "is_school_day"]
    list_filter = ["is_school_day"]
    search_fields = ["name"]
    date_hierarchy = "date"


@admin.register(m.SchoolClass)
class SchoolClassAdmin(AuditedModelAdmin):
    list_display = ["__str__", "school", "school_year", "grade", "number", "boys", "girls", "archived_at"]
    list_filter = ["school_year", "grade", ArchivedFilter]
    search_fields = ["name", "school__name", "school__code"]
    autocomplete_fields = ["school", "head_teacher"]
    readonly_fields = ["archived_at"]
    list_select_related = ["school", "school_year"]


@admin.register(m.Teacher)
class TeacherAdmin(AuditedModelAdmin):
    list_display = ["staff_number", "name", "sex", "school", "subject", "is_full_time", "archived_at"]
    list_filter = ["sex", "is_full_time", ArchivedFilter]
    search_fields = ["staff_number", "name", "school__name"]
    autocomplete_fields = ["school"]
    readonly_fields = ["archived_at"]
    list_select_related = ["school"]


@admin.register(m.TeachingAssignment)
class TeachingAssignmentAdmin(AuditedModelAdmin):
    list_display = ["teacher", "school_class", "subject"]
    search_fields = ["teacher__name", "subject", "school_class__school__name"]
    autocomplete_fields = ["teacher", "school_class"]
    list_select_related = ["teacher", "school_class"]
