"""The registry's REST API routes (areas, schools, campuses, years, terms, classes, teachers),
mounted by edugov.api.urls at /api/v1/registry/ as the registry module declares."""

from rest_framework.routers import DefaultRouter

from .areas import AreaViewSet
from .campuses import CampusViewSet
from .classes import SchoolClassViewSet
from .schools import SchoolViewSet
from .teachers import TeacherViewSet, TeachingAssignmentViewSet
from .years import SchoolYearViewSet, TermViewSet

router = DefaultRouter()
router.include_format_suffixes = False  # one URL per resource: JSON only
router.register("areas", AreaViewSet, basename="area")
router.register("schools", SchoolViewSet, basename="school")
router.register("campuses", CampusViewSet, basename="campus")
router.register("school-years", SchoolYearViewSet, basename="school-year")
router.register("terms", TermViewSet, basename="term")
router.register("classes", SchoolClassViewSet, basename="class")
router.register("teachers", TeacherViewSet, basename="teacher")
router.register("teaching-assignments", TeachingAssignmentViewSet, basename="teaching-assignment")

urlpatterns = router.urls
