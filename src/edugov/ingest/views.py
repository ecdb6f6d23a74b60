"""Import pages: upload with templates, batch status with an HTMX progress display, downloads."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from edugov.accounts.actor import request_actor
from edugov.accounts.policy import ensure_can
from edugov.common.errors import DomainError

from . import selectors, services
from .blank import template_csv, template_xlsx
from .forms import UploadForm
from .spec import get_spec, kinds_for

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    ensure_can(request.user, "ingest.upload_page")
    kinds = kinds_for(request.user)
    form = UploadForm(request.POST or None, request.FILES or None, kinds=[(k.kind, k.label) for k in kinds])
    if request.method == "POST":
        if not kinds:
            messages.error(request, "您的账号没有导入数据的权限")
        elif form.is_valid():
            try:
                started = services.batch_upload(
                    actor=request_actor(request),
                    kind=form.cleaned_data["kind"],
                    upload=form.cleaned_data["file"],
                )
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                if started.queued:
                    messages.info(request, "文件较大，已转入后台导入，本页会自动显示进度")
                return redirect("ingest:batch_detail", pk=started.batch.pk)
    context = {
        "form": form,
        # Plain dicts: the template engine would try to call a spec class.
        "kinds": [{"kind": k.kind, "label": k.label, "description": k.description} for k in kinds],
        "batches": selectors.batch_list(user=request.user),
        "max_mb": settings.EDUGOV_IMPORT_MAX_BYTES // 1024 // 1024,
    }
    return render(request, "ingest/upload.html", context)


@login_required
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    view = selectors.batch_view(user=request.user, pk=pk)
    spec = get_spec(view.batch.kind)
    context = {
        "batch": view.batch,
        "message": view.message,
        "errors": view.errors,
        "rows": view.rows,
        "kind_label": spec.label if spec else view.batch.kind,
        "unchanged": selectors.unchanged_text(view.batch),
    }
    return render(request, "ingest/batch_detail.html", context)


@login_required
def batch_progress(request: HttpRequest, pk: int) -> HttpResponse:
    view = selectors.batch_view(user=request.user, pk=pk, row_limit=0)
    response = render(request, "ingest/_progress.html", {"batch": view.batch, "message": view.message})
    if view.batch.is_finished and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"  # show the counts, row outcomes and errors in full
    return response


@login_required
def template(request: HttpRequest, kind: str) -> HttpResponse:
    spec = get_spec(kind)
    if spec is None:
        raise Http404("没有这种导入模板")
    if request.GET.get("format") == "csv":
        response = HttpResponse(template_csv(spec), content_type="text/csv; charset=utf-8")
        filename = f"{spec.label}导入模板.csv"
    else:
        response = HttpResponse(template_xlsx(spec), content_type=XLSX)
        filename = f"{spec.label}导入模板.xlsx"
    from django.utils.http import content_disposition_header

    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@login_required
def error_report(request: HttpRequest, pk: int) -> FileResponse:
    batch = selectors.batch_get(user=request.user, pk=pk)
    path = selectors.report_file(user=request.user, batch=batch)
    if path is None:
        raise Http404("该批次没有错误报告")
    stem = Path(batch.original_name).stem or "导入"
    return FileResponse(
        path.open("rb"), as_attachment=True, filename=f"{stem}-错误报告.xlsx", content_type=XLSX
    )
