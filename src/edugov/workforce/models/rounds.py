"""District-managed school-hired post rounds: remoteness tiers, posts, choices, results and appeals."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q


class RemotenessTier(models.Model):
    """A rural school's remoteness tier (艰苦边远程度, 1 nearest to 4 most remote) for the rural
    teachers' living allowance; the amount per tier is data."""

    school = models.OneToOneField(
        "registry.School", verbose_name="学校", on_delete=models.CASCADE, related_name="workforce_remoteness"
    )
    tier = models.PositiveSmallIntegerField(
        "艰苦边远档次", validators=[MinValueValidator(1), MaxValueValidator(4)]
    )

    class Meta:
        verbose_name = "乡村学校艰苦边远档次"
        verbose_name_plural = "乡村学校艰苦边远档次"
        ordering = ["school_id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(tier__gte=1, tier__lte=4), name="workforce_remoteness_tier_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school} {self.tier}档"


# --- 区管校聘: the district pool of posts and its yearly round, issue 15 item 4 ---


class RoundStatus(models.TextChoices):
    DRAFT = "draft", "核定岗位"
    CHOOSING = "choosing", "教师选岗"
    ASSIGNED = "assigned", "结果公示"
    CLOSED = "closed", "已结束"


class PostRound(models.Model):
    """A school year's round of post assignment under 区管校聘: the district fixes each school's
    posts, teachers choose up to three, the posts are assigned in order of service, appeals are
    heard, the round closes. Every step is audited in Chinese."""

    district = models.ForeignKey(
        "registry.Area", verbose_name="区县", on_delete=models.PROTECT, related_name="+", null=True
    )
    school_year = models.ForeignKey(
        "registry.SchoolYear", verbose_name="学年", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField("阶段", max_length=12, choices=RoundStatus.choices, default=RoundStatus.DRAFT)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "区管校聘岗位聘用"
        verbose_name_plural = "区管校聘岗位聘用"
        ordering = ["-school_year__start_year", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "school_year"], name="workforce_round_per_district_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school_year}区管校聘"


class RoundPost(models.Model):
    round = models.ForeignKey(PostRound, verbose_name="轮次", on_delete=models.CASCADE, related_name="posts")
    school = models.ForeignKey(
        "registry.School", verbose_name="学校", on_delete=models.PROTECT, related_name="+"
    )
    subject = models.CharField("学科", max_length=32)
    posts = models.PositiveSmallIntegerField(
        "岗位数", validators=[MinValueValidator(1), MaxValueValidator(200)]
    )

    class Meta:
        verbose_name = "区管校聘岗位"
        verbose_name_plural = "区管校聘岗位"
        ordering = ["round_id", "school_id", "subject"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "school", "subject"], name="workforce_round_post_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school} {self.subject} {self.posts}个"


class RoundChoice(models.Model):
    round = models.ForeignKey(
        PostRound, verbose_name="轮次", on_delete=models.CASCADE, related_name="choices"
    )
    teacher = models.ForeignKey(
        "registry.Teacher", verbose_name="教师", on_delete=models.PROTECT, related_name="+"
    )
    rank = models.PositiveSmallIntegerField("志愿", validators=[MinValueValidator(1), MaxValueValidator(3)])
    post = models.ForeignKey(RoundPost, verbose_name="岗位", on_delete=models.CASCADE, related_name="choices")

    class Meta:
        verbose_name = "选岗志愿"
        verbose_name_plural = "选岗志愿"
        ordering = ["round_id", "teacher_id", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["round", "teacher", "rank"], name="workforce_round_choice_rank"),
            models.UniqueConstraint(fields=["round", "teacher", "post"], name="workforce_round_choice_post"),
        ]

    def __str__(self) -> str:
        return f"{self.teacher} 第{self.rank}志愿"


class RoundResult(models.Model):
    """Where a teacher who chose was placed (post) or not (no post: 待岗, to the district's pool)."""

    round = models.ForeignKey(
        PostRound, verbose_name="轮次", on_delete=models.CASCADE, related_name="results"
    )
    teacher = models.ForeignKey(
        "registry.Teacher", verbose_name="教师", on_delete=models.PROTECT, related_name="+"
    )
    post = models.ForeignKey(
        RoundPost,
        verbose_name="聘用岗位",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="results",
    )
    rank = models.PositiveSmallIntegerField("所中志愿", null=True, blank=True)
    school = models.ForeignKey(
        "registry.School", verbose_name="原学校", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "岗位聘用结果"
        verbose_name_plural = "岗位聘用结果"
        ordering = ["round_id", "teacher_id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "teacher"], name="workforce_round_result_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.teacher} {self.post or '待岗'}"


class AppealStatus(models.TextChoices):
    PENDING = "pending", "待复核"
    UPHELD = "upheld", "申诉成立"
    REJECTED = "rejected", "维持原结果"


class RoundAppeal(models.Model):
    round = models.ForeignKey(
        PostRound, verbose_name="轮次", on_delete=models.CASCADE, related_name="appeals"
    )
    result = models.ForeignKey(
        RoundResult, verbose_name="聘用结果", on_delete=models.CASCADE, related_name="appeals"
    )
    reason = models.CharField("申诉理由", max_length=300)
    requested_post = models.ForeignKey(
        RoundPost, verbose_name="申请岗位", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        "状态", max_length=12, choices=AppealStatus.choices, default=AppealStatus.PENDING
    )
    decision_note = models.CharField("复核意见", max_length=300, blank=True)
    filed_at = models.DateTimeField("申诉时间", auto_now_add=True)

    class Meta:
        verbose_name = "岗位聘用申诉"
        verbose_name_plural = "岗位聘用申诉"
        ordering = ["round_id", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["result"], name="workforce_one_appeal_per_result"),
        ]

    def __str__(self) -> str:
        return f"{self.result} 申诉"
