"""Teacher ethics incidents: category, source, handling and status (kept as statuses, not narratives)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


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
