"""The party module's REST API routes, mounted at /api/v1/party/ (edugov.api.urls):
"api:party:status-list", "api:party:coverage-list",
"api:party:meeting-list"."""

from rest_framework.routers import DefaultRouter

from . import api

router = DefaultRouter()
router.include_format_suffixes = False
router.register("statuses", api.StatusViewSet, basename="status")
router.register("coverage", api.CoverageViewSet, basename="coverage")
router.register("meetings", api.MeetingViewSet, basename="meeting")

urlpatterns = router.urls
