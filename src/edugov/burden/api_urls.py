"""The burden module's REST API routes, mounted at /api/v1/burden/ (edugov.api.urls)."""

from rest_framework.routers import DefaultRouter

from .api import ComplianceViewSet, ExamViewSet, HomeworkViewSet

router = DefaultRouter()
router.include_format_suffixes = False
router.register("homework", HomeworkViewSet, basename="homework")
router.register("compliance", ComplianceViewSet, basename="compliance")
router.register("exams", ExamViewSet, basename="exam")

urlpatterns = router.urls
