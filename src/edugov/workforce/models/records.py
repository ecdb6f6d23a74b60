"""A teacher's yearly record, subject loads, and the corrections a teacher asks for on their own record."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q


class EmploymentType(models.TextChoices):
    ESTABLISHED = "established", "在编"
    CONTRACT = "contract", "聘用"
    RETIRED_PROGRAMME = "retired_programme", "银龄"
    VOLUNTEER = "volunteer", "支教"


class Title(models.TextChoices):
    SENIOR_PROFESSOR = "senior_professor", "正高级"
    SENIOR = "senior", "高级"
    FIRST = "first", "一级"
    SECOND = "second", "二级"
    THIRD = "third", "三级"
    NONE = "none", "未定级"


class Qualification(models.TextChoices):
    DOCTORATE = "doctorate", "博士研究生"
    MASTER = "master", "硕士研究生"
    BACHELOR = "bachelor", "本科"
    ASSOCIATE = "associate", "专科"
    SECONDARY = "secondary", "高中及以下"


class CertificateStage(models.TextChoices):
    """Teacher qualification certificate (教师资格证) stage; a higher stage covers the lower ones."""

    NONE = "none", "无"
    KINDERGARTEN = "kindergarten", "幼儿园"
    PRIMARY = "primary", "小学"
    JUNIOR = "junior", "初级中学"
    SENIOR = "senior", "高级中学"


class BackboneLevel(models.TextChoices):
    NONE = "none", "无"
    COUNTY = "county", "县级"
    CITY = "city", "市级"
    PROVINCE = "province", "省级"


class TeacherYear(models.Model):
    """One teacher's record for one school year. `school` is where they worked that year (the
    registry's teacher row holds the school of today); the birth month only, never the date."""

    teacher = models.ForeignKey(
        "registry.Teacher", verbose_name="教师", on_delete=models.PROTECT, related_name="workforce_years"
    )
    school_year = models.ForeignKey(
        "registry.SchoolYear", verbose_name="学年", on_delete=models.PROTECT, related_name="+"
    )
    school = models.ForeignKey(
        "registry.School", verbose_name="任教学校", on_delete=models.PROTECT, related_name="+"
    )
    employment_type = models.CharField(
        "用工类型", max_length=20, choices=EmploymentType.choices, default=EmploymentType.ESTABLISHED
    )
    title = models.CharField("职称", max_length=20, choices=Title.choices, default=Title.NONE)
    qualification = models.CharField("最高学历", max_length=12, choices=Qualification.choices)
    major = models.CharField("所学专业", max_length=40, blank=True)
    certificate_stage = models.CharField(
        "教师资格证学段", max_length=16, choices=CertificateStage.choices, default=CertificateStage.NONE
    )
    certificate_subject = models.CharField("教师资格证学科", max_length=32, blank=True)
    backbone_level = models.CharField(
        "骨干教师级别", max_length=12, choices=BackboneLevel.choices, default=BackboneLevel.NONE
    )
    is_head_teacher = models.BooleanField("班主任", default=False)
    head_teacher_years = models.PositiveSmallIntegerField(
        "班主任年限", default=0, validators=[MaxValueValidator(50)]
    )
    head_teacher_stars = models.PositiveSmallIntegerField(
        "班主任星级", default=0, validators=[MaxValueValidator(5)]
    )
    joined_on = models.DateField("参加工作时间", null=True, blank=True)
    school_since = models.PositiveSmallIntegerField(
        "调入本校年份", null=True, blank=True, validators=[MinValueValidator(1950), MaxValueValidator(2100)]
    )
    rural_years = models.PositiveSmallIntegerField(
        "乡村学校任教年限", default=0, validators=[MaxValueValidator(50)]
    )
    birth_year = models.PositiveSmallIntegerField(
        "出生年份", validators=[MinValueValidator(1940), MaxValueValidator(2010)]
    )
    birth_month = models.PositiveSmallIntegerField(
        "出生月份", validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "教师年度档案"
        verbose_name_plural = "教师年度档案"
        ordering = ["school_id", "teacher_id"]
        constraints = [
            models.UniqueConstraint(fields=["teacher", "school_year"], name="workforce_teacher_year_unique"),
            models.CheckConstraint(
                condition=Q(birth_month__gte=1, birth_month__lte=12), name="workforce_birth_month_range"
            ),
        ]
        indexes = [models.Index(fields=["school_year", "school"])]

    def __str__(self) -> str:
        return f"{self.teacher} · {self.school_year}"

    @property
    def weekly_periods(self) -> int:
        return sum(load.weekly_periods for load in self.loads.all())


class SubjectLoad(models.Model):
    """One subject a teacher teaches in the year and its weekly periods (a teacher of two subjects
    has two rows; the staffing count shares the teacher out by periods)."""

    teacher_year = models.ForeignKey(
        TeacherYear, verbose_name="教师年度档案", on_delete=models.CASCADE, related_name="loads"
    )
    subject = models.CharField("任教学科", max_length=32)
    weekly_periods = models.PositiveSmallIntegerField(
        "周课时", validators=[MinValueValidator(1), MaxValueValidator(40)]
    )

    class Meta:
        verbose_name = "任教学科与课时"
        verbose_name_plural = "任教学科与课时"
        ordering = ["teacher_year_id", "-weekly_periods", "subject"]
        constraints = [
            models.UniqueConstraint(fields=["teacher_year", "subject"], name="workforce_subject_load_unique"),
            models.CheckConstraint(condition=Q(weekly_periods__gte=1), name="workforce_periods_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} {self.weekly_periods}节"


class CorrectionStatus(models.TextChoices):
    PENDING = "pending", "待审核"
    APPROVED = "approved", "已通过"
    REJECTED = "rejected", "已驳回"


class CorrectionRequest(models.Model):
    """A teacher's request to correct one field of their own record; the school administrator
    approves (the record changes, audited) or rejects it with a reason."""

    teacher_year = models.ForeignKey(
        TeacherYear, verbose_name="教师年度档案", on_delete=models.CASCADE, related_name="corrections"
    )
    field = models.CharField("更正项目", max_length=32)
    current_value = models.CharField("原值", max_length=64, blank=True)
    requested_value = models.CharField("申请更正为", max_length=64)
    reason = models.CharField("更正理由", max_length=300)
    status = models.CharField(
        "状态", max_length=12, choices=CorrectionStatus.choices, default=CorrectionStatus.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="申请人", on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField("申请时间", auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审核人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField("审核时间", null=True, blank=True)
    decision_note = models.CharField("审核意见", max_length=300, blank=True)

    class Meta:
        verbose_name = "档案更正申请"
        verbose_name_plural = "档案更正申请"
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["teacher_year", "field"],
                condition=Q(status="pending"),
                name="workforce_one_pending_correction_per_field",
                violation_error_message="该项目已有待审核的更正申请",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.teacher_year} {self.field_label}"

    @property
    def field_label(self) -> str:
        return record_field_label(self.field)


def record_field_label(name: str) -> str:
    """The Chinese name of a TeacherYear field ("title" -> "职称"); the name itself when unknown."""
    try:
        return str(getattr(TeacherYear._meta.get_field(name), "verbose_name", name))
    except LookupError:
        return name
