"""Recruitment plans and their lines (subject, posts to fill)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q

# The most teachers one line may plan to recruit (a school hires a handful per subject).
RECRUIT_MAX = 50


class RecruitmentPlan(models.Model):
    """The district's recruitment plan of a school year (招聘计划): lines per school and subject,
    proposed from the five-year gap and edited by the personnel department."""

    school_year = models.OneToOneField(
        "registry.SchoolYear", verbose_name="学年", on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="编制人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("编制时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "招聘计划"
        verbose_name_plural = "招聘计划"
        ordering = ["-school_year__start_year"]

    def __str__(self) -> str:
        return f"{self.school_year}招聘计划"


class RecruitmentLine(models.Model):
    """One school x subject of a plan: the proposed number (the five-year gap in whole teachers,
    kept as computed) and the number the officer settles on, with a note."""

    plan = models.ForeignKey(
        RecruitmentPlan, verbose_name="招聘计划", on_delete=models.CASCADE, related_name="lines"
    )
    school = models.ForeignKey(
        "registry.School", verbose_name="学校", on_delete=models.PROTECT, related_name="+"
    )
    subject = models.CharField("学科", max_length=32)
    gap_in_five_years = models.DecimalField("五年后缺口（人）", max_digits=6, decimal_places=2, default=0)
    proposed = models.PositiveSmallIntegerField("建议招聘（人）", default=0)
    quantity = models.PositiveSmallIntegerField("计划招聘（人）", validators=[MaxValueValidator(RECRUIT_MAX)])
    note = models.CharField("备注", max_length=200, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "招聘计划明细"
        verbose_name_plural = "招聘计划明细"
        ordering = ["plan_id", "school__area__name", "school__name", "subject"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "school", "subject"], name="workforce_recruitment_line_unique"
            ),
            models.CheckConstraint(
                condition=Q(quantity__lte=RECRUIT_MAX), name="workforce_recruitment_quantity_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school} {self.subject} {self.quantity}人"
