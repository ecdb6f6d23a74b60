"""The workforce module's REST API routes, mounted at /api/v1/workforce/ (edugov.api.urls):
"api:workforce:record-list", "api:workforce:staffing-list", "api:workforce:correction-list"."""

from rest_framework.routers import DefaultRouter

from . import api

router = DefaultRouter()
router.include_format_suffixes = False
router.register("records", api.RecordViewSet, basename="record")
router.register("staffing", api.StaffingViewSet, basename="staffing")
router.register("corrections", api.CorrectionViewSet, basename="correction")
router.register("exchanges", api.ExchangeViewSet, basename="exchange")
router.register("shadowing", api.ShadowingViewSet, basename="shadowing")
router.register("studios", api.StudioViewSet, basename="studio")
router.register("studio-reports", api.StudioReportViewSet, basename="studio-report")
router.register("communities", api.CommunityViewSet, basename="community")
router.register("ethics", api.EthicsIncidentViewSet, basename="ethics")
router.register("appraisals", api.AppraisalViewSet, basename="appraisal")
router.register("rounds", api.PostRoundViewSet, basename="round")
router.register("round-posts", api.RoundPostViewSet, basename="round-post")
router.register("round-results", api.RoundResultViewSet, basename="round-result")

urlpatterns = router.urls
