"""Master teacher studios with their reports, and research communities with their activities."""

from __future__ import annotations

from django.core.validators import MaxValueValidator
from django.db import models


class StudioKind(models.TextChoices):
    FAMOUS_TEACHER = "famous_teacher", "名师工作室"
    HEAD_TEACHER = "head_teacher", "名班主任工作室"
    PRINCIPAL = "principal", "名校长工作室"


class ReportCadence(models.TextChoices):
    MONTHLY = "monthly", "月报"
    QUARTERLY = "quarterly", "季报"
    HALF_YEARLY = "half_yearly", "半年报"
    YEARLY = "yearly", "年报"


class Studio(models.Model):
    """A master studio: a lead teacher (or principal) with members, a lead school and a plan,
    reporting at a cadence; each period's report is a StudioReport row with its due date."""

    name = models.CharField("工作室名称", max_length=60)
    kind = models.CharField("类型", max_length=16, choices=StudioKind.choices)
    lead = models.ForeignKey(
        "registry.Teacher",
        verbose_name="领衔人",
        on_delete=models.PROTECT,
        related_name="workforce_led_studios",
    )
    lead_school = models.ForeignKey(
        "registry.School", verbose_name="依托学校", on_delete=models.PROTECT, related_name="+"
    )
    members = models.ManyToManyField(
        "registry.Teacher", verbose_name="成员", related_name="workforce_studios", blank=True
    )
    plan = models.TextField("工作计划", max_length=2000, blank=True)
    cadence = models.CharField(
        "报告周期", max_length=12, choices=ReportCadence.choices, default=ReportCadence.QUARTERLY
    )
    started_on = models.DateField("成立日期")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "名师工作室"
        verbose_name_plural = "名师工作室"
        ordering = ["kind", "name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["name"], name="workforce_studio_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class StudioReport(models.Model):
    """One period's report of a studio: due `due_on` (the period's end plus the grace days, data);
    overdue while not submitted after that day."""

    studio = models.ForeignKey(
        Studio, verbose_name="工作室", on_delete=models.CASCADE, related_name="reports"
    )
    period_label = models.CharField("报告期", max_length=20)
    period_end = models.DateField("报告期截止")
    due_on = models.DateField("报送期限")
    submitted_on = models.DateField("报送日期", null=True, blank=True)
    summary = models.TextField("报告内容", max_length=2000, blank=True)

    class Meta:
        verbose_name = "工作室阶段报告"
        verbose_name_plural = "工作室阶段报告"
        ordering = ["studio_id", "period_end"]
        constraints = [
            models.UniqueConstraint(fields=["studio", "period_end"], name="workforce_studio_report_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.studio} {self.period_label}"

    def is_overdue(self, today: object) -> bool:
        return self.submitted_on is None and self.due_on < today  # type: ignore[operator]


class CommunityKind(models.TextChoices):
    SUBJECT = "subject", "学科研修共同体"
    HEAD_TEACHER = "head_teacher", "班主任研修共同体"
    PRINCIPAL = "principal", "校长研修共同体"


class ResearchCommunity(models.Model):
    name = models.CharField("共同体名称", max_length=60)
    kind = models.CharField("类型", max_length=16, choices=CommunityKind.choices)
    subject = models.CharField("学科", max_length=32, blank=True)
    lead = models.ForeignKey(
        "registry.Teacher", verbose_name="召集人", on_delete=models.PROTECT, related_name="+"
    )
    lead_school = models.ForeignKey(
        "registry.School", verbose_name="牵头学校", on_delete=models.PROTECT, related_name="+"
    )
    members = models.ManyToManyField(
        "registry.Teacher", verbose_name="成员", related_name="workforce_communities", blank=True
    )

    class Meta:
        verbose_name = "研修共同体"
        verbose_name_plural = "研修共同体"
        ordering = ["kind", "name", "pk"]

    def __str__(self) -> str:
        return self.name


class CommunityActivity(models.Model):
    community = models.ForeignKey(
        ResearchCommunity, verbose_name="研修共同体", on_delete=models.CASCADE, related_name="activities"
    )
    held_on = models.DateField("活动日期")
    title = models.CharField("活动主题", max_length=100)
    participants = models.PositiveSmallIntegerField(
        "参加人数", default=0, validators=[MaxValueValidator(2000)]
    )
    summary = models.CharField("活动纪要", max_length=500, blank=True)

    class Meta:
        verbose_name = "研修活动"
        verbose_name_plural = "研修活动"
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.community} {self.title}"


# --- Ethics (师德师风), issue 15 item 7 ---
