"""The administrator's page of periodic jobs: schedule, last run, duration, outcome; run one now."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from edugov.accounts.models import User
from edugov.accounts.policy import can, ensure_can
from edugov.common.errors import DomainError

from . import selectors, services
from .registry import get_job


@login_required
def job_list(request: HttpRequest) -> HttpResponse:
    ensure_can(request.user, "scheduler.view")
    return render(
        request,
        "scheduler/job_list.html",
        {
            "jobs": selectors.job_status_list(),
            "runs": selectors.job_run_list(limit=30),
            "may_run": can(request.user, "scheduler.run"),
        },
    )


@login_required
@require_POST
def job_run(request: HttpRequest, name: str) -> HttpResponse:
    actor = request.user
    ensure_can(actor, "scheduler.run")
    assert isinstance(actor, User)
    try:
        services.job_run_request(actor=actor, name=name)
    except DomainError as exc:
        messages.warning(request, exc.message)
    else:
        job = get_job(name)
        label = job.label if job else name
        messages.success(request, f"已提交“{label}”，后台运行完成后刷新本页查看结果。")
    return HttpResponseRedirect(reverse("scheduler:job_list"))
