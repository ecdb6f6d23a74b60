"""Runs of periodic jobs, and the per-job lock that keeps two runs of one job from overlapping."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class JobOutcome(models.TextChoices):
    RUNNING = "running", "运行中"
    OK = "ok", "成功"
    FAILED = "failed", "失败"


class JobTrigger(models.TextChoices):
    SCHEDULE = "schedule", "按计划"
    STARTUP = "startup", "启动时补运行"
    MANUAL = "manual", "手动运行"


class JobRun(models.Model):
    job = models.CharField("任务", max_length=100)
    trigger = models.CharField("触发方式", max_length=12, choices=JobTrigger.choices)
    started_at = models.DateTimeField("开始时间")
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    duration_seconds = models.FloatField("用时（秒）", null=True, blank=True)
    outcome = models.CharField("结果", max_length=12, choices=JobOutcome.choices, default=JobOutcome.RUNNING)
    message = models.CharField("摘要", max_length=500, blank=True)
    error = models.TextField("错误信息", blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发起人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    holder = models.CharField("运行进程", max_length=100, blank=True)

    class Meta:
        verbose_name = "定时任务运行记录"
        verbose_name_plural = "定时任务运行记录"
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["job", "-started_at"], name="scheduler_run_job_started")]

    def __str__(self) -> str:
        return f"{self.job} {self.started_at:%Y-%m-%d %H:%M} {self.get_outcome_display()}"

    @property
    def job_label(self) -> str:
        from .registry import get_job

        job = get_job(self.job)
        return job.label if job is not None else self.job


class JobLock(models.Model):
    """One row per job; a run holds it until `locked_until` (a lease taken by one conditional
    UPDATE, so two scheduler processes on any database never run one job at the same time)."""

    job = models.CharField("任务", max_length=100, primary_key=True)
    holder = models.CharField("持有进程", max_length=100, blank=True)
    locked_until = models.DateTimeField("锁定至", null=True, blank=True)

    class Meta:
        verbose_name = "定时任务锁"
        verbose_name_plural = "定时任务锁"

    def __str__(self) -> str:
        return self.job
