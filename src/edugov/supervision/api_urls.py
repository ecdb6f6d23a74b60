"""The supervision module's REST API routes (plans and visits), mounted at /api/v1/supervision/
(edugov.api.urls): "api:supervision:plan-list", "api:supervision:visit-list"."""

from rest_framework.routers import DefaultRouter

from . import api

router = DefaultRouter()
router.include_format_suffixes = False
router.register("plans", api.PlanViewSet, basename="plan")
router.register("visits", api.VisitViewSet, basename="visit")

urlpatterns = router.urls
