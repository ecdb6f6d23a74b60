"""The planning module's REST API routes, mounted at /api/v1/planning/ (edugov.api.urls)."""

from rest_framework.routers import DefaultRouter

from . import api

router = DefaultRouter()
router.include_format_suffixes = False
router.register("forecast", api.ForecastViewSet, basename="forecast")
router.register("layout", api.LayoutViewSet, basename="layout")
router.register("projects", api.ProjectViewSet, basename="project")
router.register("towns", api.TownYearViewSet, basename="town")
router.register("housing", api.HousingViewSet, basename="housing")
router.register("runs", api.RunViewSet, basename="run")
router.register("progress", api.ProgressViewSet, basename="progress")
router.register("project-lists", api.ProjectListViewSet, basename="project-list-month")
router.register("quota", api.QuotaViewSet, basename="quota")
router.register("quota-plans", api.QuotaPlanViewSet, basename="quota-plan")
router.register("private-schools", api.PrivateYearViewSet, basename="private-year")
router.register("zones", api.ZoneViewSet, basename="zone")
router.register("villages", api.VillageViewSet, basename="village")
router.register("layout-proposals", api.LayoutProposalViewSet, basename="layout-proposal")
router.register("closures", api.ClosureViewSet, basename="closure")
router.register("map", api.MapViewSet, basename="map")

urlpatterns = router.urls
