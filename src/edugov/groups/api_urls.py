"""The groups module's REST API routes, mounted at /api/v1/groups/ (edugov.api.urls):
"api:groups:group-list", "api:groups:activity-list", "api:groups:joint-class-list" (with
"-rotations" and "-rotation"), "api:groups:evidence-list" (with "-download")."""

from rest_framework.routers import DefaultRouter

from . import api

router = DefaultRouter()
router.include_format_suffixes = False
router.register("groups", api.GroupViewSet, basename="group")
router.register("activities", api.ActivityViewSet, basename="activity")
router.register("joint-classes", api.JointClassViewSet, basename="joint-class")
router.register("evidence", api.EvidenceViewSet, basename="evidence")

urlpatterns = router.urls
