"""Tables of school safety (校园安全): the grid of cells and their responsible persons, hazard
inspections and their hazards (each one a rectification item), holiday reminders to every class
acknowledged by parents through a per-class link, and the drowning-prevention register of
dangerous waters with the public's reports."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models

from edugov.common.fields import EncryptedTextField
from edugov.common.text import mask_phone


class CellKind(models.TextChoices):
    BUILDING = "building", "校舍楼宇"
    GATE = "gate", "校门"
    SURROUNDINGS = "surroundings", "校园周边"
    WATER = "water", "周边水域"
    ROUTE = "route", "上下学路线"


# Cells inside a school's walls need the school; surroundings, waters and routes may hang on a town.
SCHOOL_KINDS = frozenset({CellKind.BUILDING, CellKind.GATE})


class GridCell(models.Model):
    """One cell of the safety grid (网格): a town's or a school's part, with its person (网格员)."""

    area = models.ForeignKey("registry.Area", verbose_name="所属镇街", on_delete=models.PROTECT)
    school = models.ForeignKey(
        "registry.School", verbose_name="所属学校", null=True, blank=True, on_delete=models.PROTECT
    )
    kind = models.CharField("网格类型", max_length=16, choices=CellKind.choices)
    name = models.CharField("网格名称", max_length=64)
    person_name = models.CharField("网格员", max_length=32, blank=True)
    contact = EncryptedTextField("联系电话", max_length=32, blank=True)
    officer = models.ForeignKey(
        "accounts.User", verbose_name="网格员账号", null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        verbose_name = "安全网格"
        constraints = [
            models.UniqueConstraint(fields=["area", "school", "name"], name="safety_cell_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def contact_masked(self) -> str:
        return mask_phone(self.contact) if self.contact else ""

    def clean(self) -> None:
        if self.kind in SCHOOL_KINDS and self.school_id is None:
            raise ValidationError({"school": "校舍和校门网格必须属于一所学校"})


class HazardKind(models.TextChoices):
    FIRE = "fire", "消防"
    BUILDINGS = "buildings", "校舍"
    FOOD = "food", "食品"
    TRAFFIC = "traffic", "交通"
    WATER = "water", "防溺水"
    EQUIPMENT = "equipment", "设施设备"
    SURROUNDINGS = "surroundings", "周边环境"


class HazardSeverity(models.TextChoices):
    MINOR = "minor", "一般隐患"
    MODERATE = "moderate", "较大隐患"
    MAJOR = "major", "重大隐患"


class Inspection(models.Model):
    """One hazard inspection (隐患排查) of a school against a checklist, by the school itself or
    by the bureau."""

    school = models.ForeignKey("registry.School", verbose_name="学校", on_delete=models.PROTECT)
    kind = models.CharField("排查类别", max_length=16, choices=HazardKind.choices)
    inspected_on = models.DateField("排查日期")
    by_bureau = models.BooleanField("教育局排查", default=False)
    checked = models.JSONField("已查项目", default=list)
    created_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "隐患排查"

    def __str__(self) -> str:
        return f"{self.school_id}：{self.get_kind_display()}排查 {self.inspected_on}"


class Hazard(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="hazards")
    description = models.CharField("隐患描述", max_length=500)
    severity = models.CharField("隐患等级", max_length=16, choices=HazardSeverity.choices)
    photo = models.FileField("照片", upload_to="safety/hazards/%Y/%m/", blank=True)
    item_id = models.PositiveIntegerField("整改事项", null=True, blank=True)  # rectification's item
    deadline = models.DateField("整改期限")

    class Meta:
        verbose_name = "安全隐患"

    def __str__(self) -> str:
        return self.description


class Holiday(models.Model):
    area = models.ForeignKey("registry.Area", verbose_name="区域", on_delete=models.PROTECT)
    name = models.CharField("假期名称", max_length=32)
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期")

    class Meta:
        verbose_name = "假期"

    def __str__(self) -> str:
        return self.name


class HolidayDay(models.Model):
    holiday = models.ForeignKey(Holiday, on_delete=models.CASCADE, related_name="days")
    date = models.DateField("日期")
    topic = models.CharField("主题", max_length=16)
    text = models.TextField("提醒内容")

    class Meta:
        verbose_name = "假期提醒日"
        constraints = [models.UniqueConstraint(fields=["holiday", "date"], name="safety_day_unique")]

    def __str__(self) -> str:
        return f"{self.date} {self.topic}"


class ClassReminder(models.Model):
    """A holiday day's reminder to one class: sent by the channel, confirmed by the head teacher,
    acknowledged by parents through the class's link (`token`, unguessable)."""

    day = models.ForeignKey(HolidayDay, on_delete=models.CASCADE, related_name="reminders")
    school_class = models.ForeignKey("registry.SchoolClass", on_delete=models.PROTECT)
    token = models.CharField(max_length=32, unique=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)
    channel = models.CharField("发送渠道", max_length=16, blank=True)
    confirmed_at = models.DateTimeField("班主任确认时间", null=True, blank=True)
    acks = models.PositiveIntegerField("家长确认数", default=0)
    flagged_at = models.DateTimeField("晚间提示学校时间", null=True, blank=True)
    # Every write moves it, the counting UPDATEs included (set in the same statement): the
    # warehouse's incremental export sees a partition whose reminders changed in place by it.
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "班级假期提醒"
        constraints = [
            models.UniqueConstraint(fields=["day", "school_class"], name="safety_reminder_unique"),
        ]

    def __str__(self) -> str:
        return f"班级{self.school_class_id} {self.day_id}"


class Acknowledgement(models.Model):
    """One parent's acknowledgement: the class's reminder and an optional pupil key, nothing else."""

    reminder = models.ForeignKey(ClassReminder, on_delete=models.CASCADE, related_name="acknowledgements")
    pupil_key = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["reminder", "pupil_key"],
                condition=~models.Q(pupil_key=""),
                name="safety_ack_once_per_pupil",
            ),
        ]

    def __str__(self) -> str:
        return f"确认 {self.reminder_id}"


class WaterKind(models.TextChoices):
    POND = "pond", "池塘"
    RIVER = "river", "河流"
    RESERVOIR = "reservoir", "水库"
    DITCH = "ditch", "沟渠"
    PIT = "pit", "积水坑"


class DangerousWater(models.Model):
    area = models.ForeignKey("registry.Area", verbose_name="所属镇街", on_delete=models.PROTECT)
    school = models.ForeignKey(
        "registry.School", verbose_name="附近学校", null=True, blank=True, on_delete=models.PROTECT
    )
    name = models.CharField("水域名称", max_length=64)
    kind = models.CharField("类型", max_length=16, choices=WaterKind.choices)
    location = models.CharField("位置", max_length=200)
    warning_signs = models.BooleanField("设有警示标志", default=False)
    patrol_duty = models.CharField("巡查责任人", max_length=64, blank=True)
    # Where it is, for the map (WGS-84 degrees); without them the map places it at its school.
    longitude = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True)
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)

    class Meta:
        verbose_name = "危险水域"

    def __str__(self) -> str:
        return self.name


class ReportStatus(models.TextChoices):
    NEW = "new", "待处理"
    CONFIRMED = "confirmed", "已核实"
    REJECTED = "rejected", "不予采纳"


class WaterReport(models.Model):
    """A report from the public (no account): where, what was seen; the bureau triages it."""

    area = models.ForeignKey("registry.Area", verbose_name="所在镇街", on_delete=models.PROTECT)
    place = models.CharField("地点", max_length=200)
    description = models.CharField("情况描述", max_length=1000)
    photo = models.FileField("照片", upload_to="safety/reports/%Y/%m/", blank=True)
    contact = EncryptedTextField("联系方式", max_length=32, blank=True)
    status = models.CharField("状态", max_length=16, choices=ReportStatus.choices, default=ReportStatus.NEW)
    created_at = models.DateTimeField("提交时间", auto_now_add=True)
    handled_at = models.DateTimeField("处理时间", null=True, blank=True)
    reward = models.DecimalField("奖励金额", max_digits=8, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = "溺水隐患举报"

    def __str__(self) -> str:
        return self.place


class WaterReportPayment(models.Model):
    """The payment of a confirmed report's reward (奖励兑现): when, how much, the voucher's number.
    One per report; the reward itself is decided when the report is confirmed."""

    report = models.OneToOneField(WaterReport, on_delete=models.PROTECT, related_name="payment")
    paid_on = models.DateField("发放日期")
    amount = models.DecimalField("发放金额", max_digits=8, decimal_places=2)
    voucher = models.CharField("凭证号", max_length=32, blank=True)
    created_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "举报奖励发放"

    def __str__(self) -> str:
        return f"{self.report_id} {self.amount}"


class Patrol(models.Model):
    """One patrol of a dangerous water (巡查记录): who went, when, what was seen."""

    water = models.ForeignKey(DangerousWater, on_delete=models.CASCADE, related_name="patrols")
    patrolled_on = models.DateField("巡查日期")
    patroller = models.CharField("巡查人", max_length=32)
    observed = models.CharField("巡查情况", max_length=500)
    issue_found = models.BooleanField("发现问题", default=False)
    created_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "水域巡查"

    def __str__(self) -> str:
        return f"{self.water_id} {self.patrolled_on}"


class IncidentKind(models.TextChoices):
    DROWNING = "drowning", "溺水"
    TRAFFIC = "traffic", "交通事故"
    FIRE = "fire", "火灾"
    FOOD = "food", "食物中毒"
    INJURY = "injury", "校内伤害"
    OTHER = "other", "其他"


class IncidentOutcome(models.TextChoices):
    RESCUED = "rescued", "获救无大碍"
    INJURED = "injured", "受伤"
    DIED = "died", "死亡"


class Incident(models.Model):
    """A safety incident (安全事故) kept by the safety office alone: kind, date, town, school,
    outcome and how many pupils; the circumstances are stored encrypted and no pupil is named.
    Outside the safety office only the counts by kind, outcome and town are shown."""

    area = models.ForeignKey("registry.Area", verbose_name="发生镇街", on_delete=models.PROTECT)
    school = models.ForeignKey(
        "registry.School", verbose_name="涉及学校", null=True, blank=True, on_delete=models.PROTECT
    )
    kind = models.CharField("事故类型", max_length=16, choices=IncidentKind.choices)
    occurred_on = models.DateField("发生日期")
    outcome = models.CharField("后果", max_length=16, choices=IncidentOutcome.choices)
    pupils = models.PositiveSmallIntegerField("涉及学生数", default=1)
    circumstances = EncryptedTextField("经过", max_length=1000, blank=True)
    created_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "安全事故"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_on}"


class DrillKind(models.TextChoices):
    EVACUATION = "evacuation", "应急疏散"
    FIRE = "fire", "消防灭火"
    EARTHQUAKE = "earthquake", "防震减灾"
    VIOLENCE = "violence", "防暴反恐"
    DROWNING = "drowning", "防溺水自救"


class Drill(models.Model):
    """A drill (应急演练) a school held in a term: kind, date, participants and its evaluation."""

    school = models.ForeignKey("registry.School", verbose_name="学校", on_delete=models.PROTECT)
    term = models.ForeignKey("registry.Term", verbose_name="学期", on_delete=models.PROTECT)
    kind = models.CharField("演练类型", max_length=16, choices=DrillKind.choices)
    held_on = models.DateField("演练日期")
    participants = models.PositiveIntegerField("参与人数")
    evaluation = models.CharField("演练评估", max_length=500)
    created_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "应急演练"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.held_on}"


class LessonKind(models.TextChoices):
    LESSON = "lesson", "安全教育课"
    FIRST = "first", "开学第一课"
    LAST = "last", "放假前最后一课"


class SafetyLesson(models.Model):
    """A safety lesson a school gave in a term, by topic; the start-of-term first lesson and the
    pre-holiday last lesson are lessons of their own kind."""

    school = models.ForeignKey("registry.School", verbose_name="学校", on_delete=models.PROTECT)
    term = models.ForeignKey("registry.Term", verbose_name="学期", on_delete=models.PROTECT)
    kind = models.CharField("类别", max_length=16, choices=LessonKind.choices, default=LessonKind.LESSON)
    topic = models.CharField("主题", max_length=16)
    held_on = models.DateField("授课日期")
    classes = models.PositiveIntegerField("覆盖班级数")
    created_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "安全教育课"

    def __str__(self) -> str:
        return f"{self.topic} {self.held_on}"
