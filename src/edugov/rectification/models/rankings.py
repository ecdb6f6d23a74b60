"""Red and black lists (红黑榜) of units per period, and the district boundaries the battle map draws."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from .items import UnitKind


class RankingStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    APPROVED = "approved", "已审核"
    PUBLISHED = "published", "已发布"


class PeriodKind(models.TextChoices):
    MONTH = "month", "月度"
    QUARTER = "quarter", "季度"


class Ranking(models.Model):
    """A red and black list (红黑榜) of units for one period, computed by rules kept as data."""

    title = models.CharField("标题", max_length=120)
    area = models.ForeignKey("registry.Area", verbose_name="区域", on_delete=models.PROTECT, related_name="+")
    period_kind = models.CharField("周期", max_length=8, choices=PeriodKind.choices)
    period_start = models.DateField("统计开始")
    period_end = models.DateField("统计截止")
    rules = models.JSONField("评分规则（生成时副本）")
    status = models.CharField(
        "状态", max_length=10, choices=RankingStatus.choices, default=RankingStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="生成人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("生成时间")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审核人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_at = models.DateTimeField("审核时间", null=True, blank=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    notice_number = models.CharField("通报文号", max_length=60, blank=True)

    class Meta:
        verbose_name = "红黑榜"
        verbose_name_plural = "红黑榜"
        ordering = ["-period_end", "-pk"]

    def __str__(self) -> str:
        return self.title


class ListKind(models.TextChoices):
    RED = "red", "红榜"
    BLACK = "black", "黑榜"
    NONE = "", "—"


class RankingEntry(models.Model):
    ranking = models.ForeignKey(
        Ranking, verbose_name="红黑榜", on_delete=models.CASCADE, related_name="entries"
    )
    rank = models.PositiveIntegerField("名次")
    unit_kind = models.CharField("单位类型", max_length=12, choices=UnitKind.choices)
    unit_key = models.CharField("单位标识", max_length=40)
    unit_name = models.CharField("单位", max_length=120)
    area = models.ForeignKey(
        "registry.Area", verbose_name="所在区域", on_delete=models.PROTECT, related_name="+"
    )
    metrics = models.JSONField("指标")
    score = models.DecimalField("得分", max_digits=7, decimal_places=2)
    list_kind = models.CharField("榜单", max_length=6, choices=ListKind.choices, blank=True)

    class Meta:
        verbose_name = "红黑榜条目"
        verbose_name_plural = "红黑榜条目"
        ordering = ["ranking", "rank"]

    def __str__(self) -> str:
        return f"{self.rank} {self.unit_name}"


class Boundary(models.Model):
    """The district's town boundaries for the battle map (GeoJSON FeatureCollection): generated for
    the demo district or uploaded by an administrator. The latest one per district is used."""

    area = models.ForeignKey("registry.Area", verbose_name="区县", on_delete=models.CASCADE, related_name="+")
    geojson = models.JSONField("边界数据")
    generated = models.BooleanField("系统生成", default=False)
    original_name = models.CharField("原文件名", max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="上传人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField("上传时间")

    class Meta:
        verbose_name = "行政边界"
        verbose_name_plural = "行政边界"
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.area} 边界"
