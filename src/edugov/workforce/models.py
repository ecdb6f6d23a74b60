"""Teacher records in depth, one per teacher and school year (the registry keeps who the teacher is;
this keeps what the year's staffing needs: employment, title, qualification, certificate, subjects
and weekly periods), and the corrections a teacher asks for on their own record."""

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


class ExchangeKind(models.TextChoices):
    ROTATION = "rotation", "轮岗交流"
    RURAL_PLACEMENT = "rural_placement", "下派支教"
    UPWARD_SECONDMENT = "upward_secondment", "上挂锻炼"
    SHADOWING = "shadowing", "跟岗学习"


# The kinds that count towards a school's yearly rotation share (教师〔2014〕4号).
ROTATING_KINDS = (ExchangeKind.ROTATION, ExchangeKind.RURAL_PLACEMENT)


class Exchange(models.Model):
    """A teacher's exchange between schools (城乡轮岗, 区管校聘): from the sending school, to the
    receiving one, for a period. The sending school's rotation share counts it."""

    teacher = models.ForeignKey(
        "registry.Teacher", verbose_name="教师", on_delete=models.PROTECT, related_name="workforce_exchanges"
    )
    kind = models.CharField("交流类型", max_length=20, choices=ExchangeKind.choices)
    from_school = models.ForeignKey(
        "registry.School", verbose_name="派出学校", on_delete=models.PROTECT, related_name="+"
    )
    to_school = models.ForeignKey(
        "registry.School", verbose_name="接收学校", on_delete=models.PROTECT, related_name="+"
    )
    start_date = models.DateField("开始日期")
    end_date = models.DateField("结束日期")
    evaluation = models.CharField("考核评价", max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "交流轮岗记录"
        verbose_name_plural = "交流轮岗记录"
        ordering = ["-start_date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_school=models.F("to_school")),
                name="workforce_exchange_two_schools",
                violation_error_message="派出学校和接收学校不能相同",
            ),
            models.CheckConstraint(
                condition=Q(end_date__gt=models.F("start_date")),
                name="workforce_exchange_dates",
                violation_error_message="结束日期应晚于开始日期",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.teacher} {self.get_kind_display()}"


# The most teachers one line may plan to recruit (a school hires a handful per subject).
RECRUIT_MAX = 50


class RecruitmentPlan(models.Model):
    """The district's recruitment plan of a school year (招聘计划): lines per school and subject,
    proposed from the five-year gap and edited by the personnel department."""

    school_year = models.OneToOneField(
        "registry.SchoolYear", verbose_name="学年", on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="编制人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("编制时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "招聘计划"
        verbose_name_plural = "招聘计划"
        ordering = ["-school_year__start_year"]

    def __str__(self) -> str:
        return f"{self.school_year}招聘计划"


class RecruitmentLine(models.Model):
    """One school x subject of a plan: the proposed number (the five-year gap in whole teachers,
    kept as computed) and the number the officer settles on, with a note."""

    plan = models.ForeignKey(
        RecruitmentPlan, verbose_name="招聘计划", on_delete=models.CASCADE, related_name="lines"
    )
    school = models.ForeignKey(
        "registry.School", verbose_name="学校", on_delete=models.PROTECT, related_name="+"
    )
    subject = models.CharField("学科", max_length=32)
    gap_in_five_years = models.DecimalField("五年后缺口（人）", max_digits=6, decimal_places=2, default=0)
    proposed = models.PositiveSmallIntegerField("建议招聘（人）", default=0)
    quantity = models.PositiveSmallIntegerField("计划招聘（人）", validators=[MaxValueValidator(RECRUIT_MAX)])
    note = models.CharField("备注", max_length=200, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "招聘计划明细"
        verbose_name_plural = "招聘计划明细"
        ordering = ["plan_id", "school__area__name", "school__name", "subject"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "school", "subject"], name="workforce_recruitment_line_unique"
            ),
            models.CheckConstraint(
                condition=Q(quantity__lte=RECRUIT_MAX), name="workforce_recruitment_quantity_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school} {self.subject} {self.quantity}人"


class MentoringOutcome(models.TextChoices):
    ONGOING = "ongoing", "进行中"
    QUALIFIED = "qualified", "合格"
    EXCELLENT = "excellent", "优秀"
    NOT_QUALIFIED = "not_qualified", "不合格"


class MentorPair(models.Model):
    """A mentoring pair (青蓝结对) of a school year: an experienced teacher guiding a new one, with
    goals, the lessons the mentor observed, and the outcome."""

    school = models.ForeignKey(
        "registry.School", verbose_name="学校", on_delete=models.PROTECT, related_name="+"
    )
    school_year = models.ForeignKey(
        "registry.SchoolYear", verbose_name="学年", on_delete=models.PROTECT, related_name="+"
    )
    mentor = models.ForeignKey(
        "registry.Teacher",
        verbose_name="指导教师",
        on_delete=models.PROTECT,
        related_name="workforce_mentees",
    )
    mentee = models.ForeignKey(
        "registry.Teacher", verbose_name="新教师", on_delete=models.PROTECT, related_name="workforce_mentors"
    )
    goals = models.CharField("培养目标", max_length=300, blank=True)
    observed_lessons = models.PositiveSmallIntegerField(
        "听课节数", default=0, validators=[MaxValueValidator(500)]
    )
    outcome = models.CharField(
        "结对成效", max_length=16, choices=MentoringOutcome.choices, default=MentoringOutcome.ONGOING
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "青蓝结对"
        verbose_name_plural = "青蓝结对"
        ordering = ["school_id", "-school_year__start_year", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(mentor=models.F("mentee")),
                name="workforce_mentor_not_mentee",
                violation_error_message="指导教师和新教师不能是同一人",
            ),
            models.UniqueConstraint(
                fields=["school_year", "mentee"],
                name="workforce_one_mentor_per_mentee_year",
                violation_error_message="该新教师本学年已有指导教师",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentor}—{self.mentee}"


# --- Master studios (三名工作室) and research communities (研修共同体), issue 15 item 5 ---


class StudioKind(models.TextChoices):
    FAMOUS_TEACHER = "famous_teacher", "名师工作室"
    HEAD_TEACHER = "head_teacher", "名班主任工作室"
    PRINCIPAL = "principal", "名校长工作室"


class ReportCadence(models.TextChoices):
    MONTHLY = "monthly", "月报"
    QUARTERLY = "quarterly", "季报"
    HALF_YEARLY = "half_yearly", "半年报"
    YEARLY = "yearly", "年报"


class Studio(models.Model):
    """A master studio: a lead teacher (or principal) with members, a lead school and a plan,
    reporting at a cadence; each period's report is a StudioReport row with its due date."""

    name = models.CharField("工作室名称", max_length=60)
    kind = models.CharField("类型", max_length=16, choices=StudioKind.choices)
    lead = models.ForeignKey(
        "registry.Teacher",
        verbose_name="领衔人",
        on_delete=models.PROTECT,
        related_name="workforce_led_studios",
    )
    lead_school = models.ForeignKey(
        "registry.School", verbose_name="依托学校", on_delete=models.PROTECT, related_name="+"
    )
    members = models.ManyToManyField(
        "registry.Teacher", verbose_name="成员", related_name="workforce_studios", blank=True
    )
    plan = models.TextField("工作计划", max_length=2000, blank=True)
    cadence = models.CharField(
        "报告周期", max_length=12, choices=ReportCadence.choices, default=ReportCadence.QUARTERLY
    )
    started_on = models.DateField("成立日期")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "名师工作室"
        verbose_name_plural = "名师工作室"
        ordering = ["kind", "name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["name"], name="workforce_studio_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class StudioReport(models.Model):
    """One period's report of a studio: due `due_on` (the period's end plus the grace days, data);
    overdue while not submitted after that day."""

    studio = models.ForeignKey(
        Studio, verbose_name="工作室", on_delete=models.CASCADE, related_name="reports"
    )
    period_label = models.CharField("报告期", max_length=20)
    period_end = models.DateField("报告期截止")
    due_on = models.DateField("报送期限")
    submitted_on = models.DateField("报送日期", null=True, blank=True)
    summary = models.TextField("报告内容", max_length=2000, blank=True)

    class Meta:
        verbose_name = "工作室阶段报告"
        verbose_name_plural = "工作室阶段报告"
        ordering = ["studio_id", "period_end"]
        constraints = [
            models.UniqueConstraint(fields=["studio", "period_end"], name="workforce_studio_report_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.studio} {self.period_label}"

    def is_overdue(self, today: object) -> bool:
        return self.submitted_on is None and self.due_on < today  # type: ignore[operator]


class CommunityKind(models.TextChoices):
    SUBJECT = "subject", "学科研修共同体"
    HEAD_TEACHER = "head_teacher", "班主任研修共同体"
    PRINCIPAL = "principal", "校长研修共同体"


class ResearchCommunity(models.Model):
    name = models.CharField("共同体名称", max_length=60)
    kind = models.CharField("类型", max_length=16, choices=CommunityKind.choices)
    subject = models.CharField("学科", max_length=32, blank=True)
    lead = models.ForeignKey(
        "registry.Teacher", verbose_name="召集人", on_delete=models.PROTECT, related_name="+"
    )
    lead_school = models.ForeignKey(
        "registry.School", verbose_name="牵头学校", on_delete=models.PROTECT, related_name="+"
    )
    members = models.ManyToManyField(
        "registry.Teacher", verbose_name="成员", related_name="workforce_communities", blank=True
    )

    class Meta:
        verbose_name = "研修共同体"
        verbose_name_plural = "研修共同体"
        ordering = ["kind", "name", "pk"]

    def __str__(self) -> str:
        return self.name


class CommunityActivity(models.Model):
    community = models.ForeignKey(
        ResearchCommunity, verbose_name="研修共同体", on_delete=models.CASCADE, related_name="activities"
    )
    held_on = models.DateField("活动日期")
    title = models.CharField("活动主题", max_length=100)
    participants = models.PositiveSmallIntegerField(
        "参加人数", default=0, validators=[MaxValueValidator(2000)]
    )
    summary = models.CharField("活动纪要", max_length=500, blank=True)

    class Meta:
        verbose_name = "研修活动"
        verbose_name_plural = "研修活动"
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.community} {self.title}"


# --- Ethics (师德师风), issue 15 item 7 ---


class EthicsCategory(models.TextChoices):
    """新时代中小学教师职业行为十项准则 (2018): the guideline an incident breaches."""

    POLITICAL = "political", "一、坚定政治方向"
    LAW = "law", "二、自觉爱国守法"
    CULTURE = "culture", "三、传播优秀文化"
    TEACHING = "teaching", "四、潜心教书育人"
    CARE = "care", "五、关心爱护学生"
    SAFETY = "safety", "六、加强安全防范"
    CONDUCT = "conduct", "七、坚持言行雅正"
    FAIRNESS = "fairness", "八、秉持公平诚信"
    INTEGRITY = "integrity", "九、坚守廉洁自律"
    PRACTICE = "practice", "十、规范从教行为"


class EthicsStatus(models.TextChoices):
    PENDING = "pending", "待处理"
    CONFIRMED = "confirmed", "已查实处理"
    DISMISSED = "dismissed", "经核查不属实"


class EthicsHandling(models.TextChoices):
    """Handling under 中小学教师违反职业道德行为处理办法 (2018): the lighter measures and the sanctions."""

    NONE = "", "—"
    CRITICISM = "criticism", "批评教育"
    ADMONITION = "admonition", "诫勉谈话"
    WRITTEN_REVIEW = "written_review", "责令检查"
    NOTICE = "notice", "通报批评"
    WARNING = "warning", "警告"
    DEMERIT = "demerit", "记过"
    DEMOTION = "demotion", "降低岗位等级"
    DISMISSAL = "dismissal", "撤职或开除"


class EthicsSource(models.TextChoices):
    REPORT = "report", "举报投诉"
    INSPECTION = "inspection", "督导检查"
    TUTORING_MATCH = "tutoring_match", "校外培训从业人员比对"


class EthicsIncident(models.Model):
    """A breach of the ten guidelines by a teacher, in a school year. Once confirmed it vetoes the
    teacher's 优秀 in that year's appraisal and their honours (一票否决), automatically."""

    teacher = models.ForeignKey(
        "registry.Teacher", verbose_name="教师", on_delete=models.PROTECT, related_name="workforce_incidents"
    )
    school = models.ForeignKey(
        "registry.School", verbose_name="学校", on_delete=models.PROTECT, related_name="+"
    )
    school_year = models.ForeignKey(
        "registry.SchoolYear", verbose_name="学年", on_delete=models.PROTECT, related_name="+"
    )
    category = models.CharField("违反准则", max_length=16, choices=EthicsCategory.choices)
    occurred_on = models.DateField("发生日期")
    summary = models.CharField("事由", max_length=500)
    source = models.CharField(
        "线索来源", max_length=16, choices=EthicsSource.choices, default=EthicsSource.REPORT
    )
    source_key = models.CharField("来源编号", max_length=40, null=True, blank=True, unique=True)
    status = models.CharField(
        "状态", max_length=12, choices=EthicsStatus.choices, default=EthicsStatus.PENDING
    )
    handling = models.CharField(
        "处理方式", max_length=16, choices=EthicsHandling.choices, blank=True, default=""
    )
    effect = models.CharField("处理影响", max_length=300, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="处理人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)

    class Meta:
        verbose_name = "师德师风事件"
        verbose_name_plural = "师德师风事件"
        ordering = ["-occurred_on", "-pk"]
        indexes = [models.Index(fields=["school_year", "status"])]

    def __str__(self) -> str:
        return f"{self.get_category_display()} {self.occurred_on}"


# --- Appraisal (年度考核), issue 15 item 6 ---


class AppraisalGrade(models.TextChoices):
    EXCELLENT = "excellent", "优秀"
    COMPETENT = "competent", "合格"
    BASIC = "basic", "基本合格"
    FAILED = "failed", "不合格"


class Appraisal(models.Model):
    """A teacher's yearly appraisal result at their school; the share of 优秀 per school is capped
    (data) and a confirmed ethics incident of the year vetoes 优秀."""

    teacher = models.ForeignKey(
        "registry.Teacher", verbose_name="教师", on_delete=models.PROTECT, related_name="workforce_appraisals"
    )
    school = models.ForeignKey(
        "registry.School", verbose_name="学校", on_delete=models.PROTECT, related_name="+"
    )
    school_year = models.ForeignKey(
        "registry.SchoolYear", verbose_name="学年", on_delete=models.PROTECT, related_name="+"
    )
    grade = models.CharField("考核等次", max_length=12, choices=AppraisalGrade.choices)
    note = models.CharField("说明", max_length=200, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "年度考核结果"
        verbose_name_plural = "年度考核结果"
        ordering = ["school_id", "teacher_id"]
        constraints = [
            models.UniqueConstraint(fields=["teacher", "school_year"], name="workforce_appraisal_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.teacher} {self.school_year} {self.get_grade_display()}"


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
