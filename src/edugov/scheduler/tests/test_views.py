"""The administrator's page of periodic jobs: who sees it, what it shows, "run now"."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from edugov.accounts.models import Role
from edugov.scheduler.models import JobLock, JobOutcome, JobRun, JobTrigger
from edugov.testing import login, make_mini_district

from .conftest import TEST_JOB

pytestmark = pytest.mark.django_db


@pytest.fixture
def district():
    return make_mini_district()


def test_the_district_admin_sees_each_job_with_schedule_last_run_and_outcome(client, district, sample_job):
    sample_job(lambda ctx: "")
    JobRun.objects.create(
        job=TEST_JOB, trigger=JobTrigger.SCHEDULE, started_at=timezone.now(), finished_at=timezone.now(),
        duration_seconds=1.25, outcome=JobOutcome.FAILED, message="运行失败：ValueError: 数据有误",
        error="Traceback ...",
    )  # fmt: skip
    login(client, district.users[Role.DISTRICT_ADMIN])
    home = client.get(reverse("web:home")).content.decode()
    assert reverse("scheduler:job_list") in home  # in the administrator's navigation
    page = client.get(reverse("scheduler:job_list")).content.decode()
    for text in ("问题发现与整改事项同步", "每小时", "每天 07:30", "测试任务", "每15分钟", "1.25 秒", "失败",
                 "数据有误", "从未运行", "立即运行"):  # fmt: skip
        assert text in page, text


@pytest.mark.parametrize("role", [Role.LEADER, Role.SCHOOL_ADMIN, Role.DEPARTMENT_OFFICER, Role.TEACHER])
def test_other_roles_are_refused(client, district, role):
    login(client, district.users[role])
    assert client.get(reverse("scheduler:job_list")).status_code == 403
    url = reverse("scheduler:job_run", args=["rectification.findings_sync"])
    assert client.post(url).status_code == 403
    assert not JobRun.objects.exists()
    assert reverse("scheduler:job_list") not in client.get(reverse("web:home")).content.decode()


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get(reverse("scheduler:job_list"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_run_now_runs_the_job_in_the_worker_for_the_admin(
    client, district, sample_job, django_capture_on_commit_callbacks
):
    sample_job(lambda ctx: "处理完毕")
    admin = district.users[Role.DISTRICT_ADMIN]
    login(client, admin)
    url = reverse("scheduler:job_run", args=[TEST_JOB])
    assert client.get(url).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, follow=True)
    assert "已提交" in response.content.decode()
    run = JobRun.objects.get(job=TEST_JOB)
    assert (run.trigger, run.outcome, run.requested_by, run.message) == (
        JobTrigger.MANUAL, JobOutcome.OK, admin, "处理完毕",
    )  # fmt: skip


def test_run_now_while_running_or_for_an_unknown_job_says_so(client, district, sample_job):
    sample_job(lambda ctx: "")
    JobLock.objects.create(job=TEST_JOB, holder="x:1", locked_until=timezone.now() + dt.timedelta(minutes=5))
    login(client, district.users[Role.DISTRICT_ADMIN])
    page = client.post(reverse("scheduler:job_run", args=[TEST_JOB]), follow=True).content.decode()
    assert "该任务正在运行" in page and "运行中" in page
    page = client.post(reverse("scheduler:job_run", args=["no.such"]), follow=True).content.decode()
    assert "没有名为“no.such”的定时任务" in page
    assert not JobRun.objects.exists()


def test_the_page_costs_the_same_queries_however_many_jobs_ran(client, district):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    login(client, district.users[Role.DISTRICT_ADMIN])
    admin = district.users[Role.DISTRICT_ADMIN]

    def add_runs() -> int:
        for name in ("rectification.findings_sync", "rectification.daily_round", "tutoring.risk_compute"):
            JobRun.objects.create(
                job=name, trigger=JobTrigger.MANUAL, started_at=timezone.now(), requested_by=admin
            )
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("scheduler:job_list")).status_code == 200
        return len(ctx.captured_queries)

    client.get(reverse("scheduler:job_list"))  # the session's first request does its own reads
    assert add_runs() == add_runs()
