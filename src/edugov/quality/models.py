"""Assessments (district monitoring tests, term exams, 中考) and each pupil's result under a
pseudonymous key. A result's band (优秀/良好/合格/待提高) follows from its score and the cut-offs of
its assessment, kept as data on the assessment; pages and the API show bands and aggregates only."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from .pupil_key import KEY_LENGTH


class AssessmentKind(models.TextChoices):
    MONITORING = "monitoring", "区域学业质量监测"
    TERM_EXAM = "term_exam", "期末考试"
    ZHONGKAO = "zhongkao", "中考"


class Band(models.TextChoices):
    EXCELLENT = "excellent", "优秀"
    GOOD = "good", "良好"
    PASS = "pass", "合格"
    BELOW = "below", "待提高"


BAND_ORDER = (Band.EXCELLENT, Band.GOOD, Band.PASS, Band.BELOW)


class Assessment(models.Model):
    code = models.CharField("测评编号", max_length=32, unique=True)
    name = models.CharField("测评名称", max_length=100)
    kind = models.CharField("测评类型", max_length=16, choices=AssessmentKind.choices)
    subject = models.CharField("学科", max_length=20)
    grade = models.PositiveSmallIntegerField("年级", validators=[MinValueValidator(1), MaxValueValidator(12)])
    held_on = models.DateField("测评日期")
    school_year = models.ForeignKey("registry.SchoolYear", verbose_name="学年", on_delete=models.PROTECT)
    area = models.ForeignKey(
        "registry.Area", verbose_name="组织区域", on_delete=models.PROTECT, related_name="assessments"
    )
    max_score = models.DecimalField("满分", max_digits=6, decimal_places=1)
    excellent_min = models.DecimalField("优秀分数线", max_digits=6, decimal_places=1)
    good_min = models.DecimalField("良好分数线", max_digits=6, decimal_places=1)
    pass_min = models.DecimalField("合格分数线", max_digits=6, decimal_places=1)

    class Meta:
        verbose_name = "测评"
        verbose_name_plural = "测评"
        ordering = ["-held_on", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(max_score__gt=0)
                & Q(pass_min__gte=0)
                & Q(good_min__gte=models.F("pass_min"))
                & Q(excellent_min__gte=models.F("good_min"))
                & Q(max_score__gte=models.F("excellent_min")),
                name="quality_assessment_band_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.subject}）"

    def clean(self) -> None:
        cuts = (self.pass_min, self.good_min, self.excellent_min, self.max_score)
        if None in cuts:
            return
        if not Decimal(0) <= self.pass_min <= self.good_min <= self.excellent_min <= self.max_score:
            raise ValidationError("分数线应满足：0 ≤ 合格 ≤ 良好 ≤ 优秀 ≤ 满分")

    def band_of(self, score: Decimal) -> str:
        if score >= self.excellent_min:
            return Band.EXCELLENT
        if score >= self.good_min:
            return Band.GOOD
        if score >= self.pass_min:
            return Band.PASS
        return Band.BELOW


class Result(models.Model):
    """One pupil's score in one assessment. `pupil_key` is the HMAC of the pupil's student number
    (pupil_key.py): no name, no number; it never leaves the server on a page, export or API."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="results")
    pupil_key = models.CharField("学生代码", max_length=KEY_LENGTH)
    school = models.ForeignKey("registry.School", verbose_name="学校", on_delete=models.PROTECT)
    school_class = models.ForeignKey("registry.SchoolClass", verbose_name="班级", on_delete=models.PROTECT)
    score = models.DecimalField("成绩", max_digits=6, decimal_places=1, validators=[MinValueValidator(0)])

    class Meta:
        verbose_name = "测评成绩"
        verbose_name_plural = "测评成绩"
        constraints = [
            models.UniqueConstraint(fields=["assessment", "pupil_key"], name="quality_result_one_per_pupil"),
            models.CheckConstraint(condition=Q(score__gte=0), name="quality_result_score_nonnegative"),
        ]
        indexes = [models.Index(fields=["assessment", "school"], name="quality_result_school")]

    def __str__(self) -> str:
        return f"{self.assessment_id}/{self.school_id}"
