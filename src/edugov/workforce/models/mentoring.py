"""Mentor pairs (an experienced teacher guiding a new one) and their outcomes."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q


class MentoringOutcome(models.TextChoices):
    ONGOING = "ongoing", "进行中"
    QUALIFIED = "qualified", "合格"
    EXCELLENT = "excellent", "优秀"
    NOT_QUALIFIED = "not_qualified", "不合格"


class MentorPair(models.Model):
    """A mentoring pair (青蓝结对) of a school year: an experienced teacher guiding a new one, with
    goals, the lessons the mentor observed, and the outcome."""

    school = models.ForeignKey(
        "registry.School", verbose_name="学校", on_delete=models.PROTECT, related_name="+"
    )
    school_year = models.ForeignKey(
        "registry.SchoolYear", verbose_name="学年", on_delete=models.PROTECT, related_name="+"
    )
    mentor = models.ForeignKey(
        "registry.Teacher",
        verbose_name="指导教师",
        on_delete=models.PROTECT,
        related_name="workforce_mentees",
    )
    mentee = models.ForeignKey(
        "registry.Teacher", verbose_name="新教师", on_delete=models.PROTECT, related_name="workforce_mentors"
    )
    goals = models.CharField("培养目标", max_length=300, blank=True)
    observed_lessons = models.PositiveSmallIntegerField(
        "听课节数", default=0, validators=[MaxValueValidator(500)]
    )
    outcome = models.CharField(
        "结对成效", max_length=16, choices=MentoringOutcome.choices, default=MentoringOutcome.ONGOING
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "青蓝结对"
        verbose_name_plural = "青蓝结对"
        ordering = ["school_id", "-school_year__start_year", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(mentor=models.F("mentee")),
                name="workforce_mentor_not_mentee",
                violation_error_message="指导教师和新教师不能是同一人",
            ),
            models.UniqueConstraint(
                fields=["school_year", "mentee"],
                name="workforce_one_mentor_per_mentee_year",
                violation_error_message="该新教师本学年已有指导教师",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentor}—{self.mentee}"


# --- Master studios (三名工作室) and research communities (研修共同体), issue 15 item 5 ---


class ShadowingPlacement(models.Model):
    """A new teacher's shadowing placement (跟岗学习) in a strong school: from their own school to
    the host school for a period, with a mentor there, and the outcome when it ends. Was an
    exchange of kind 跟岗学习 until 2026-12 (migration 0009 moved those rows here)."""

    teacher = models.ForeignKey(
        "registry.Teacher",
        verbose_name="跟岗教师",
        on_delete=models.PROTECT,
        related_name="workforce_shadowing",
    )
    home_school = models.ForeignKey(
        "registry.School", verbose_name="派出学校", on_delete=models.PROTECT, related_name="+"
    )
    host_school = models.ForeignKey(
        "registry.School", verbose_name="跟岗学校", on_delete=models.PROTECT, related_name="+"
    )
    mentor = models.ForeignKey(
        "registry.Teacher",
        verbose_name="跟岗导师",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="workforce_shadowing_mentored",
    )
    start_date = models.DateField("开始日期")
    end_date = models.DateField("结束日期")
    goals = models.CharField("跟岗目标", max_length=300, blank=True)
    outcome = models.CharField(
        "跟岗成效", max_length=16, choices=MentoringOutcome.choices, default=MentoringOutcome.ONGOING
    )
    evaluation = models.CharField("考核评价", max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "跟岗学习"
        verbose_name_plural = "跟岗学习"
        ordering = ["-start_date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(home_school=models.F("host_school")),
                name="workforce_shadowing_two_schools",
                violation_error_message="派出学校和跟岗学校不能相同",
            ),
            models.CheckConstraint(
                condition=Q(end_date__gt=models.F("start_date")),
                name="workforce_shadowing_dates",
                violation_error_message="结束日期应晚于开始日期",
            ),
            models.CheckConstraint(
                condition=~Q(mentor=models.F("teacher")),
                name="workforce_shadowing_mentor_not_self",
                violation_error_message="跟岗导师不能是跟岗教师本人",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.teacher} 跟岗学习"
