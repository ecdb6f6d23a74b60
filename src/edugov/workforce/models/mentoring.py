"""Mentor pairs (an experienced teacher guiding a new one) and their outcomes."""

from __future__ import annotations

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
