"""Double reduction (双减) data: published homework and each class's public board, exams,
after-school services, and the questionnaires that report the burden pupils actually carry."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

MAX_HOMEWORK_MINUTES = 240  # more than four hours for one subject on one day is a typing error


class HomeworkType(models.TextChoices):
    WRITTEN = "written", "书面作业"
    ORAL = "oral", "口头/阅读"
    PRACTICAL = "practical", "实践作业"
    INQUIRY = "inquiry", "探究作业"
    CROSS_SUBJECT = "cross_subject", "跨学科作业"


class Homework(models.Model):
    """One subject's homework for one class on one school day (作业公示). Only written homework
    counts against the daily time limit. Natural key: (class, date, subject, type)."""

    school_class = models.ForeignKey(
        "registry.SchoolClass", verbose_name="班级", on_delete=models.PROTECT, related_name="homework"
    )
    date = models.DateField("日期")
    subject = models.CharField("学科", max_length=32)
    homework_type = models.CharField("作业类型", max_length=16, choices=HomeworkType.choices)
    content = models.CharField("作业内容", max_length=500)
    estimated_minutes = models.PositiveSmallIntegerField(
        "预计用时（分钟）", validators=[MinValueValidator(1), MaxValueValidator(MAX_HOMEWORK_MINUTES)]
    )
    layered = models.BooleanField("分层作业", default=False)
    teacher = models.ForeignKey(
        "registry.Teacher",
        verbose_name="发布教师",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="homework",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="录入人", null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField("发布时间", default=timezone.now)

    class Meta:
        verbose_name = "作业公示"
        verbose_name_plural = "作业公示"
        ordering = ["-date", "school_class_id", "subject"]
        constraints = [
            models.UniqueConstraint(
                fields=["school_class", "date", "subject", "homework_type"],
                name="homework_natural_key",
                violation_error_message="该班级该学科当天已发布过同类作业",
            ),
            models.CheckConstraint(
                condition=Q(estimated_minutes__gte=1) & Q(estimated_minutes__lte=MAX_HOMEWORK_MINUTES),
                name="homework_minutes_range",
            ),
        ]
        indexes = [models.Index(fields=["date", "school_class"])]

    def __str__(self) -> str:
        return f"{self.date} {self.subject}{self.get_homework_type_display()}"

    @property
    def is_written(self) -> bool:
        return self.homework_type == HomeworkType.WRITTEN


class ClassBoard(models.Model):
    """The public homework board of a class: parents open it by an unguessable token, no login."""

    school_class = models.OneToOneField(
        "registry.SchoolClass", verbose_name="班级", on_delete=models.CASCADE, related_name="homework_board"
    )
    token = models.CharField("访问令牌", max_length=48, unique=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now)

    class Meta:
        verbose_name = "班级作业公示栏"
        verbose_name_plural = "班级作业公示栏"

    def __str__(self) -> str:
        return f"{self.school_class} 作业公示栏"


class ExamKind(models.TextChoices):
    END_OF_TERM = "end_of_term", "期末考试"
    MID_TERM = "mid_term", "期中考试"
    UNIT_TEST = "unit_test", "单元测试（课堂检测）"
    MOCK = "mock", "模拟考试"
    PERIODIC = "periodic", "周考/月考"


class ResultForm(models.TextChoices):
    BANDS = "bands", "等级"
    SCORES = "scores", "分数"
    RANKING = "ranking", "分数并排名"


class Exam(models.Model):
    """An exam a school registers (考试登记). Registration records what happens; the rules in
    rules.py flag the exams the 2021 exam notice does not allow."""

    school = models.ForeignKey(
        "registry.School", verbose_name="学校", on_delete=models.PROTECT, related_name="exams"
    )
    term = models.ForeignKey(
        "registry.Term", verbose_name="学期", on_delete=models.PROTECT, related_name="exams"
    )
    grade = models.SmallIntegerField("年级", validators=[MinValueValidator(1), MaxValueValidator(12)])
    subject = models.CharField("学科", max_length=32)
    kind = models.CharField("考试类型", max_length=16, choices=ExamKind.choices)
    date = models.DateField("考试日期")
    is_paper = models.BooleanField("纸笔考试", default=True)
    result_form = models.CharField(
        "成绩呈现方式", max_length=8, choices=ResultForm.choices, default=ResultForm.BANDS
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField("登记时间", default=timezone.now)

    class Meta:
        verbose_name = "考试"
        verbose_name_plural = "考试"
        ordering = ["school_id", "date", "grade", "subject"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "grade", "subject", "kind", "date"],
                name="exam_natural_key",
                violation_error_message="该校该年级该学科当天已登记过同类考试",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.grade}年级{self.subject}{self.get_kind_display()}"


class ProgrammeKind(models.TextChoices):
    HOMEWORK_GUIDANCE = "homework_guidance", "作业辅导"
    SPORTS = "sports", "体育"
    ARTS = "arts", "艺术"
    SCIENCE = "science", "科普"
    READING = "reading", "阅读"
    CLUBS = "clubs", "兴趣社团"


class AfterSchoolService(models.Model):
    """A school's after-school service (课后服务) in one term: schedule, staff, enrolment."""

    school = models.ForeignKey(
        "registry.School", verbose_name="学校", on_delete=models.PROTECT, related_name="after_school_services"
    )
    term = models.ForeignKey("registry.Term", verbose_name="学期", on_delete=models.PROTECT, related_name="+")
    days_per_week = models.PositiveSmallIntegerField(
        "每周开展天数", validators=[MinValueValidator(1), MaxValueValidator(7)]
    )
    start_time = models.TimeField("开始时间")
    end_time = models.TimeField("结束时间")
    flexible_dismissal = models.BooleanField("弹性离校", default=False)
    programmes = models.JSONField("服务项目", default=list, blank=True, help_text="ProgrammeKind 的取值列表")
    pupils_total = models.PositiveIntegerField("在校生数")
    pupils_requested = models.PositiveIntegerField("有需求学生数")
    pupils_enrolled = models.PositiveIntegerField("参加学生数")
    average_attendance = models.PositiveIntegerField("日均出勤人数")
    staff_own = models.PositiveIntegerField("参与本校教师数", default=0)
    staff_external = models.PositiveIntegerField("校外聘请人员数", default=0)
    fee_per_term = models.DecimalField(
        "每生每学期收费（元）", max_digits=8, decimal_places=2, null=True, blank=True
    )
    satisfaction_rate = models.DecimalField(
        "满意度", max_digits=5, decimal_places=4, null=True, blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )  # fmt: skip
    created_at = models.DateTimeField("登记时间", default=timezone.now)

    class Meta:
        verbose_name = "课后服务"
        verbose_name_plural = "课后服务"
        constraints = [
            models.UniqueConstraint(fields=["school", "term"], name="after_school_unique_term"),
            models.CheckConstraint(
                condition=Q(end_time__gt=models.F("start_time")), name="after_school_times"
            ),
            models.CheckConstraint(
                condition=Q(pupils_enrolled__lte=models.F("pupils_total")),
                name="after_school_enrolled_le_total",
            ),
            models.CheckConstraint(
                condition=Q(average_attendance__lte=models.F("pupils_enrolled")),
                name="after_school_attendance_le_enrolled",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school} {self.term} 课后服务"


class Respondent(models.TextChoices):
    STUDENT = "student", "学生"
    PARENT = "parent", "家长"


class SurveyResponse(models.Model):
    """One anonymous questionnaire (student or parent) about a class: the homework time actually
    spent and the five managements (sleep, phones, reading, physical activity)."""

    school_class = models.ForeignKey(
        "registry.SchoolClass", verbose_name="班级", on_delete=models.PROTECT, related_name="survey_responses"
    )
    survey_date = models.DateField("问卷日期")
    response_code = models.CharField("问卷编号", max_length=32)
    respondent = models.CharField("填答人", max_length=8, choices=Respondent.choices)
    homework_minutes = models.PositiveSmallIntegerField(
        "每天书面作业实际用时（分钟）", validators=[MaxValueValidator(600)]
    )
    sleep_hours = models.DecimalField(
        "每天睡眠（小时）",
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(3), MaxValueValidator(14)],
    )
    phone_kept_by_school = models.BooleanField("手机由学校统一保管（或未带入校园）", null=True, blank=True)
    reading_minutes = models.PositiveSmallIntegerField("每天课外阅读（分钟）", null=True, blank=True)
    activity_minutes = models.PositiveSmallIntegerField(
        "每天体育活动（分钟）", null=True, blank=True, validators=[MaxValueValidator(600)]
    )
    created_at = models.DateTimeField("导入时间", default=timezone.now)

    class Meta:
        verbose_name = "学生负担问卷"
        verbose_name_plural = "学生负担问卷"
        constraints = [
            models.UniqueConstraint(
                fields=["school_class", "survey_date", "response_code"], name="survey_natural_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school_class} {self.survey_date} {self.response_code}"
