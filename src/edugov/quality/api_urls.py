"""The quality module's REST API routes, mounted at /api/v1/quality/ (edugov.api.urls):
"api:quality:assessment-list", "api:quality:assessment-bands", "api:quality:value-added-list"."""

from rest_framework.routers import DefaultRouter

from . import api

router = DefaultRouter()
router.include_format_suffixes = False
router.register("assessments", api.AssessmentViewSet, basename="assessment")
router.register("value-added", api.ValueAddedViewSet, basename="value-added")
router.register("fitness", api.FitnessRatesViewSet, basename="fitness")
router.register("lines", api.LineResultViewSet, basename="line")
router.register("awards", api.AwardViewSet, basename="award")

urlpatterns = router.urls
