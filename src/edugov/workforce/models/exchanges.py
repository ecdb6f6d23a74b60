"""Teacher exchanges and rotations between schools (rural placements included)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class ExchangeKind(models.TextChoices):
    ROTATION = "rotation", "轮岗交流"
    RURAL_PLACEMENT = "rural_placement", "下派支教"
    UPWARD_SECONDMENT = "upward_secondment", "上挂锻炼"
    # 跟岗学习 is its own record since 2026-12 (ShadowingPlacement: host school, mentor, outcome).


# The kinds that count towards a school's yearly rotation share (教师〔2014〕4号).
ROTATING_KINDS = (ExchangeKind.ROTATION, ExchangeKind.RURAL_PLACEMENT)


class Exchange(models.Model):
    """A teacher's exchange between schools (城乡轮岗, 区管校聘): from the sending school, to the
    receiving one, for a period. The sending school's rotation share counts it."""

    teacher = models.ForeignKey(
        "registry.Teacher", verbose_name="教师", on_delete=models.PROTECT, related_name="workforce_exchanges"
    )
    kind = models.CharField("交流类型", max_length=20, choices=ExchangeKind.choices)
    from_school = models.ForeignKey(
        "registry.School", verbose_name="派出学校", on_delete=models.PROTECT, related_name="+"
    )
    to_school = models.ForeignKey(
        "registry.School", verbose_name="接收学校", on_delete=models.PROTECT, related_name="+"
    )
    start_date = models.DateField("开始日期")
    end_date = models.DateField("结束日期")
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
        verbose_name = "交流轮岗记录"
        verbose_name_plural = "交流轮岗记录"
        ordering = ["-start_date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_school=models.F("to_school")),
                name="workforce_exchange_two_schools",
                violation_error_message="派出学校和接收学校不能相同",
            ),
            models.CheckConstraint(
                condition=Q(end_date__gt=models.F("start_date")),
                name="workforce_exchange_dates",
                violation_error_message="结束日期应晚于开始日期",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.teacher} {self.get_kind_display()}"
