"""Import batches (one uploaded file each) and what each of their rows did."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class BatchStatus(models.TextChoices):
    PENDING = "pending", "等待处理"
    RUNNING = "running", "正在导入"
    SUCCEEDED = "succeeded", "导入成功"
    REJECTED = "rejected", "已拒绝（有错误）"
    FAILED = "failed", "系统错误"


class RowAction(models.TextChoices):
    CREATED = "created", "新增"
    UPDATED = "updated", "修改"


class ImportBatch(models.Model):
    kind = models.CharField("数据类型", max_length=32, db_index=True)
    original_name = models.CharField("文件名", max_length=255)
    stored_path = models.CharField("存储路径", max_length=500, blank=True)
    size = models.BigIntegerField("文件大小", default=0)
    sha256 = models.CharField("文件哈希", max_length=64, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="上传人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Scope anchors, copied from the uploader at upload time (see apps.ready).
    area_path = models.CharField("区域路径", max_length=128, blank=True, db_index=True)
    school = models.ForeignKey(
        "registry.School", verbose_name="学校", null=True, blank=True, on_delete=models.SET_NULL
    )
    status = models.CharField(
        "状态", max_length=12, choices=BatchStatus.choices, default=BatchStatus.PENDING, db_index=True
    )
    total_rows = models.PositiveIntegerField("数据行数", default=0)
    progress = models.PositiveIntegerField("已处理行数", default=0)
    created_count = models.PositiveIntegerField("新增", default=0)
    updated_count = models.PositiveIntegerField("修改", default=0)
    unchanged_count = models.PositiveIntegerField("未变化", default=0)
    error_count = models.PositiveIntegerField("错误数", default=0)
    # Row numbers of unchanged rows as [[first, last], ...] ranges: compact for a million rows.
    unchanged_ranges = models.JSONField("未变化行", default=list, blank=True)
    # The first errors, for the page: [{"row", "column", "value", "reason"}].
    errors = models.JSONField("错误明细", default=list, blank=True)
    error_report_path = models.CharField("错误报告", max_length=500, blank=True)
    message = models.CharField("结果说明", max_length=500, blank=True)
    created_at = models.DateTimeField("上传时间", auto_now_add=True, db_index=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "导入批次"
        verbose_name_plural = "导入批次"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.original_name}（{self.get_status_display()}）"

    @property
    def is_finished(self) -> bool:
        return self.status in (BatchStatus.SUCCEEDED, BatchStatus.REJECTED, BatchStatus.FAILED)

    @property
    def percent(self) -> int:
        if self.is_finished:
            return 100
        if not self.total_rows:
            return 0
        return min(99, int(self.progress * 100 / self.total_rows))


class ImportRowLog(models.Model):
    """One created or updated row; unchanged rows are kept as ranges on the batch."""

    # The composite index below serves the batch lookups; a second one would slow big imports.
    batch = models.ForeignKey(
        ImportBatch, verbose_name="批次", on_delete=models.CASCADE, related_name="rows", db_index=False
    )
    row_number = models.PositiveIntegerField("行号")
    action = models.CharField("结果", max_length=8, choices=RowAction.choices)
    model = models.CharField("数据类型", max_length=64)
    object_id = models.BigIntegerField("对象ID")
    old_values = models.JSONField("修改前", null=True, blank=True)

    class Meta:
        verbose_name = "导入行记录"
        verbose_name_plural = "导入行记录"
        ordering = ["batch_id", "row_number"]
        indexes = [models.Index(fields=["batch", "row_number"])]

    def __str__(self) -> str:
        return f"第{self.row_number}行 {self.get_action_display()}"
