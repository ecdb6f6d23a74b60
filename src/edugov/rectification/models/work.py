"""Strategic tasks (重点任务·挂图作战: goals, key tasks, milestones) and leader liaison (挂钩联系:
leaders linked to schools, their visits and the problems they found)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from edugov.accounts.models import Department

from .items import RectificationItem, Severity, UnitKind

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
