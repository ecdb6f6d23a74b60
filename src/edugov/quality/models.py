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


# Physical fitness (国家学生体质健康标准) ----------------------------------------------------------


class Sex(models.TextChoices):
    MALE = "M", "男"
    FEMALE = "F", "女"


class FitnessBand(models.TextChoices):
    EXCELLENT = "excellent", "优秀"
    GOOD = "good", "良好"
    PASS = "pass", "及格"
    FAIL = "fail", "不及格"


FITNESS_BAND_ORDER = (FitnessBand.EXCELLENT, FitnessBand.GOOD, FitnessBand.PASS, FitnessBand.FAIL)
FITNESS_BAND_OF_LABEL = {str(label): value for value, label in FitnessBand.choices}

# The raw measures, as the national upload lists them: (field, item code of fitness.py or "", unit).
MEASURES = (
    ("height_cm", "", "厘米"),
    ("weight_kg", "", "千克"),
    ("vital_capacity", "vital_capacity", "毫升"),
    ("run_50m", "run_50m", "秒"),
    ("sit_and_reach", "sit_and_reach", "厘米"),
    ("rope_skipping", "rope_skipping", "次"),
    ("sit_ups", "sit_ups", "次"),
    ("shuttle_50x8", "shuttle_50x8", "秒"),
    ("long_jump", "long_jump", "厘米"),
    ("pull_ups", "pull_ups", "次"),
    ("run_1000m", "run_1000m", "秒"),
    ("run_800m", "run_800m", "秒"),
)


def _measure(label: str, digits: int = 5) -> models.DecimalField:  # type: ignore[type-arg]
    return models.DecimalField(label, max_digits=digits, decimal_places=1, null=True, blank=True)


class FitnessResult(models.Model):
    """One pupil's fitness test of one school year under the pseudonymous key: the raw measures,
    the item scores read in the official tables (fitness_tables.py), the weighted standard score,
    bonus, year total and band. Pages show rates of classes, schools and towns only."""

    school_year = models.ForeignKey("registry.SchoolYear", verbose_name="学年", on_delete=models.PROTECT)
    pupil_key = models.CharField("学生代码", max_length=KEY_LENGTH)
    school = models.ForeignKey("registry.School", verbose_name="学校", on_delete=models.PROTECT)
    school_class = models.ForeignKey("registry.SchoolClass", verbose_name="班级", on_delete=models.PROTECT)
    grade = models.PositiveSmallIntegerField("年级", validators=[MinValueValidator(1), MaxValueValidator(12)])
    sex = models.CharField("性别", max_length=1, choices=Sex.choices)
    height_cm = models.DecimalField("身高（厘米）", max_digits=4, decimal_places=1)
    weight_kg = models.DecimalField("体重（千克）", max_digits=4, decimal_places=1)
    vital_capacity = _measure("肺活量（毫升）", 6)
    run_50m = _measure("50米跑（秒）")
    sit_and_reach = _measure("坐位体前屈（厘米）")
    rope_skipping = _measure("1分钟跳绳（次）")
    sit_ups = _measure("1分钟仰卧起坐（次）")
    shuttle_50x8 = _measure("50米×8往返跑（秒）")
    long_jump = _measure("立定跳远（厘米）")
    pull_ups = _measure("引体向上（次）")
    run_1000m = _measure("1000米跑（秒）")
    run_800m = _measure("800米跑（秒）")
    bmi = models.DecimalField("体重指数", max_digits=4, decimal_places=1)
    item_scores = models.JSONField("单项得分", default=dict)
    standard_score = models.DecimalField("标准分", max_digits=4, decimal_places=1)
    bonus = models.DecimalField("附加分", max_digits=3, decimal_places=1, default=Decimal(0))
    total = models.DecimalField("学年总分", max_digits=4, decimal_places=1)
    band = models.CharField("等级", max_length=10, choices=FitnessBand.choices)

    class Meta:
        verbose_name = "体质健康测试成绩"
        verbose_name_plural = "体质健康测试成绩"
        constraints = [
            models.UniqueConstraint(fields=["school_year", "pupil_key"], name="quality_fitness_one_per_year"),
            models.CheckConstraint(
                condition=Q(total__gte=0) & Q(total__lte=120), name="quality_fitness_total_range"
            ),
            models.CheckConstraint(condition=Q(sex__in=["M", "F"]), name="quality_fitness_sex"),
        ]
        indexes = [models.Index(fields=["school_year", "school"], name="quality_fitness_school")]

    def __str__(self) -> str:
        return f"{self.school_year_id}/{self.school_id}"


# Outcomes (中考 lines, awards) ----------------------------------------------------------------


class ExamLine(models.TextChoices):
    # 中考 (senior-high entrance)
    GENERAL = "general", "普高线"
    KEY = "key", "重点线"
    # 高考 (college entrance): the province's control lines
    SPECIAL = "special", "特殊类型招生控制线"
    UNDERGRADUATE = "undergraduate", "本科线"
    JUNIOR_COLLEGE = "junior_college", "专科线"


class Exam(models.TextChoices):
    ZHONGKAO = "zhongkao", "中考"
    GAOKAO = "gaokao", "高考"


EXAM_LINES: dict[str, tuple[str, ...]] = {
    Exam.ZHONGKAO: (ExamLine.GENERAL, ExamLine.KEY),
    Exam.GAOKAO: (ExamLine.SPECIAL, ExamLine.UNDERGRADUATE, ExamLine.JUNIOR_COLLEGE),
}


def exam_of(line: str) -> str:
    return Exam.GAOKAO if line in EXAM_LINES[Exam.GAOKAO] else Exam.ZHONGKAO


class LineResult(models.Model):
    """How many of a school's graduates reached one 中考 or 高考 line in one year (counts only:
    no pupil, no score, no top scorer). The line says which exam (`EXAM_LINES`)."""

    school = models.ForeignKey("registry.School", verbose_name="学校", on_delete=models.PROTECT)
    school_year = models.ForeignKey("registry.SchoolYear", verbose_name="学年", on_delete=models.PROTECT)
    line = models.CharField("分数线", max_length=16, choices=ExamLine.choices)
    candidates = models.PositiveIntegerField("参考人数")
    reached = models.PositiveIntegerField("上线人数")

    class Meta:
        verbose_name = "中考、高考上线人数"
        verbose_name_plural = "中考、高考上线人数"
        constraints = [
            models.UniqueConstraint(
                fields=["school", "school_year", "line"], name="quality_line_one_per_year"
            ),
            models.CheckConstraint(
                condition=Q(reached__lte=models.F("candidates")), name="quality_line_reached"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school_id}/{self.school_year_id}/{self.line}"


class AwardLevel(models.TextChoices):
    NATIONAL = "national", "国家级"
    PROVINCIAL = "provincial", "省级"
    CITY = "city", "市级"
    COUNTY = "county", "县（区）级"


class Recipient(models.TextChoices):
    TEACHER = "teacher", "教师"
    STUDENT = "student", "学生"


class Award(models.Model):
    """Awards of a school's teachers or students in one contest, as a count (no names)."""

    school = models.ForeignKey("registry.School", verbose_name="学校", on_delete=models.PROTECT)
    school_year = models.ForeignKey("registry.SchoolYear", verbose_name="学年", on_delete=models.PROTECT)
    recipient = models.CharField("获奖对象", max_length=10, choices=Recipient.choices)
    level = models.CharField("级别", max_length=12, choices=AwardLevel.choices)
    contest = models.CharField("赛事或评比", max_length=100)
    prize = models.CharField("奖项", max_length=20)
    count = models.PositiveIntegerField("获奖人次")

    class Meta:
        verbose_name = "获奖"
        verbose_name_plural = "获奖"
        constraints = [
            models.UniqueConstraint(
                fields=["school", "school_year", "recipient", "level", "contest", "prize"],
                name="quality_award_one_row",
            ),
            models.CheckConstraint(condition=Q(count__gte=1), name="quality_award_count"),
        ]

    def __str__(self) -> str:
        return f"{self.contest} {self.prize}"
