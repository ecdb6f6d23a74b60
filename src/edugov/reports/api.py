"""The report registry on the REST API: the reports the caller may run, and any of them as a file
(/api/v1/reports/<name>.<fmt>?param=value), through the same audited download path as pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from edugov.accounts.actor import request_actor
from edugov.accounts.policy import role_may

from .download import report_response
from .registry import report_specs


class ParamOutput(serializers.Serializer[Any]):
    name = serializers.CharField()
    title = serializers.CharField()  # Chinese
    is_required = serializers.BooleanField()


class ReportOutput(serializers.Serializer[Any]):
    name = serializers.CharField()
    title = serializers.CharField()  # Chinese
    formats = serializers.ListField(child=serializers.CharField())
    params = ParamOutput(many=True)


class ReportListApi(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=ReportOutput(many=True), summary="可运行的报表", tags=["报表"])
    def get(self, request: Request) -> Response:
        actor = request_actor(request)
        data = [
            {"name": s.name, "title": s.label, "formats": list(s.formats),
             "params": [{"name": p.name, "title": p.label, "is_required": p.required} for p in s.params]}
            for s in report_specs()
            if role_may(actor, s.action)
        ]  # fmt: skip
        return Response(ReportOutput(data, many=True).data)


class ReportDownloadApi(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        responses={
            (200, "application/octet-stream"): OpenApiResponse(description="报表文件（xlsx、pdf、json）")
        },
        summary="下载报表（审计留痕）",
        tags=["报表"],
    )
    def get(self, request: Request, name: str, fmt: str) -> HttpResponse:
        params = {k: v for k, v in request.query_params.dict().items() if k != "fmt"}
        return report_response(request_actor(request), name, fmt, params)
