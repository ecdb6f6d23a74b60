"""The registry: administrative areas, schools, school years and calendars, classes and
enrolment, teachers. Everything an indicator needs is kept per school year."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q


class Archivable(models.Model):
    """Registry rows are archived, never hard-deleted, so history and audit stay whole."""

    archived_at = models.DateTimeField("归档时间", null=True, blank=True, db_index=True)

    class Meta:
        abstract = True

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class AreaLevel(models.IntegerChoices):
    PROVINCE = 1, "省"
    CITY = 2, "市"
    DISTRICT = 3, "区县"
    TOWN = 4, "乡镇街道"


class Area(Archivable):
    """A node of the administrative tree. `path` is the materialised chain of codes
    ("/44/4403/440305/") so that "everything under this district" is one indexed prefix query."""

    code = models.CharField(
        "区划代码",
        max_length=12,
        unique=True,
        validators=[RegexValidator(r"^[0-9]{2,12}$", "区划代码应为2-12位数字")],
    )
    name = models.CharField("名称", max_length=64)
    level = models.PositiveSmallIntegerField("层级", choices=AreaLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级区划",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField("路径", max_length=128, db_index=True, editable=False)

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    def compute_path(self) -> str:
        prefix = self.parent.path if self.parent_id and self.parent else "/"
        return f"{prefix}{self.code}/"


class SchoolType(models.TextChoices):
    KINDERGARTEN = "kindergarten", "幼儿园"
    PRIMARY = "primary", "小学"
    JUNIOR = "junior", "初级中学"
    NINE_YEAR = "nine_year", "九年一贯制学校"
    COMPLETE_SECONDARY = "complete_secondary", "完全中学"
    SENIOR = "senior", "高级中学"
    TWELVE_YEAR = "twelve_year", "十二年一贯制学校"
    VOCATIONAL = "vocational", "中等职业学校"
    SPECIAL = "special", "特殊教育学校"


# Grades each school type teaches; kindergarten levels are -2 (小班), -1 (中班), 0 (大班).
SCHOOL_TYPE_GRADES: dict[str, range] = {
    SchoolType.KINDERGARTEN: range(-2, 1),
    SchoolType.PRIMARY: range(1, 7),
    SchoolType.JUNIOR: range(7, 10),
    SchoolType.NINE_YEAR: range(1, 10),
    SchoolType.COMPLETE_SECONDARY: range(7, 13),
    SchoolType.SENIOR: range(10, 13),
    SchoolType.TWELVE_YEAR: range(1, 13),
    SchoolType.VOCATIONAL: range(10, 13),
    SchoolType.SPECIAL: range(1, 13),
}


class Ownership(models.TextChoices):
    PUBLIC = "public", "公办"
    PRIVATE = "private", "民办"


class UrbanRuralCode(models.TextChoices):
    """统计用城乡分类代码 (National Bureau of Statistics)."""

    URBAN_CORE = "111", "111 主城区"
    URBAN_FRINGE = "112", "112 城乡结合区"
    TOWN_CENTRE = "121", "121 镇中心区"
    TOWN_FRINGE = "122", "122 镇乡结合区"
    SPECIAL_AREA = "123", "123 特殊区域"
    RURAL_TOWNSHIP_CENTRE = "210", "210 乡中心区"
    VILLAGE = "220", "220 村庄"


class Locale(models.TextChoices):
    URBAN = "urban", "城区"
    TOWN = "town", "镇区"
    RURAL = "rural", "乡村"


def locale_for_code(code: str) -> str:
    """111/112 are urban, 121-123 town, 210/220 rural."""
    if code.startswith("11"):
        return Locale.URBAN
    if code.startswith("12"):
        return Locale.TOWN
    return Locale.RURAL


school_code_validator = RegexValidator(r"^[0-9]{10}$", "学校标识码应为10位数字")


class School(Archivable):
    code = models.CharField("学校标识码", max_length=10, unique=True, validators=[school_code_validator])
    name = models.CharField("学校名称", max_length=100, db_index=True)
    school_type = models.CharField("办学类型", max_length=24, choices=SchoolType.choices)
    ownership = models.CharField("举办者类型", max_length=8, choices=Ownership.choices)
    urban_rural_code = models.CharField("城乡分类代码", max_length=3, choices=UrbanRuralCode.choices)
    locale = models.CharField("城乡类别", max_length=8, choices=Locale.choices, editable=False)
    area = models.ForeignKey(
        Area, verbose_name="所在乡镇街道", on_delete=models.PROTECT, related_name="schools"
    )
    address = models.CharField("地址", max_length=200, blank=True)
    longitude = models.DecimalField(
        "经度",
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(73), MaxValueValidator(136)],
    )
    latitude = models.DecimalField(
        "纬度",
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(3), MaxValueValidator(54)],
    )
    boarding = models.BooleanField("寄宿制", default=False)
    is_teaching_point = models.BooleanField("教学点", default=False)
    central_school = models.ForeignKey(
        "self",
        verbose_name="所属中心校",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="teaching_points",
    )

    class Meta:
        verbose_name = "学校"
        verbose_name_plural = "学校"
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_teaching_point=False) | Q(central_school__isnull=False),
                name="teaching_point_has_central_school",
                violation_error_message="教学点必须指定所属中心校",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        # locale is derived data, kept in a column so indicators can group by it in SQL.
        self.locale = locale_for_code(self.urban_rural_code)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "urban_rural_code" in update_fields:
            kwargs["update_fields"] = {*update_fields, "locale"}
        super().save(*args, **kwargs)


class Campus(Archivable):
    school = models.ForeignKey(School, verbose_name="学校", on_delete=models.PROTECT, related_name="campuses")
    name = models.CharField("校区名称", max_length=100)
    address = models.CharField("地址", max_length=200, blank=True)
    longitude = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True)
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)

    class Meta:
        verbose_name = "校区"
        verbose_name_plural = "校区"
        constraints = [models.UniqueConstraint(fields=["school", "name"], name="campus_unique_name")]

    def __str__(self) -> str:
        return f"{self.school.name} {self.name}"


class SchoolYear(models.Model):
    """学年: 2025 means the 2025-2026 school year (September to August)."""

    start_year = models.PositiveSmallIntegerField("起始年份", unique=True)
    start_date = models.DateField("开始日期")
    end_date = models.DateField("结束日期")
    is_current = models.BooleanField("当前学年", default=False)

    class Meta:
        verbose_name = "学年"
        verbose_name_plural = "学年"
        ordering = ["-start_year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gt=models.F("start_date")), name="school_year_dates"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.start_year}-{self.start_year + 1}学年"


class Term(models.Model):
    school_year = models.ForeignKey(
        SchoolYear, verbose_name="学年", on_delete=models.CASCADE, related_name="terms"
    )
    number = models.PositiveSmallIntegerField("学期", choices=[(1, "第一学期"), (2, "第二学期")])
    start_date = models.DateField("开学日期")
    end_date = models.DateField("结束日期")

    class Meta:
        verbose_name = "学期"
        verbose_name_plural = "学期"
        ordering = ["start_date"]
        constraints = [
            models.UniqueConstraint(fields=["school_year", "number"], name="term_unique_number"),
            models.CheckConstraint(condition=Q(end_date__gt=models.F("start_date")), name="term_dates"),
        ]

    def __str__(self) -> str:
        return f"{self.school_year} {self.get_number_display()}"


class CalendarDayKind(models.TextChoices):
    SCHOOL_DAY = "school_day", "上课日"
    WEEKEND = "weekend", "周末"
    PUBLIC_HOLIDAY = "public_holiday", "法定节假日"
    WINTER_VACATION = "winter_vacation", "寒假"
    SUMMER_VACATION = "summer_vacation", "暑假"


class CalendarException(models.Model):
    """Days that break the weekly pattern: public holidays and make-up working days (调休).
    Weekends and vacations follow from the weekday and the terms."""

    date = models.DateField("日期", unique=True)
    name = models.CharField("名称", max_length=32)
    is_school_day = models.BooleanField("是否上课", default=False, help_text="调休上课日填“是”")

    class Meta:
        verbose_name = "节假日与调休"
        verbose_name_plural = "节假日与调休"
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class Grade(models.IntegerChoices):
    K_SMALL = -2, "小班"
    K_MIDDLE = -1, "中班"
    K_LARGE = 0, "大班"
    G1 = 1, "一年级"
    G2 = 2, "二年级"
    G3 = 3, "三年级"
    G4 = 4, "四年级"
    G5 = 5, "五年级"
    G6 = 6, "六年级"
    G7 = 7, "七年级"
    G8 = 8, "八年级"
    G9 = 9, "九年级"
    G10 = 10, "高一"
    G11 = 11, "高二"
    G12 = 12, "高三"


class Stage(models.TextChoices):
    PRESCHOOL = "preschool", "学前"
    PRIMARY = "primary", "小学"
    JUNIOR = "junior", "初中"
    SENIOR = "senior", "高中"


def stage_for_grade(grade: int) -> str:
    if grade <= 0:
        return Stage.PRESCHOOL
    if grade <= 6:
        return Stage.PRIMARY
    if grade <= 9:
        return Stage.JUNIOR
    return Stage.SENIOR


class SchoolClass(Archivable):
    """A class (班级) in one school year, with its enrolment by sex. Natural key:
    (school, school_year, grade, number)."""

    school = models.ForeignKey(School, verbose_name="学校", on_delete=models.PROTECT, related_name="classes")
    school_year = models.ForeignKey(
        SchoolYear, verbose_name="学年", on_delete=models.PROTECT, related_name="classes"
    )
    grade = models.SmallIntegerField("年级", choices=Grade.choices)
    number = models.PositiveSmallIntegerField(
        "班号", validators=[MinValueValidator(1), MaxValueValidator(99)]
    )
    name = models.CharField("班级名称", max_length=32, blank=True)
    boys = models.PositiveSmallIntegerField("男生数", default=0, validators=[MaxValueValidator(200)])
    girls = models.PositiveSmallIntegerField("女生数", default=0, validators=[MaxValueValidator(200)])
    head_teacher = models.ForeignKey(
        "Teacher",
        verbose_name="班主任",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="headed_classes",
    )

    class Meta:
        verbose_name = "班级"
        verbose_name_plural = "班级"
        ordering = ["school_id", "grade", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "school_year", "grade", "number"], name="class_natural_key"
            ),
        ]
        indexes = [models.Index(fields=["school_year", "school"])]

    def __str__(self) -> str:
        return self.name or f"{self.get_grade_display()}({self.number})班"

    @property
    def enrolment(self) -> int:
        return self.boys + self.girls


class Sex(models.TextChoices):
    MALE = "M", "男"
    FEMALE = "F", "女"


class Teacher(Archivable):
    """A teacher on a school's staff. Personal identifiers are masked for roles without need."""

    school = models.ForeignKey(School, verbose_name="学校", on_delete=models.PROTECT, related_name="teachers")
    staff_number = models.CharField("教职工号", max_length=32)
    name = models.CharField("姓名", max_length=32)
    sex = models.CharField("性别", max_length=1, choices=Sex.choices)
    birth_date = models.DateField("出生日期", null=True, blank=True)
    id_number = models.CharField("身份证号", max_length=18, blank=True)
    phone = models.CharField("手机号", max_length=16, blank=True)
    subject = models.CharField("任教学科", max_length=32, blank=True)
    is_full_time = models.BooleanField("专任教师", default=True)

    class Meta:
        verbose_name = "教师"
        verbose_name_plural = "教师"
        ordering = ["school_id", "staff_number"]
        constraints = [
            models.UniqueConstraint(fields=["school", "staff_number"], name="teacher_natural_key"),
        ]

    def __str__(self) -> str:
        return self.name


class TeachingAssignment(models.Model):
    """Which teacher teaches which subject to which class; a teacher user sees these classes."""

    teacher = models.ForeignKey(
        Teacher, verbose_name="教师", on_delete=models.CASCADE, related_name="assignments"
    )
    school_class = models.ForeignKey(
        SchoolClass, verbose_name="班级", on_delete=models.CASCADE, related_name="assignments"
    )
    subject = models.CharField("学科", max_length=32)

    class Meta:
        verbose_name = "任课安排"
        verbose_name_plural = "任课安排"
        constraints = [
            models.UniqueConstraint(fields=["teacher", "school_class", "subject"], name="assignment_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.teacher} {self.subject}"
