"""REST API v1: registry resources on a router, plus token authentication."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from . import auth
from .areas import AreaViewSet
from .campuses import CampusViewSet
from .classes import SchoolClassViewSet
from .schools import SchoolViewSet
from .teachers import TeacherViewSet, TeachingAssignmentViewSet
from .years import SchoolYearViewSet, TermViewSet

app_name = "api"


class Router(DefaultRouter):
    include_format_suffixes = False  # one URL per resource: JSON only


router = Router()
router.register("areas", AreaViewSet, basename="area")
router.register("schools", SchoolViewSet, basename="school")
router.register("campuses", CampusViewSet, basename="campus")
router.register("school-years", SchoolYearViewSet, basename="school-year")
router.register("terms", TermViewSet, basename="term")
router.register("classes", SchoolClassViewSet, basename="class")
router.register("teachers", TeacherViewSet, basename="teacher")
router.register("teaching-assignments", TeachingAssignmentViewSet, basename="teaching-assignment")

urlpatterns = [
    path("auth/token/", auth.TokenCreateApi.as_view(), name="token"),
    path("auth/token/revoke/", auth.TokenDeleteApi.as_view(), name="token_revoke"),
    *router.urls,
]
