"""Supervision (督导): plans of special and routine supervision over a set of schools, with the
checklist copied when planned, and the inspectors' visit records scoring each school.

The tables were created by the rectification app, where supervision began: they keep their names
(`db_table`), so moving the models here moved no row (migrations 0001 here and rectification 0006)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class SupervisionKind(models.TextChoices):
    SPECIAL = "special", "专项督导"
    ROUTINE = "routine", "经常性督导"


class SupervisionPlan(models.Model):
    area = models.ForeignKey("registry.Area", verbose_name="区域", on_delete=models.PROTECT, related_name="+")
    title = models.CharField("督导计划", max_length=200)
    kind = models.CharField("类型", max_length=10, choices=SupervisionKind.choices)
    checklist_code = models.CharField("督导清单", max_length=60)
    checklist = models.JSONField("督导清单（计划时副本）")
    start_date = models.DateField("开始日期")
    end_date = models.DateField("结束日期")
    schools = models.ManyToManyField(
        "registry.School",
        verbose_name="督导学校",
        related_name="+",
        db_table="rectification_supervisionplan_schools",
    )
    inspectors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name="督学",
        related_name="+",
        db_table="rectification_supervisionplan_inspectors",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="制定人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("制定时间")

    class Meta:
        db_table = "rectification_supervisionplan"
        verbose_name = "督导计划"
        verbose_name_plural = "督导计划"
        ordering = ["-start_date", "-pk"]

    def __str__(self) -> str:
        return self.title


class VisitStatus(models.TextChoices):
    DRAFT = "draft", "填写中"
    SUBMITTED = "submitted", "已提交"


class SupervisionVisit(models.Model):
    """One school's visit under a plan: a score and note per checklist item."""

    plan = models.ForeignKey(
        SupervisionPlan, verbose_name="督导计划", on_delete=models.CASCADE, related_name="visits"
    )
    school = models.ForeignKey(
        "registry.School", verbose_name="学校", on_delete=models.PROTECT, related_name="+"
    )
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="督学", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    visited_on = models.DateField("督导日期")
    status = models.CharField("状态", max_length=10, choices=VisitStatus.choices, default=VisitStatus.DRAFT)
    scores = models.JSONField("评分", default=dict)
    total = models.DecimalField("得分", max_digits=7, decimal_places=1, default=0)
    max_total = models.DecimalField("满分", max_digits=7, decimal_places=1, default=0)
    summary = models.TextField("总体评价", blank=True)
    findings = models.PositiveSmallIntegerField("发现问题数", default=0)
    created_at = models.DateTimeField("创建时间")
    updated_at = models.DateTimeField("更新时间")
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)

    class Meta:
        db_table = "rectification_supervisionvisit"
        verbose_name = "督导记录"
        verbose_name_plural = "督导记录"
        ordering = ["-visited_on", "-pk"]
        constraints = [
            # The name it was created with (in rectification): the table keeps it.
            models.UniqueConstraint(fields=["plan", "school"], name="rectification_one_visit_per_school")
        ]

    def __str__(self) -> str:
        return f"{self.plan} {self.school}"
