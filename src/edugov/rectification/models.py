"""Rectification (问题清单·对账销号): problem items from every source, their timeline and
attachments, and in-app notifications. One item per cause: a recomputed finding reopens the item
it raised instead of creating another.

Long because: it declares the rectification schema in one place, as its migrations do (items and
their timeline, rankings, the strategy's key tasks, milestones and leader visits); a split by
sub-domain waits until the supervision models have finished moving out of it."""

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


# Strategic tasks (重点任务·挂图作战) ------------------------------------------------------------------


class Rag(models.TextChoices):
    RED = "red", "红灯"
    AMBER = "amber", "黄灯"
    GREEN = "green", "绿灯"


class TaskGoal(models.Model):
    """A goal of the district's work plan (e.g. 年度“十个一”重点工作), broken into key tasks."""

    area = models.ForeignKey("registry.Area", verbose_name="区域", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    title = models.CharField("目标", max_length=200)
    description = models.TextField("说明", blank=True)
    order = models.PositiveSmallIntegerField("序号", default=0)
    created_at = models.DateTimeField("创建时间")

    class Meta:
        verbose_name = "工作目标"
        verbose_name_plural = "工作目标"
        ordering = ["year", "order", "pk"]

    def __str__(self) -> str:
        return self.title


class KeyTask(models.Model):
    """A key task under a goal, with its owner unit and person, department and deadline; its progress
    is the milestones' progress weighted by their weights."""

    goal = models.ForeignKey(
        TaskGoal, verbose_name="工作目标", on_delete=models.CASCADE, related_name="tasks"
    )
    code = models.CharField("编号", max_length=20, blank=True)
    title = models.CharField("重点任务", max_length=200)
    unit_kind = models.CharField(
        "牵头单位类型", max_length=12, choices=UnitKind.choices, default=UnitKind.AREA
    )
    school = models.ForeignKey(
        "registry.School",
        verbose_name="牵头学校",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    area = models.ForeignKey(
        "registry.Area", verbose_name="所在区域", on_delete=models.PROTECT, related_name="+"
    )
    unit_name = models.CharField("牵头单位", max_length=120)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="责任人账号",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    owner_name = models.CharField("责任人", max_length=64, blank=True)
    department = models.CharField("主管科室", max_length=24, choices=Department.choices)
    start_date = models.DateField("开始日期")
    deadline = models.DateField("完成期限")
    order = models.PositiveSmallIntegerField("序号", default=0)
    created_at = models.DateTimeField("创建时间")

    class Meta:
        verbose_name = "重点任务"
        verbose_name_plural = "重点任务"
        ordering = ["goal", "order", "pk"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}".strip()


class Milestone(models.Model):
    task = models.ForeignKey(
        KeyTask, verbose_name="重点任务", on_delete=models.CASCADE, related_name="milestones"
    )
    title = models.CharField("节点", max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="责任人账号",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    owner_name = models.CharField("责任人", max_length=64, blank=True)
    start_date = models.DateField("开始日期")
    deadline = models.DateField("完成期限")
    progress = models.PositiveSmallIntegerField("进度（%）", default=0)
    weight = models.PositiveSmallIntegerField("权重", default=1)
    note = models.CharField("进展说明", max_length=500, blank=True)
    completed_at = models.DateTimeField("完成时间", null=True, blank=True)
    updated_at = models.DateTimeField("更新时间")

    class Meta:
        verbose_name = "任务节点"
        verbose_name_plural = "任务节点"
        ordering = ["task", "deadline", "pk"]
        constraints = [
            models.CheckConstraint(name="rectification_milestone_progress", condition=Q(progress__lte=100)),
            models.CheckConstraint(name="rectification_milestone_weight", condition=Q(weight__gte=1)),
        ]

    def __str__(self) -> str:
        return self.title


# Leader liaison (挂钩联系) -------------------------------------------------------------------------


class LiaisonLink(models.Model):
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="联系领导",
        on_delete=models.CASCADE,
        related_name="liaison_links",
    )
    school = models.ForeignKey(
        "registry.School", verbose_name="联系学校", on_delete=models.CASCADE, related_name="+"
    )
    since = models.DateField("挂钩日期")

    class Meta:
        verbose_name = "挂钩联系"
        verbose_name_plural = "挂钩联系"
        ordering = ["leader", "school"]
        constraints = [models.UniqueConstraint(fields=["leader", "school"], name="rectification_one_link")]

    def __str__(self) -> str:
        return f"{self.leader} — {self.school}"


class LeaderVisit(models.Model):
    """A leader's visit on one day (one record per leader and day; a resubmission adds to it)."""

    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="领导", on_delete=models.PROTECT, related_name="leader_visits"
    )
    area = models.ForeignKey("registry.Area", verbose_name="区域", on_delete=models.PROTECT, related_name="+")
    visited_on = models.DateField("走访日期")
    schools = models.ManyToManyField("registry.School", verbose_name="走访学校", related_name="+")
    observations = models.TextField("所见情况", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("登记时间")
    updated_at = models.DateTimeField("更新时间")

    class Meta:
        verbose_name = "领导走访"
        verbose_name_plural = "领导走访"
        ordering = ["-visited_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["leader", "visited_on"], name="rectification_one_visit_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.leader} {self.visited_on}"


class VisitProblem(models.Model):
    visit = models.ForeignKey(
        LeaderVisit, verbose_name="走访", on_delete=models.CASCADE, related_name="problems"
    )
    school = models.ForeignKey(
        "registry.School", verbose_name="学校", on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField("问题", max_length=200)
    required_action = models.TextField("整改要求")
    department = models.CharField("主管科室", max_length=24, choices=Department.choices)
    severity = models.CharField("严重程度", max_length=8, choices=Severity.choices, default=Severity.MEDIUM)
    deadline = models.DateField("整改期限")
    item = models.ForeignKey(
        RectificationItem, verbose_name="整改事项", null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "走访发现问题"
        verbose_name_plural = "走访发现问题"
        ordering = ["visit", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["visit", "school", "title"], name="rectification_one_problem")
        ]

    def __str__(self) -> str:
        return self.title
