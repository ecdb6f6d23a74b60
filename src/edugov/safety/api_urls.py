"""The safety module's REST API routes, mounted at /api/v1/safety/ (edugov.api.urls)."""

from rest_framework.routers import DefaultRouter

from . import api

router = DefaultRouter()
router.include_format_suffixes = False
router.register("cells", api.CellViewSet, basename="cell")
router.register("hazards", api.HazardViewSet, basename="hazard")
router.register("coverage", api.CoverageViewSet, basename="coverage")
router.register("reports", api.ReportViewSet, basename="report")
router.register("drills", api.DrillStatusViewSet, basename="drill")
router.register("waters", api.WaterViewSet, basename="water")

urlpatterns = router.urls
