"""School places and layout (学位·布局·建设): each town's population and births, new housing, a
school's classrooms by stage, construction projects with their milestones, and stored forecasts
(inputs, method and results kept together so a forecast can be explained later)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q


class PlanStage(models.TextChoices):
    PRIMARY = "primary", "小学"
    JUNIOR = "junior", "初中"


class TownYear(models.Model):
    """A town's population, births and net migration in a calendar year (health and public-security
    figures)."""

    area = models.ForeignKey(
        "registry.Area", verbose_name="乡镇（街道）", on_delete=models.PROTECT, related_name="planning_years"
    )
    year = models.PositiveSmallIntegerField("年份", validators=[MinValueValidator(1990)])
    population = models.PositiveIntegerField("户籍与常住人口")
    births = models.PositiveIntegerField("出生人口")
    net_migration = models.IntegerField("净迁入人口", default=0, help_text="迁出多于迁入为负数")
    source = models.CharField("数据来源", max_length=60, blank=True)

    class Meta:
        verbose_name = "乡镇人口与出生"
        verbose_name_plural = "乡镇人口与出生"
        ordering = ["area__code", "year"]
        constraints = [
            models.UniqueConstraint(fields=["area", "year"], name="planning_townyear_unique"),
            models.CheckConstraint(
                condition=Q(births__lte=F("population")), name="planning_births_le_population"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.area.name} {self.year}年"

    def clean(self) -> None:
        if self.population is not None and self.births is not None and self.births > self.population:
            raise ValidationError("出生人口不能多于总人口")
        if self.population and self.net_migration is not None and abs(self.net_migration) > self.population:
            raise ValidationError("净迁入人口的绝对值不能超过总人口")


class HousingDevelopment(models.Model):
    """A new residential development: its households move in from its completion year."""

    name = models.CharField("项目名称", max_length=100)
    area = models.ForeignKey(
        "registry.Area", verbose_name="所在乡镇（街道）", on_delete=models.PROTECT, related_name="housing"
    )
    households = models.PositiveIntegerField("户数", validators=[MinValueValidator(1)])
    completion_year = models.PositiveSmallIntegerField("交付年份", validators=[MinValueValidator(1990)])

    class Meta:
        verbose_name = "新建住宅"
        verbose_name_plural = "新建住宅"
        ordering = ["completion_year", "name"]
        constraints = [
            models.UniqueConstraint(fields=["area", "name"], name="planning_housing_unique"),
            models.CheckConstraint(condition=Q(households__gt=0), name="planning_housing_households"),
        ]

    def __str__(self) -> str:
        return self.name


class SchoolCapacity(models.Model):
    """A school's ordinary classrooms for one stage: its places are classrooms x standard class size."""

    school = models.ForeignKey(
        "registry.School", verbose_name="学校", on_delete=models.PROTECT, related_name="capacities"
    )
    stage = models.CharField("学段", max_length=8, choices=PlanStage.choices)
    classrooms = models.PositiveSmallIntegerField("普通教室（间）")

    class Meta:
        verbose_name = "学校教室"
        verbose_name_plural = "学校教室"
        ordering = ["school__code", "stage"]
        constraints = [models.UniqueConstraint(fields=["school", "stage"], name="planning_capacity_unique")]

    def __str__(self) -> str:
        return f"{self.school.name} {self.get_stage_display()}"


class ProjectKind(models.TextChoices):
    NEW = "new", "新建"
    REBUILD = "rebuild", "改建"
    EXTEND = "extend", "扩建"


class ProjectStatus(models.TextChoices):
    PLANNED = "planned", "前期"
    BUILDING = "building", "在建"
    COMPLETED = "completed", "已竣工"


class Project(models.Model):
    """A construction project (新改扩建): the places it adds join the school's supply from the school
    year after it completes."""

    name = models.CharField("项目名称", max_length=100)
    school = models.ForeignKey(
        "registry.School", verbose_name="学校", on_delete=models.PROTECT, related_name="projects"
    )
    kind = models.CharField("类型", max_length=8, choices=ProjectKind.choices)
    stage = models.CharField("学段", max_length=8, choices=PlanStage.choices)
    places_added = models.PositiveIntegerField("新增学位")
    budget = models.DecimalField(
        "总投资（万元）", max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    funding_source = models.CharField("资金来源", max_length=60, blank=True)
    start_date = models.DateField("开工日期")
    planned_completion = models.DateField("计划竣工日期")
    completed_on = models.DateField("实际竣工日期", null=True, blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=ProjectStatus.choices, default=ProjectStatus.PLANNED
    )

    class Meta:
        verbose_name = "建设项目"
        verbose_name_plural = "建设项目"
        ordering = ["planned_completion", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_completion__gt=F("start_date")), name="planning_project_dates"
            ),
            models.CheckConstraint(condition=Q(budget__gte=0), name="planning_project_budget"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.start_date and self.planned_completion and self.planned_completion <= self.start_date:
            raise ValidationError("计划竣工日期应晚于开工日期")
        if self.start_date and self.completed_on and self.completed_on < self.start_date:
            raise ValidationError("实际竣工日期不能早于开工日期")


class Milestone(models.Model):
    project = models.ForeignKey(
        Project, verbose_name="项目", on_delete=models.CASCADE, related_name="milestones"
    )
    name = models.CharField("节点", max_length=40)
    due = models.DateField("计划完成日期")
    done_on = models.DateField("实际完成日期", null=True, blank=True)

    class Meta:
        verbose_name = "项目节点"
        verbose_name_plural = "项目节点"
        ordering = ["project", "due"]

    def __str__(self) -> str:
        return f"{self.project.name}：{self.name}"


class ForecastRun(models.Model):
    """A stored enrolment forecast of an area: its inputs, method and results, as computed then."""

    area = models.ForeignKey(
        "registry.Area", verbose_name="区域", on_delete=models.PROTECT, related_name="forecast_runs"
    )
    base_year = models.PositiveSmallIntegerField("基年（学年起始年份）")
    horizon = models.PositiveSmallIntegerField("预测年数")
    method = models.CharField("方法", max_length=200)
    inputs = models.JSONField("输入", default=dict)
    results = models.JSONField("结果", default=dict)
    created_at = models.DateTimeField("生成时间", auto_now_add=True)
    created_by = models.ForeignKey(
        "accounts.User",
        verbose_name="生成人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "学位需求预测"
        verbose_name_plural = "学位需求预测"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(horizon__gte=1) & Q(horizon__lte=10), name="planning_run_horizon"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.area.name} {self.base_year}年起{self.horizon}年预测"


class ProjectProgress(models.Model):
    """A project's monthly progress report: the share of the works planned done by the month's end
    against the share actually done (形象进度, %)."""

    project = models.ForeignKey(
        Project, verbose_name="项目", on_delete=models.CASCADE, related_name="progress"
    )
    month = models.DateField("月份（当月1日）")
    planned_pct = models.PositiveSmallIntegerField("计划累计进度（%）")
    actual_pct = models.PositiveSmallIntegerField("实际累计进度（%）")
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "项目月度进度"
        verbose_name_plural = "项目月度进度"
        ordering = ["project", "month"]
        constraints = [
            models.UniqueConstraint(fields=["project", "month"], name="planning_progress_unique"),
            models.CheckConstraint(
                condition=Q(planned_pct__lte=100) & Q(actual_pct__lte=100), name="planning_progress_pct"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.name} {self.month:%Y-%m}"


class ListStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已发布"


class ProjectList(models.Model):
    """A month's red and black list of construction projects (项目建设红黑榜), frozen when made:
    the rules used and every project's figures are kept with it."""

    area = models.ForeignKey("registry.Area", verbose_name="区域", on_delete=models.PROTECT, related_name="+")
    month = models.DateField("月份（当月1日）")
    title = models.CharField("标题", max_length=120)
    rules = models.JSONField("评分规则（生成时副本）")
    entries = models.JSONField("榜单条目", default=list)
    status = models.CharField("状态", max_length=10, choices=ListStatus.choices, default=ListStatus.DRAFT)
    notice_number = models.CharField("通报文号", max_length=60, blank=True)
    created_at = models.DateTimeField("生成时间", auto_now_add=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)

    class Meta:
        verbose_name = "建设项目红黑榜"
        verbose_name_plural = "建设项目红黑榜"
        ordering = ["-month", "-pk"]
        constraints = [models.UniqueConstraint(fields=["area", "month"], name="planning_list_unique")]

    def __str__(self) -> str:
        return self.title


class QuotaStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    CONFIRMED = "confirmed", "已确认"


class QuotaPlan(models.Model):
    """A quality senior high school's enrolment places in one year and the share allocated to junior
    schools (指标到校), with its source and status; the rural tilt weights a rural school's cohort."""

    area = models.ForeignKey("registry.Area", verbose_name="区县", on_delete=models.PROTECT, related_name="+")
    school = models.ForeignKey(
        "registry.School", verbose_name="优质普通高中", on_delete=models.PROTECT, related_name="quota_plans"
    )
    year = models.PositiveSmallIntegerField("招生年份", validators=[MinValueValidator(2000)])
    places = models.PositiveIntegerField("招生计划（人）", validators=[MinValueValidator(1)])
    share_pct = models.DecimalField("指标到校比例（%）", max_digits=5, decimal_places=2)
    rural_weight = models.DecimalField(
        "农村学校加权系数", max_digits=4, decimal_places=2, default=1, help_text="1为不倾斜"
    )
    source = models.CharField("依据", max_length=120, blank=True)
    status = models.CharField("状态", max_length=10, choices=QuotaStatus.choices, default=QuotaStatus.DRAFT)

    class Meta:
        verbose_name = "指标到校计划"
        verbose_name_plural = "指标到校计划"
        ordering = ["-year", "school__code"]
        constraints = [
            models.UniqueConstraint(fields=["school", "year"], name="planning_quota_unique"),
            models.CheckConstraint(
                condition=Q(share_pct__gt=0) & Q(share_pct__lte=100), name="planning_quota_share"
            ),
            models.CheckConstraint(condition=Q(rural_weight__gte=1), name="planning_quota_weight"),
        ]

    def __str__(self) -> str:
        return f"{self.school.name} {self.year}年指标到校"


class PrivateSchoolYear(models.Model):
    """A private school's year: approved scale, enrolment plan and actual enrolment, key finances
    (万元) with payments to related parties (关联交易), which are flagged."""

    school = models.ForeignKey(
        "registry.School", verbose_name="民办学校", on_delete=models.PROTECT, related_name="private_years"
    )
    year = models.PositiveSmallIntegerField("年份", validators=[MinValueValidator(2000)])
    approved_scale = models.PositiveIntegerField("核定办学规模（人）", validators=[MinValueValidator(1)])
    plan_enrolment = models.PositiveIntegerField("招生计划（人）")
    actual_enrolment = models.PositiveIntegerField("实际招生（人）")
    pupils = models.PositiveIntegerField("在校生（人）")
    income = models.DecimalField("总收入（万元）", max_digits=12, decimal_places=2, default=0)
    fee_income = models.DecimalField("学费收入（万元）", max_digits=12, decimal_places=2, default=0)
    related_party_payments = models.DecimalField(
        "向举办者及关联方支付（万元）", max_digits=12, decimal_places=2, default=0
    )

    class Meta:
        verbose_name = "民办学校年度情况"
        verbose_name_plural = "民办学校年度情况"
        ordering = ["-year", "school__code"]
        constraints = [
            models.UniqueConstraint(fields=["school", "year"], name="planning_private_unique"),
            models.CheckConstraint(
                condition=Q(income__gte=0) & Q(fee_income__gte=0) & Q(related_party_payments__gte=0),
                name="planning_private_money",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school.name} {self.year}年"


class Zone(models.Model):
    """An attendance zone (施教区) of one stage: the schools that serve it. A zone covering no school
    is refused (services.zone_save)."""

    area = models.ForeignKey(
        "registry.Area", verbose_name="所在乡镇（街道）", on_delete=models.PROTECT, related_name="zones"
    )
    name = models.CharField("施教区", max_length=60)
    stage = models.CharField("学段", max_length=8, choices=PlanStage.choices)
    schools = models.ManyToManyField("registry.School", verbose_name="学校", related_name="zones")

    class Meta:
        verbose_name = "施教区"
        verbose_name_plural = "施教区"
        ordering = ["area__code", "stage", "name"]
        constraints = [models.UniqueConstraint(fields=["area", "stage", "name"], name="planning_zone_unique")]

    def __str__(self) -> str:
        return self.name


class Village(models.Model):
    """A village (or community) centre with its coordinates and the children living there by stage
    (counts only): the origin of straight-line distances to schools."""

    area = models.ForeignKey(
        "registry.Area", verbose_name="所在乡镇（街道）", on_delete=models.PROTECT, related_name="villages"
    )
    name = models.CharField("村（社区）", max_length=60)
    longitude = models.DecimalField("经度", max_digits=9, decimal_places=6)
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6)
    children_primary = models.PositiveIntegerField("小学适龄儿童（人）", default=0)
    children_junior = models.PositiveIntegerField("初中适龄少年（人）", default=0)
    rural = models.BooleanField("农村", default=True)

    class Meta:
        verbose_name = "村（社区）"
        verbose_name_plural = "村（社区）"
        ordering = ["area__code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["area", "name"], name="planning_village_unique"),
            models.CheckConstraint(
                condition=Q(longitude__gte=-180)
                & Q(longitude__lte=180)
                & Q(latitude__gte=-90)
                & Q(latitude__lte=90),
                name="planning_village_coordinates",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ClosureStatus(models.TextChoices):
    PROPOSED = "proposed", "拟撤并"
    CONSULTING = "consulting", "征求意见"
    READY = "ready", "已具备撤并条件"
    CLOSED = "closed", "已撤并"
    DROPPED = "dropped", "暂缓（保留）"


class Closure(models.Model):
    """The closure (merge) of a small school or teaching point into a receiving school, recorded as a
    workflow: the consultation and "build before closing" (先建后撤) steps come before the closing."""

    school = models.ForeignKey(
        "registry.School", verbose_name="拟撤并学校", on_delete=models.PROTECT, related_name="closures"
    )
    target = models.ForeignKey(
        "registry.School", verbose_name="接收学校", on_delete=models.PROTECT, related_name="closures_received"
    )
    reason = models.CharField("理由", max_length=300)
    status = models.CharField(
        "状态", max_length=12, choices=ClosureStatus.choices, default=ClosureStatus.PROPOSED
    )
    created_at = models.DateTimeField("提出时间", auto_now_add=True)

    class Meta:
        verbose_name = "学校撤并"
        verbose_name_plural = "学校撤并"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.school.name}并入{self.target.name}"


class ClosureStepKind(models.TextChoices):
    CONSULTATION = "consultation", "征求家长和村民意见"
    HEARING = "hearing", "召开听证会"
    BUILD_FIRST = "build_first", "接收学校建设（先建后撤）完成"
    TRANSPORT = "transport", "落实上下学交通与寄宿安排"
    APPROVAL = "approval", "区政府审批"
    CLOSED = "closed", "撤并完成"


class ClosureStep(models.Model):
    closure = models.ForeignKey(Closure, verbose_name="撤并", on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField("步骤", max_length=16, choices=ClosureStepKind.choices)
    done_on = models.DateField("完成日期")
    note = models.CharField("记录", max_length=300, blank=True)

    class Meta:
        verbose_name = "撤并步骤"
        verbose_name_plural = "撤并步骤"
        ordering = ["closure", "done_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["closure", "kind"], name="planning_closure_step_unique")
        ]

    def __str__(self) -> str:
        return f"{self.closure}：{self.get_kind_display()}"
