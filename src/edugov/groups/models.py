"""School groups (集团化办学·学区·共同体): a group with its lead and member schools, each unification's
plan per term (八个统一), activities recorded once for the whole group, and joint classes (联合办班)."""

from __future__ import annotations

from django.db import models


class GroupKind(models.TextChoices):
    CLOSE = "close", "紧密型教育集团"
    ALLIANCE = "alliance", "教育联盟"
    DISTRICT = "district", "学区"
    COMMUNITY = "community", "城乡学校共同体"


class Unification(models.TextChoices):
    """The eight unifications (八个统一) of a school group."""

    MANAGEMENT = "management", "统一管理策略"
    RESOURCES = "resources", "统一资源共享"
    TRAINING = "training", "统一教师培训"
    CURRICULUM = "curriculum", "统一课程计划"
    RESEARCH = "research", "统一教学研究"
    STUDENTS = "students", "统一学生活动"
    MONITORING = "monitoring", "统一质量监测"
    APPRAISAL = "appraisal", "统一考核评价"


class ActivityKind(models.TextChoices):
    RESEARCH = "research", "联合教研"
    SHARED_LESSON = "shared_lesson", "共享课堂"
    EXCHANGE = "exchange", "集团内教师交流"
    STUDENT = "student", "学生活动"
    TRAINING = "training", "教师培训"
    MEETING = "meeting", "管理例会"
    MONITORING = "monitoring", "统一测评"


class SchoolGroup(models.Model):
    name = models.CharField("名称", max_length=100, unique=True)
    kind = models.CharField("类型", max_length=16, choices=GroupKind.choices)
    lead_school = models.ForeignKey(
        "registry.School", verbose_name="牵头学校", on_delete=models.PROTECT, related_name="led_groups"
    )
    start_date = models.DateField("成立日期")
    end_date = models.DateField("结束日期", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "学校集团"
        verbose_name_plural = "学校集团"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gt=models.F("start_date")),
                name="groups_group_dates",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A member school (the lead school is a member too, joined on the group's start)."""

    group = models.ForeignKey(SchoolGroup, on_delete=models.CASCADE, related_name="memberships")
    school = models.ForeignKey(
        "registry.School", verbose_name="成员学校", on_delete=models.PROTECT, related_name="group_memberships"
    )
    joined_on = models.DateField("加入日期")
    left_on = models.DateField("退出日期", null=True, blank=True)

    class Meta:
        verbose_name = "集团成员校"
        verbose_name_plural = "集团成员校"
        ordering = ["group", "joined_on", "pk"]
        constraints = [models.UniqueConstraint(fields=["group", "school"], name="groups_member_once")]

    def __str__(self) -> str:
        return f"{self.group}·{self.school}"


class UnificationPlan(models.Model):
    """One unification's plan for a group and term, with its evidence (a description, no files)."""

    group = models.ForeignKey(SchoolGroup, on_delete=models.CASCADE, related_name="plans")
    term = models.CharField("学期", max_length=16)  # "2026-2027-1"
    unification = models.CharField("统一事项", max_length=16, choices=Unification.choices)
    plan = models.TextField("工作计划", max_length=2000)
    evidence = models.TextField("佐证材料", max_length=2000, blank=True)

    class Meta:
        verbose_name = "八个统一计划"
        verbose_name_plural = "八个统一计划"
        constraints = [
            models.UniqueConstraint(fields=["group", "term", "unification"], name="groups_plan_once")
        ]

    def __str__(self) -> str:
        return f"{self.group}·{self.term}·{self.get_unification_display()}"


class Activity(models.Model):
    """An activity recorded once by the school that held it; it counts for every member."""

    group = models.ForeignKey(SchoolGroup, on_delete=models.CASCADE, related_name="activities")
    school = models.ForeignKey(
        "registry.School", verbose_name="承办学校", on_delete=models.PROTECT, related_name="group_activities"
    )
    term = models.CharField("学期", max_length=16)
    unification = models.CharField("统一事项", max_length=16, choices=Unification.choices)
    kind = models.CharField("活动类型", max_length=16, choices=ActivityKind.choices)
    title = models.CharField("活动名称", max_length=120)
    held_on = models.DateField("日期")
    participants = models.PositiveIntegerField("参与人次", default=0)

    class Meta:
        verbose_name = "集团活动"
        verbose_name_plural = "集团活动"
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return self.title


class JointClass(models.Model):
    """A joint class (联合办班): a partner school's pupils study in rotation at the host school."""

    group = models.ForeignKey(SchoolGroup, on_delete=models.CASCADE, related_name="joint_classes")
    name = models.CharField("班级名称", max_length=60)
    host_school = models.ForeignKey(
        "registry.School",
        verbose_name="承办学校",
        on_delete=models.PROTECT,
        related_name="hosted_joint_classes",
    )
    partner_school = models.ForeignKey(
        "registry.School",
        verbose_name="合作学校",
        on_delete=models.PROTECT,
        related_name="partner_joint_classes",
    )
    grade = models.SmallIntegerField("年级")
    pupils = models.PositiveIntegerField("学位数")
    transported = models.PositiveIntegerField("接送学生数", default=0)
    teachers = models.ManyToManyField("registry.Teacher", verbose_name="随班流动教师", blank=True)

    class Meta:
        verbose_name = "联合办班"
        verbose_name_plural = "联合办班"
        ordering = ["group", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(transported__lte=models.F("pupils")), name="groups_transport_le_pupils"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Rotation(models.Model):
    """One stage of a joint class's rotation calendar: where the class studies, from when to when."""

    joint_class = models.ForeignKey(JointClass, on_delete=models.CASCADE, related_name="rotations")
    stage = models.CharField("阶段", max_length=40)
    school = models.ForeignKey(
        "registry.School", verbose_name="上课学校", on_delete=models.PROTECT, related_name="+"
    )
    start_date = models.DateField("开始日期")
    end_date = models.DateField("结束日期")

    class Meta:
        verbose_name = "轮转安排"
        verbose_name_plural = "轮转安排"
        ordering = ["joint_class", "start_date"]

    def __str__(self) -> str:
        return f"{self.joint_class}·{self.stage}"


def evidence_path(instance: Evidence, filename: str) -> str:
    # The stored name is generated: user-supplied names never reach the file system.
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    stamp = f"{instance.uploaded_at:%Y%m%d%H%M%S}-{instance.token}"
    return f"groups/{instance.group_id}/{instance.term}/{stamp}.{suffix}"


class Evidence(models.Model):
    """An evidence file (minutes, a photo, a plan) of one unification in a term, or of one activity;
    its size, type and leading bytes are checked before it is stored (services.evidence_upload)."""

    group = models.ForeignKey(SchoolGroup, on_delete=models.CASCADE, related_name="evidence_files")
    term = models.CharField("学期", max_length=16)
    unification = models.CharField("统一事项", max_length=16, choices=Unification.choices)
    activity = models.ForeignKey(
        Activity, verbose_name="活动", on_delete=models.CASCADE, null=True, blank=True, related_name="files"
    )
    school = models.ForeignKey(
        "registry.School", verbose_name="上传学校", on_delete=models.PROTECT, related_name="+"
    )
    file = models.FileField("文件", upload_to=evidence_path, max_length=200)
    token = models.CharField(max_length=16, editable=False)
    original_name = models.CharField("原文件名", max_length=200)
    size = models.PositiveIntegerField("大小（字节）")
    content_type = models.CharField("文件类型", max_length=100)
    uploaded_at = models.DateTimeField("上传时间")

    class Meta:
        verbose_name = "佐证材料"
        verbose_name_plural = "佐证材料"
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return self.original_name


class EffectSnapshot(models.Model):
    """A group's effect (its members' gaps to the lead school, year by year) as last computed. It
    is computed when the data it comes from changes (services.effect_refresh, run by the periodic
    job, on a membership change and in the demo build); pages and reports only read it."""

    group = models.OneToOneField(SchoolGroup, on_delete=models.CASCADE, related_name="effect_snapshot")
    computed_at = models.DateTimeField("计算时间", null=True, blank=True)
    # When a change was noticed that the figures do not include yet (None: up to date).
    stale_since = models.DateTimeField("待重新计算", null=True, blank=True, db_index=True)
    years = models.JSONField("学年", default=list, blank=True)  # the school years computed for
    standards = models.CharField("标准版本", max_length=64, blank=True)  # the standards in force then
    payload = models.JSONField("计算结果", default=dict, blank=True)

    class Meta:
        verbose_name = "集团办学成效"
        verbose_name_plural = "集团办学成效"

    def __str__(self) -> str:
        return f"{self.group}·办学成效"
