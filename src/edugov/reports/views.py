"""Any registered report as a page (/reports/<name>/?param=value: the same document the files
hold, rendered as HTML) and as a download (/reports/<name>.<fmt>?param=value, audited)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode

from edugov.accounts.actor import request_actor

from .download import build_report, report_response
from .registry import report_spec


@login_required
def download(request: HttpRequest, name: str, fmt: str) -> HttpResponse:
    params = {k: v for k, v in request.GET.dict().items() if k != "fmt"}
    return report_response(request_actor(request), name, fmt, params)


@login_required
def page(request: HttpRequest, name: str) -> HttpResponse:
    """The report on screen, with links to its files; reading a page is not an export."""
    params = {k: v for k, v in request.GET.dict().items() if k != "fmt"}
    doc = build_report(request_actor(request), name, params)
    charts = {  # keyed as the template names each chart's place: chart_<section>_<chart>, from 1
        f"chart_{i}_{j}": chart.payload()
        for i, section in enumerate(doc.sections, start=1)
        for j, chart in enumerate(section.charts, start=1)
    }
    context = {
        "doc": doc,
        "name": name,
        "formats": report_spec(name).formats,
        "query": urlencode(params),
        "charts": charts,
    }
    return render(request, "reports/document.html", context)
