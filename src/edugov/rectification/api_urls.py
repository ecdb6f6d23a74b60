"""The rectification module's REST API routes (items, key tasks, milestones, leader visits),
mounted at /api/v1/rectification/ (edugov.api.urls)."""

from rest_framework.routers import DefaultRouter

from . import api, api_work

router = DefaultRouter()
router.include_format_suffixes = False
router.register("items", api.ItemViewSet, basename="item")
router.register("tasks", api_work.TaskViewSet, basename="task")
router.register("milestones", api_work.MilestoneViewSet, basename="milestone")
router.register("leader-visits", api_work.LeaderVisitViewSet, basename="leader-visit")

urlpatterns = router.urls
