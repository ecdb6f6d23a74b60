"""Rectification items (问题清单·对账销号): problem items from every source, their timeline and
attachments, and in-app notifications. One item per cause: a recomputed finding reopens the item
it raised instead of creating another."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q

from edugov.accounts.models import Department


class ItemSource(models.TextChoices):
    SUPERVISION = "supervision", "督导检查"
    LEADER_VISIT = "leader_visit", "领导走访"
    COMPLAINT = "complaint", "投诉举报"
    MANUAL = "manual", "人工录入"
    DATA = "data", "数据发现"
    TASK = "task", "重点任务逾期"


class ItemStatus(models.TextChoices):
    OPEN = "open", "待交办"
    ASSIGNED = "assigned", "已交办"
    IN_RECTIFICATION = "in_rectification", "整改中"
    EVIDENCE_SUBMITTED = "evidence_submitted", "待核验"
    RETURNED = "returned", "已退回"
    CLOSED = "closed", "已销号"


# Statuses in which the responsible unit still owes work: these count as overdue after the deadline.
WORKING_STATUSES = (ItemStatus.OPEN, ItemStatus.ASSIGNED, ItemStatus.IN_RECTIFICATION, ItemStatus.RETURNED)
OPEN_STATUSES = (*WORKING_STATUSES, ItemStatus.EVIDENCE_SUBMITTED)


class Severity(models.TextChoices):
    LOW = "low", "一般"
    MEDIUM = "medium", "较重"
    HIGH = "high", "严重"


SEVERITY_RANK = {Severity.LOW: 1, Severity.MEDIUM: 2, Severity.HIGH: 3}


class UnitKind(models.TextChoices):
    SCHOOL = "school", "学校"
    INSTITUTION = "institution", "培训机构"
    AREA = "area", "区域"


class EscalationLevel(models.IntegerChoices):
    NONE = 0, "未升级"
    DEPARTMENT = 1, "升级至科室负责人"
    LEADER = 2, "升级至局领导"


class RectificationItem(models.Model):
    title = models.CharField("问题标题", max_length=200)
    source = models.CharField("问题来源", max_length=16, choices=ItemSource.choices)
    # For data findings: the registered finding source and the cause it found (one item per cause).
    finding_source = models.CharField("发现规则", max_length=64, blank=True, db_index=True)
    cause_key = models.CharField("问题成因标识", max_length=200, blank=True)
    cause_present = models.BooleanField("成因仍存在", default=True)
    cause_checked_at = models.DateTimeField("成因最近核对时间", null=True, blank=True)

    unit_kind = models.CharField("责任单位类型", max_length=12, choices=UnitKind.choices)
    school = models.ForeignKey(
        "registry.School",
        verbose_name="责任学校",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rectification_items",
    )
    institution_id = models.PositiveBigIntegerField("责任培训机构", null=True, blank=True, db_index=True)
    area = models.ForeignKey(
        "registry.Area", verbose_name="所在区域", on_delete=models.PROTECT, related_name="rectification_items"
    )
    unit_name = models.CharField("责任单位", max_length=120)
    longitude = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True)
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)

    department = models.CharField("主管科室", max_length=24, choices=Department.choices)
    responsible_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="责任人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="rectification_items",
    )
    responsible_name = models.CharField("责任人姓名", max_length=64, blank=True)
    deadline = models.DateField("整改期限")
    severity = models.CharField("严重程度", max_length=8, choices=Severity.choices, default=Severity.MEDIUM)
    evidence = models.TextField("问题依据", blank=True)
    evidence_data = models.JSONField("问题数据", default=dict, blank=True)
    required_action = models.TextField("整改要求")
    status = models.CharField("状态", max_length=20, choices=ItemStatus.choices, default=ItemStatus.OPEN)
    escalation_level = models.PositiveSmallIntegerField(
        "升级级别", choices=EscalationLevel.choices, default=EscalationLevel.NONE
    )
    reopen_count = models.PositiveSmallIntegerField("重新打开次数", default=0)
    visit_kind = models.CharField("来源记录类型", max_length=24, blank=True)
    visit_id = models.PositiveBigIntegerField("来源记录编号", null=True, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("登记时间")
    updated_at = models.DateTimeField("更新时间")
    closed_at = models.DateTimeField("销号时间", null=True, blank=True)
    closed_on_time = models.BooleanField("按期销号", null=True, blank=True)

    class Meta:
        verbose_name = "整改事项"
        verbose_name_plural = "整改事项"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["cause_key"], condition=~Q(cause_key=""), name="rectification_one_item_per_cause"
            ),
            models.CheckConstraint(
                name="rectification_unit_anchor",
                condition=Q(unit_kind="school", school__isnull=False)
                | Q(unit_kind="institution", institution_id__isnull=False)
                | Q(unit_kind="area"),
            ),
        ]
        indexes = [
            models.Index(fields=["status", "deadline"]),
            models.Index(fields=["department", "status"]),
            # The board lists newest first: with this index a page is read in order instead of
            # sorting every open item of the district for each page (10,000 items: 20 ms -> 1 ms).
            models.Index(fields=["-created_at", "-id"], name="rectification_item_newest"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def number(self) -> str:
        return f"ZG{self.created_at:%Y}-{self.pk:06d}" if self.pk and self.created_at else "（新）"

    def is_overdue(self, today: dt.date) -> bool:
        return self.status in WORKING_STATUSES and self.deadline < today

    def days_overdue(self, today: dt.date) -> int:
        return (today - self.deadline).days if self.is_overdue(today) else 0


class EventAction(models.TextChoices):
    CREATE = "create", "登记"
    ASSIGN = "assign", "交办"
    START = "start", "开始整改"
    SUBMIT = "submit", "提交整改材料"
    VERIFY = "verify", "核验销号"
    RETURN = "return", "退回重改"
    REOPEN = "reopen", "重新打开"
    ESCALATE = "escalate", "逾期升级"
    COMMENT = "comment", "备注"
    CAUSE_GONE = "cause_gone", "数据复核：问题已消除"
    CAUSE_BACK = "cause_back", "数据复核：问题仍存在"


class ItemEvent(models.Model):
    """One step of an item's timeline, with the comment and attachments that came with it."""

    item = models.ForeignKey(
        RectificationItem, verbose_name="整改事项", on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField("操作", max_length=16, choices=EventAction.choices)
    from_status = models.CharField("原状态", max_length=20, choices=ItemStatus.choices, blank=True)
    to_status = models.CharField("新状态", max_length=20, choices=ItemStatus.choices, blank=True)
    comment = models.TextField("说明", blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField("操作人姓名", max_length=64, blank=True)
    at = models.DateTimeField("时间")

    class Meta:
        verbose_name = "整改记录"
        verbose_name_plural = "整改记录"
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.at:%Y-%m-%d %H:%M}"


def attachment_path(instance: Attachment, filename: str) -> str:
    # The stored name is generated: user-supplied names never reach the file system.
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"rectification/{instance.item_id}/{instance.uploaded_at:%Y%m%d%H%M%S}-{instance.token}.{suffix}"


class Attachment(models.Model):
    item = models.ForeignKey(
        RectificationItem, verbose_name="整改事项", on_delete=models.CASCADE, related_name="attachments"
    )
    event = models.ForeignKey(
        ItemEvent,
        verbose_name="整改记录",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="attachments",
    )
    file = models.FileField("文件", upload_to=attachment_path, max_length=200)
    token = models.CharField(max_length=16, editable=False)
    original_name = models.CharField("原文件名", max_length=200)
    size = models.PositiveIntegerField("大小（字节）")
    content_type = models.CharField("文件类型", max_length=100)
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
        verbose_name = "附件"
        verbose_name_plural = "附件"
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class NotificationKind(models.TextChoices):
    ASSIGNED = "assigned", "新交办"
    SUBMITTED = "submitted", "待核验"
    RETURNED = "returned", "被退回"
    CLOSED = "closed", "已销号"
    REOPENED = "reopened", "重新打开"
    DUE_SOON = "due_soon", "即将到期"
    OVERDUE = "overdue", "已逾期"
    ESCALATED = "escalated", "逾期升级"


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="接收人",
        on_delete=models.CASCADE,
        related_name="rectification_notifications",
    )
    item = models.ForeignKey(
        RectificationItem, verbose_name="整改事项", on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField("类型", max_length=12, choices=NotificationKind.choices)
    message = models.CharField("内容", max_length=300)
    created_at = models.DateTimeField("时间")
    read_at = models.DateTimeField("已读时间", null=True, blank=True)
    emailed_at = models.DateTimeField("邮件发送时间", null=True, blank=True)

    class Meta:
        verbose_name = "消息通知"
        verbose_name_plural = "消息通知"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.message
