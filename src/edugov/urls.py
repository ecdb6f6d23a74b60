"""Root URL configuration: each app mounts its own urls module."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

urlpatterns = [
    path("", include("edugov.web.urls")),
    path("accounts/", include("edugov.accounts.urls")),
    path("registry/", include("edugov.registry.urls")),
    path("resources/", include("edugov.resources.urls")),
    path("tutoring/", include("edugov.tutoring.urls")),
    path("imports/", include("edugov.ingest.urls")),
    path("audit/", include("edugov.audit.urls")),
    path("burden/", include("edugov.burden.urls")),
    path("rectification/", include("edugov.rectification.urls")),
    path("supervision/", include("edugov.supervision.urls")),
    path("quality/", include("edugov.quality.urls")),
    path("groups/", include("edugov.groups.urls")),
    path("party/", include("edugov.party.urls")),
    path("appraisal/", include("edugov.appraisal.urls")),
    path("planning/", include("edugov.planning.urls")),
    path("workforce/", include("edugov.workforce.urls")),
    path("scheduler/", include("edugov.scheduler.urls")),
    path("reports/", include("edugov.reports.urls")),
    path("api/v1/", include("edugov.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("admin/", admin.site.urls),
    path("safety/", include("edugov.safety.urls")),
]
