"""The registry's API routes, mounted at /api/v1/reports/ (names "api:reports:<name>")."""

from django.urls import path

from . import api

urlpatterns = [
    path("", api.ReportListApi.as_view(), name="report-list"),
    path("<str:name>.<str:fmt>", api.ReportDownloadApi.as_view(), name="report-download"),
]
