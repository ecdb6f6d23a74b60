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

urlpatterns = router.urls
