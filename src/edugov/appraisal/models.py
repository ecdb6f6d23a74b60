"""School appraisal (学校考核 "1+4+N"): a district's evaluation scheme per school year (dimensions,
indicators with weights and scoring rules; "N" items are each school's own), the values schools
enter by hand with their evidence, each school's computed scorecard with its evidence trail, and
the teaching-routine inspections (教学常规 备讲改辅考研) and after-school satisfaction surveys that
feed it. Schools are scored, never pupils."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class DimensionKind(models.TextChoices):
    BASIC = "basic", "“1”基础项（党建引领）"
    CORE = "core", "“4”核心维度"
    CHARACTERISTIC = "characteristic", "“N”特色项目"


class ScoringRule(models.TextChoices):
    LINEAR = "linear", "线性（下限得0分，达到目标得满分）"
    THRESHOLD = "threshold", "分档计分"
    ENTERED = "entered", "直接评分（0-100）"


class Scheme(models.Model):
    """A district's scheme for one school year. The common indicators' weights plus the weight of
    the "N" items make 100%; each school's own "N" items share the "N" weight."""

    area = models.ForeignKey("registry.Area", verbose_name="区县", on_delete=models.CASCADE, related_name="+")
    school_year = models.ForeignKey("registry.SchoolYear", verbose_name="学年", on_delete=models.PROTECT)
    name = models.CharField("方案名称", max_length=100)
    characteristic_weight = models.DecimalField("特色项目（N）权重（%）", max_digits=5, decimal_places=2)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "考核方案"
        verbose_name_plural = "考核方案"
        ordering = ["-school_year__start_year", "area__code"]
        constraints = [
            models.UniqueConstraint(fields=["area", "school_year"], name="appraisal_scheme_once"),
            models.CheckConstraint(
                condition=Q(characteristic_weight__gte=0, characteristic_weight__lte=100),
                name="appraisal_scheme_n_weight",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Dimension(models.Model):
    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="dimensions")
    kind = models.CharField("类型", max_length=16, choices=DimensionKind.choices)
    name = models.CharField("维度", max_length=60)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "考核维度"
        verbose_name_plural = "考核维度"
        ordering = ["scheme", "order", "pk"]

    def __str__(self) -> str:
        return self.name


class Indicator(models.Model):
    """One scored item: drawn from a registered data source (`source`), or entered by hand with
    evidence (`source` empty). A "N" item belongs to one school (`school`)."""

    dimension = models.ForeignKey(Dimension, on_delete=models.CASCADE, related_name="indicators")
    school = models.ForeignKey(
        "registry.School",
        verbose_name="学校（特色项目）",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    name = models.CharField("指标", max_length=100)
    source = models.CharField("数据来源", max_length=40, blank=True)
    rule = models.CharField("计分规则", max_length=12, choices=ScoringRule.choices)
    floor = models.DecimalField("下限（得0分）", max_digits=10, decimal_places=2, null=True, blank=True)
    target = models.DecimalField("目标（得满分）", max_digits=10, decimal_places=2, null=True, blank=True)
    thresholds = models.JSONField("分档（[至少, 得分]）", default=list, blank=True)
    weight = models.DecimalField("权重（%）", max_digits=5, decimal_places=2)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "考核指标"
        verbose_name_plural = "考核指标"
        ordering = ["dimension__order", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weight__gt=0, weight__lte=100), name="appraisal_indicator_weight"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def entered(self) -> bool:
        return not self.source


class Entry(models.Model):
    """A value a school (or the bureau) entered by hand for an indicator, with its evidence."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="entries")
    school = models.ForeignKey(
        "registry.School", verbose_name="学校", on_delete=models.CASCADE, related_name="+"
    )
    value = models.DecimalField("填报值", max_digits=10, decimal_places=2)
    note = models.CharField("说明", max_length=300, blank=True)
    evidence = models.FileField("佐证材料", upload_to="appraisal/evidence/%Y/", blank=True)
    evidence_name = models.CharField("佐证材料名称", max_length=200, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "填报值"
        verbose_name_plural = "填报值"
        constraints = [models.UniqueConstraint(fields=["indicator", "school"], name="appraisal_entry_once")]

    def __str__(self) -> str:
        return f"{self.school}·{self.indicator}"


class SchoolResult(models.Model):
    """A school's scorecard for a scheme as last computed; `from_data` / `entered` count its items
    filled from data vs entered by hand (the burden on the school)."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="results")
    school = models.ForeignKey(
        "registry.School", verbose_name="学校", on_delete=models.CASCADE, related_name="+"
    )
    total = models.DecimalField("总分", max_digits=6, decimal_places=2)
    from_data = models.PositiveSmallIntegerField("数据生成项", default=0)
    entered = models.PositiveSmallIntegerField("手工填报项", default=0)
    missing = models.PositiveSmallIntegerField("缺项", default=0)
    computed_at = models.DateTimeField("计算时间")

    class Meta:
        verbose_name = "考核结果"
        verbose_name_plural = "考核结果"
        constraints = [models.UniqueConstraint(fields=["scheme", "school"], name="appraisal_result_once")]

    def __str__(self) -> str:
        return f"{self.school}·{self.total}"


class Origin(models.TextChoices):
    DATA = "data", "数据生成"
    ENTERED = "entered", "学校填报"
    MISSING = "missing", "缺数据"


class ResultLine(models.Model):
    """One indicator of a school's card: raw value, score, weight, points and where the value came
    from (the source's name and as-of time, or who entered it with what evidence)."""

    result = models.ForeignKey(SchoolResult, on_delete=models.CASCADE, related_name="lines")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    raw = models.DecimalField("原始值", max_digits=10, decimal_places=2, null=True, blank=True)
    score = models.DecimalField("得分率", max_digits=6, decimal_places=2)
    weight = models.DecimalField("权重（%）", max_digits=5, decimal_places=2)
    points = models.DecimalField("得分", max_digits=6, decimal_places=2)
    origin = models.CharField("来源类型", max_length=8, choices=Origin.choices)
    source_label = models.CharField("来源", max_length=100)
    as_of = models.DateTimeField("数据时点", null=True, blank=True)
    detail = models.CharField("依据", max_length=300, blank=True)

    class Meta:
        verbose_name = "考核明细"
        verbose_name_plural = "考核明细"
        ordering = ["result", "pk"]

    def __str__(self) -> str:
        return f"{self.result_id}·{self.indicator_id}"


class RoutineCategory(models.TextChoices):
    PREPARATION = "preparation", "备课"
    TEACHING = "teaching", "上课"
    MARKING = "marking", "作业批改"
    TUTORING = "tutoring", "辅导"
    TESTING = "testing", "考试"
    RESEARCH = "research", "教研"


class RoutineChecklist(models.Model):
    """A district's teaching-routine checklist (教学常规 备讲改辅考研): items as data."""

    area = models.ForeignKey("registry.Area", verbose_name="区县", on_delete=models.CASCADE, related_name="+")
    name = models.CharField("检查表", max_length=100)
    source = models.CharField("依据", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "教学常规检查表"
        verbose_name_plural = "教学常规检查表"
        ordering = ["area__code", "pk"]

    def __str__(self) -> str:
        return self.name


class RoutineCheck(models.Model):
    checklist = models.ForeignKey(RoutineChecklist, on_delete=models.CASCADE, related_name="checks")
    category = models.CharField("环节", max_length=12, choices=RoutineCategory.choices)
    text = models.CharField("检查内容", max_length=200)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "检查项"
        verbose_name_plural = "检查项"
        ordering = ["checklist", "order", "pk"]

    def __str__(self) -> str:
        return self.text


class RoutineInspection(models.Model):
    school = models.ForeignKey(
        "registry.School", verbose_name="学校", on_delete=models.CASCADE, related_name="+"
    )
    checklist = models.ForeignKey(RoutineChecklist, on_delete=models.PROTECT, related_name="inspections")
    inspected_on = models.DateField("检查日期")
    note = models.CharField("总体评价", max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "教学常规检查"
        verbose_name_plural = "教学常规检查"
        ordering = ["-inspected_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.school}·{self.inspected_on}"


class RoutineMark(models.Model):
    inspection = models.ForeignKey(RoutineInspection, on_delete=models.CASCADE, related_name="marks")
    check_item = models.ForeignKey(RoutineCheck, on_delete=models.CASCADE, related_name="+")
    passed = models.BooleanField("达标")
    note = models.CharField("问题说明", max_length=300, blank=True)

    class Meta:
        verbose_name = "检查结果"
        verbose_name_plural = "检查结果"
        ordering = ["inspection", "check_item__order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "check_item"], name="appraisal_mark_once")
        ]

    def __str__(self) -> str:
        return f"{self.inspection_id}·{self.check_item_id}"


class Respondent(models.TextChoices):
    PARENTS = "parents", "家长"
    PUPILS = "pupils", "学生"


class SatisfactionSurvey(models.Model):
    """After-school service satisfaction of one school's parents or pupils in a school year, as
    counts (respondents, satisfied): no answers of individuals."""

    school = models.ForeignKey(
        "registry.School", verbose_name="学校", on_delete=models.CASCADE, related_name="+"
    )
    school_year = models.ForeignKey("registry.SchoolYear", verbose_name="学年", on_delete=models.PROTECT)
    respondent = models.CharField("调查对象", max_length=8, choices=Respondent.choices)
    respondents = models.PositiveIntegerField("答卷数")
    satisfied = models.PositiveIntegerField("满意数")
    entered_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "课后服务满意度调查"
        verbose_name_plural = "课后服务满意度调查"
        ordering = ["school", "respondent"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "school_year", "respondent"], name="appraisal_survey_once"
            ),
            models.CheckConstraint(
                condition=Q(satisfied__lte=F("respondents")), name="appraisal_survey_counts"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school}·{self.get_respondent_display()}"
