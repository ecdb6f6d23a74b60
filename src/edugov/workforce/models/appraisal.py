"""Yearly appraisal grades of teachers."""

from __future__ import annotations

from django.db import models


class AppraisalGrade(models.TextChoices):
    EXCELLENT = "excellent", "优秀"
    COMPETENT = "competent", "合格"
    BASIC = "basic", "基本合格"
    FAILED = "failed", "不合格"


class Appraisal(models.Model):
    """A teacher's yearly appraisal result at their school; the share of 优秀 per school is capped
    (data) and a confirmed ethics incident of the year vetoes 优秀."""

    teacher = models.ForeignKey(
        "registry.Teacher", verbose_name="教师", on_delete=models.PROTECT, related_name="workforce_appraisals"
    )
    school = models.ForeignKey(
        "registry.School", verbose_name="学校", on_delete=models.PROTECT, related_name="+"
    )
    school_year = models.ForeignKey(
        "registry.SchoolYear", verbose_name="学年", on_delete=models.PROTECT, related_name="+"
    )
    grade = models.CharField("考核等次", max_length=12, choices=AppraisalGrade.choices)
    note = models.CharField("说明", max_length=200, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "年度考核结果"
        verbose_name_plural = "年度考核结果"
        ordering = ["school_id", "teacher_id"]
        constraints = [
            models.UniqueConstraint(fields=["teacher", "school_year"], name="workforce_appraisal_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.teacher} {self.school_year} {self.get_grade_display()}"
