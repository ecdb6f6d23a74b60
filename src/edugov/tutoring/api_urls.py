"""The tutoring module's REST API routes, mounted at /api/v1/tutoring/ (edugov.api.urls)."""

from rest_framework.routers import DefaultRouter

from .api import ComplaintViewSet, InstitutionViewSet, OrderViewSet, RiskViewSet, StaffViewSet

router = DefaultRouter()
router.include_format_suffixes = False
router.register("institutions", InstitutionViewSet, basename="institution")
router.register("staff", StaffViewSet, basename="staff")
router.register("risk", RiskViewSet, basename="risk")
router.register("orders", OrderViewSet, basename="order")
router.register("complaints", ComplaintViewSet, basename="complaint")

urlpatterns = router.urls
