"""The safety module's REST API routes, mounted at /api/v1/safety/ (edugov.api.urls)."""

from rest_framework.routers import DefaultRouter

from . import api, api_records

router = DefaultRouter()
router.include_format_suffixes = False
router.register("cells", api.CellViewSet, basename="cell")
router.register("hazards", api.HazardViewSet, basename="hazard")
router.register("coverage", api.CoverageViewSet, basename="coverage")
router.register("reports", api.ReportViewSet, basename="report")
router.register("drills", api.DrillStatusViewSet, basename="drill")
router.register("waters", api.WaterViewSet, basename="water")
router.register("drill-records", api_records.DrillRecordViewSet, basename="drill-record")
router.register("lesson-records", api_records.LessonRecordViewSet, basename="lesson-record")
router.register("patrols", api_records.PatrolViewSet, basename="patrol")
router.register("incidents", api_records.IncidentViewSet, basename="incident")
router.register("incident-counts", api_records.IncidentCountViewSet, basename="incident-count")

urlpatterns = router.urls
