"""What the 优质均衡 resource indicators need, per school year: a school's facilities and each
teacher's qualification, backbone level and training."""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models

from edugov.registry.models import Area, School, SchoolYear, Teacher

NON_NEGATIVE = [MinValueValidator(0)]


class SchoolFacilities(models.Model):
    """办学条件 of one school in one school year (the 基础表 figures)."""

    school = models.ForeignKey(
        School, verbose_name="学校", on_delete=models.PROTECT, related_name="facilities"
    )
    school_year = models.ForeignKey(
        SchoolYear, verbose_name="学年", on_delete=models.PROTECT, related_name="+"
    )
    teaching_aux_area = models.DecimalField(
        "教学及辅助用房面积（㎡）", max_digits=12, decimal_places=2, validators=NON_NEGATIVE
    )
    sports_area = models.DecimalField(
        "体育运动场馆面积（㎡）", max_digits=12, decimal_places=2, validators=NON_NEGATIVE
    )
    equipment_value = models.DecimalField(
        "教学仪器设备值（元）", max_digits=14, decimal_places=2, validators=NON_NEGATIVE
    )
    multimedia_classrooms = models.PositiveIntegerField("网络多媒体教室（间）")
    music_rooms = models.PositiveIntegerField("音乐专用教室（间）", default=0)
    music_room_area = models.DecimalField(
        "音乐教室总面积（㎡）", max_digits=10, decimal_places=2, default=0, validators=NON_NEGATIVE
    )
    art_rooms = models.PositiveIntegerField("美术专用教室（间）", default=0)
    art_room_area = models.DecimalField(
        "美术教室总面积（㎡）", max_digits=10, decimal_places=2, default=0, validators=NON_NEGATIVE
    )
    books = models.PositiveIntegerField("图书（册）", default=0)

    class Meta:
        verbose_name = "办学条件"
        verbose_name_plural = "办学条件"
        constraints = [
            models.UniqueConstraint(fields=["school", "school_year"], name="facilities_natural_key"),
        ]

    def __str__(self) -> str:
        return f"{self.school} {self.school_year}"


class Qualification(models.TextChoices):
    POSTGRADUATE = "postgraduate", "研究生"
    BACHELOR = "bachelor", "本科"
    ASSOCIATE = "associate", "专科"
    SECONDARY = "secondary", "高中及以下"


QUALIFICATION_RANK = {
    Qualification.SECONDARY: 0,
    Qualification.ASSOCIATE: 1,
    Qualification.BACHELOR: 2,
    Qualification.POSTGRADUATE: 3,
}


class BackboneLevel(models.TextChoices):
    NONE = "none", "无"
    COUNTY = "county", "县级"
    CITY = "city", "市级"
    PROVINCE = "province", "省级"
    NATIONAL = "national", "国家级"


class TeachingStage(models.TextChoices):
    PRESCHOOL = "preschool", "学前"
    PRIMARY = "primary", "小学"
    JUNIOR = "junior", "初中"
    SENIOR = "senior", "高中"


class PeArtSubject(models.TextChoices):
    NONE = "", "否"
    PE = "pe", "体育"
    MUSIC = "music", "音乐"
    ART = "art", "美术"


class TeacherYearRecord(models.Model):
    """A teacher's indicator-relevant facts in one school year. `stage` splits nine-year and
    twelve-year schools' teachers between their primary and junior parts."""

    teacher = models.ForeignKey(
        Teacher, verbose_name="教师", on_delete=models.PROTECT, related_name="year_records"
    )
    school_year = models.ForeignKey(
        SchoolYear, verbose_name="学年", on_delete=models.PROTECT, related_name="+"
    )
    stage = models.CharField("任教学段", max_length=12, choices=TeachingStage.choices)
    qualification = models.CharField("最高学历", max_length=16, choices=Qualification.choices, blank=True)
    backbone_level = models.CharField(
        "骨干教师级别", max_length=12, choices=BackboneLevel.choices, default=BackboneLevel.NONE
    )
    pe_art_subject = models.CharField(
        "体育艺术专任", max_length=8, choices=PeArtSubject.choices, blank=True, default=PeArtSubject.NONE
    )
    has_certificate = models.BooleanField("持有教师资格证", default=True)
    training_hours = models.DecimalField(
        "本学年培训学时", max_digits=6, decimal_places=1, default=0, validators=NON_NEGATIVE
    )
    rotated = models.BooleanField("本学年交流轮岗", default=False)

    class Meta:
        verbose_name = "教师学年信息"
        verbose_name_plural = "教师学年信息"
        constraints = [
            models.UniqueConstraint(fields=["teacher", "school_year"], name="teacher_year_natural_key"),
        ]

    def __str__(self) -> str:
        return f"{self.teacher} {self.school_year}"


class PreschoolPopulation(models.Model):
    """常住人口 aged 3-5 of a town (乡镇街道) in a school year: the denominator of the 学前三年毛入园率.
    Supplied by the statistics or public-security bureau, imported once a year."""

    area = models.ForeignKey(
        Area, verbose_name="乡镇街道", on_delete=models.PROTECT, related_name="preschool_population"
    )
    school_year = models.ForeignKey(
        SchoolYear, verbose_name="学年", on_delete=models.PROTECT, related_name="+"
    )
    population = models.PositiveIntegerField("3-5岁常住人口")

    class Meta:
        verbose_name = "学前适龄人口"
        verbose_name_plural = "学前适龄人口"
        constraints = [
            models.UniqueConstraint(fields=["area", "school_year"], name="preschool_population_natural_key"),
        ]

    def __str__(self) -> str:
        return f"{self.area} {self.school_year}"


class InclusiveKindergarten(models.Model):
    """Whether a private kindergarten is recognised as 普惠性民办幼儿园 in a school year. Public
    kindergartens count as inclusive without a record."""

    school = models.ForeignKey(
        School, verbose_name="幼儿园", on_delete=models.PROTECT, related_name="inclusive_records"
    )
    school_year = models.ForeignKey(
        SchoolYear, verbose_name="学年", on_delete=models.PROTECT, related_name="+"
    )
    is_inclusive = models.BooleanField("认定为普惠性民办幼儿园", default=True)
    document = models.CharField("认定文号", max_length=64, blank=True)

    class Meta:
        verbose_name = "普惠性幼儿园认定"
        verbose_name_plural = "普惠性幼儿园认定"
        constraints = [
            models.UniqueConstraint(
                fields=["school", "school_year"], name="inclusive_kindergarten_natural_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school} {self.school_year}"
