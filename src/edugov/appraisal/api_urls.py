"""The appraisal module's REST API routes, mounted at /api/v1/appraisal/ (edugov.api.urls):
"api:appraisal:scheme-list", "api:appraisal:indicator-list", "api:appraisal:entry-list",
"api:appraisal:result-list", "api:appraisal:checklist-list", "api:appraisal:inspection-list",
"api:appraisal:survey-list"."""

from rest_framework.routers import DefaultRouter

from . import api

router = DefaultRouter()
router.include_format_suffixes = False
router.register("schemes", api.SchemeViewSet, basename="scheme")
router.register("indicators", api.IndicatorViewSet, basename="indicator")
router.register("entries", api.EntryViewSet, basename="entry")
router.register("results", api.ResultViewSet, basename="result")
router.register("checklists", api.ChecklistViewSet, basename="checklist")
router.register("inspections", api.InspectionViewSet, basename="inspection")
router.register("surveys", api.SurveyViewSet, basename="survey")

urlpatterns = router.urls
