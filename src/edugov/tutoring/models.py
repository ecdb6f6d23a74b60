"""Off-campus tutoring supervision: institutions and their status history, unlicensed sites, staff,
courses and timetables, prepaid orders with consumption and refunds, custody statements, the daily
risk snapshot and alerts, inspections and enforcement, and parents' complaints.

Long because: it declares the whole tutoring schema (29 model and choice classes with their
constraints), which the migrations describe as one; the logic lives in services/ and selectors."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from edugov.common.dates import cn_date
from edugov.common.fields import EncryptedTextField

from .codes import credit_code_problem, id_number_problem

ZERO = Decimal("0")


def validate_credit_code(value: str) -> None:
    problem = credit_code_problem(value)
    if problem:
        raise ValidationError(problem)


def validate_id_number(value: str) -> None:
    problem = id_number_problem(value)
    if problem:
        raise ValidationError(problem)


class Category(models.TextChoices):
    SUBJECT = "subject", "学科类"
    SPORTS = "sports", "非学科类·体育"
    ARTS = "arts", "非学科类·文化艺术"
    SCIENCE = "science", "非学科类·科技"
    MIXED = "mixed", "综合类（学科与非学科）"


SUBJECT_CATEGORIES = (Category.SUBJECT, Category.MIXED)


class Mode(models.TextChoices):
    OFFLINE = "offline", "线下"
    ONLINE = "online", "线上"


class InstitutionStatus(models.TextChoices):
    APPLYING = "applying", "申请中"
    LICENSED = "licensed", "已取得许可"
    RECTIFYING = "rectifying", "责令整改中"
    SUSPENDED = "suspended", "停业整顿"
    REVOKED = "revoked", "吊销许可"
    CLOSED = "closed", "已注销关闭"


# Which status may follow which; everything else is refused with the allowed list in the message.
TRANSITIONS: dict[str, frozenset[str]] = {
    InstitutionStatus.APPLYING: frozenset({InstitutionStatus.LICENSED, InstitutionStatus.CLOSED}),
    InstitutionStatus.LICENSED: frozenset(
        {
            InstitutionStatus.RECTIFYING,
            InstitutionStatus.SUSPENDED,
            InstitutionStatus.REVOKED,
            InstitutionStatus.CLOSED,
        }
    ),
    InstitutionStatus.RECTIFYING: frozenset(
        {
            InstitutionStatus.LICENSED,
            InstitutionStatus.SUSPENDED,
            InstitutionStatus.REVOKED,
            InstitutionStatus.CLOSED,
        }
    ),
    InstitutionStatus.SUSPENDED: frozenset(
        {InstitutionStatus.LICENSED, InstitutionStatus.REVOKED, InstitutionStatus.CLOSED}
    ),
    InstitutionStatus.REVOKED: frozenset({InstitutionStatus.CLOSED}),
    InstitutionStatus.CLOSED: frozenset(),
}


class ListStatus(models.TextChoices):
    NONE = "", "未列入"
    WHITE = "white", "白名单"
    BLACK = "black", "黑名单"


class CustodyMode(models.TextChoices):
    CUSTODY_ACCOUNT = "custody", "银行托管账户"
    RISK_RESERVE = "reserve", "风险保证金"
    NONE = "none", "未纳入监管"


class Institution(models.Model):
    name = models.CharField("机构名称", max_length=100, db_index=True)
    credit_code = models.CharField(
        "统一社会信用代码", max_length=18, unique=True, validators=[validate_credit_code]
    )
    licence_number = models.CharField("办学许可证号", max_length=40, blank=True)
    licence_valid_from = models.DateField("许可证有效期起", null=True, blank=True)
    licence_valid_to = models.DateField("许可证有效期止", null=True, blank=True)
    category = models.CharField("类别", max_length=12, choices=Category.choices)
    nonprofit_registered = models.BooleanField("已登记为非营利性", default=False)
    mode = models.CharField("培训方式", max_length=8, choices=Mode.choices, default=Mode.OFFLINE)
    area = models.ForeignKey(
        "registry.Area",
        verbose_name="所在乡镇街道",
        on_delete=models.PROTECT,
        related_name="tutoring_institutions",
    )
    address = models.CharField("培训场所地址", max_length=200, blank=True)
    longitude = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True)
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    floor_area = models.DecimalField(
        "场所面积（平方米）",
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    legal_representative = models.CharField("法定代表人", max_length=32, blank=True)
    contact_phone = models.CharField("联系电话", max_length=16, blank=True)
    status = models.CharField(
        "状态", max_length=12, choices=InstitutionStatus.choices, default=InstitutionStatus.APPLYING
    )
    list_status = models.CharField(
        "黑白名单", max_length=8, choices=ListStatus.choices, default="", blank=True
    )
    list_reason = models.CharField("列入原因", max_length=200, blank=True)
    custody_mode = models.CharField(
        "资金监管方式", max_length=8, choices=CustodyMode.choices, default=CustodyMode.CUSTODY_ACCOUNT
    )
    custody_bank = models.CharField("托管银行", max_length=60, blank=True)
    custody_account = models.CharField("托管账号", max_length=40, blank=True, db_index=True)
    risk_reserve = models.DecimalField("风险保证金（元）", max_digits=14, decimal_places=2, default=ZERO)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "校外培训机构"
        verbose_name_plural = "校外培训机构"
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                name="tutoring_subject_nonprofit",
                condition=~Q(category__in=["subject", "mixed"]) | Q(nonprofit_registered=True),
                violation_error_message="学科类培训机构须登记为非营利性机构",
            ),
            models.CheckConstraint(
                name="tutoring_licence_dates",
                condition=Q(licence_valid_from__isnull=True)
                | Q(licence_valid_to__isnull=True)
                | Q(licence_valid_to__gte=models.F("licence_valid_from")),
                violation_error_message="许可证有效期止不能早于有效期起",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_subject(self) -> bool:
        return self.category in SUBJECT_CATEGORIES

    def clean(self) -> None:
        if self.credit_code:
            self.credit_code = self.credit_code.strip().upper()
        if self.status == InstitutionStatus.LICENSED and not self.licence_number:
            raise ValidationError({"licence_number": "已取得许可的机构须填写办学许可证号"})
        if self.longitude is not None and not 73 <= self.longitude <= 136:
            raise ValidationError({"longitude": "经度应在73～136之间（中国境内）"})
        if self.latitude is not None and not 3 <= self.latitude <= 54:
            raise ValidationError({"latitude": "纬度应在3～54之间（中国境内）"})


class StatusChange(models.Model):
    institution = models.ForeignKey(
        Institution, verbose_name="机构", on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField("原状态", max_length=12, choices=InstitutionStatus.choices, blank=True)
    to_status = models.CharField("新状态", max_length=12, choices=InstitutionStatus.choices)
    reason = models.CharField("原因", max_length=200)
    changed_on = models.DateField("日期", db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        verbose_name = "机构状态变更"
        verbose_name_plural = "机构状态变更"
        ordering = ["-changed_on", "-pk"]

    def __str__(self) -> str:
        return str(f"{self.institution}：{self.get_to_status_display()}")


class UnlicensedStatus(models.TextChoices):
    OPEN = "open", "待处置"
    CLOSED = "closed", "已取缔"
    LICENSED = "licensed", "已办证转正"


class UnlicensedSite(models.Model):
    """A site found teaching without licence (无证无照), by an inspection or a complaint."""

    name = models.CharField("名称或招牌", max_length=100)
    area = models.ForeignKey("registry.Area", verbose_name="所在乡镇街道", on_delete=models.PROTECT)
    address = models.CharField("地址", max_length=200)
    longitude = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True)
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    found_on = models.DateField("发现日期")
    description = models.TextField("情况说明", blank=True)
    status = models.CharField("处置状态", max_length=10, choices=UnlicensedStatus.choices, default="open")
    closed_on = models.DateField("处置日期", null=True, blank=True)
    found_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="发现人", null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        verbose_name = "无证无照培训点"
        verbose_name_plural = "无证无照培训点"
        ordering = ["-found_on", "-pk"]

    def __str__(self) -> str:
        return self.name


class Staff(models.Model):
    institution = models.ForeignKey(
        Institution, verbose_name="机构", on_delete=models.CASCADE, related_name="staff"
    )
    name = models.CharField("姓名", max_length=32)
    id_number = models.CharField("身份证号", max_length=18, validators=[validate_id_number])
    phone = models.CharField("手机号", max_length=16, blank=True)
    is_tutor = models.BooleanField("培训教师", default=True)
    teaches_subject = models.BooleanField("从事学科类培训", default=False)
    subject = models.CharField("任教科目", max_length=32, blank=True)
    qualification_number = models.CharField("教师资格证书编号", max_length=32, blank=True)
    background_checked = models.BooleanField("已完成背景审查", default=False)
    employed_from = models.DateField("聘用起始日期", null=True, blank=True)
    employed_to = models.DateField("聘用截止日期", null=True, blank=True)
    # Set by the service from the teacher registry: an in-service public-school teacher.
    in_service_teacher = models.ForeignKey(
        "registry.Teacher",
        verbose_name="匹配到的在职中小学教师",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "从业人员"
        verbose_name_plural = "从业人员"
        ordering = ["institution", "name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "id_number"], name="tutoring_staff_unique_id"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.id_number:
            self.id_number = self.id_number.strip().upper()
        if self.teaches_subject and not self.qualification_number:
            raise ValidationError({"qualification_number": "从事学科类培训的教师须持有教师资格证"})
        if self.employed_from and self.employed_to and self.employed_to < self.employed_from:
            raise ValidationError({"employed_to": "聘用截止日期不能早于起始日期"})


class ClassSizeBand(models.TextChoices):
    SMALL = "small", "10人以下"
    MEDIUM = "medium", "10～35人"
    LARGE = "large", "35人以上"


class Course(models.Model):
    institution = models.ForeignKey(
        Institution, verbose_name="机构", on_delete=models.CASCADE, related_name="courses"
    )
    name = models.CharField("课程名称", max_length=100)
    is_subject = models.BooleanField("学科类课程", default=False)
    subject = models.CharField("科目", max_length=32)
    grade_min = models.SmallIntegerField(
        "适用年级起", help_text="-2～0为幼儿园小、中、大班，1～12为一至十二年级"
    )
    grade_max = models.SmallIntegerField("适用年级止")
    mode = models.CharField("方式", max_length=8, choices=Mode.choices, default=Mode.OFFLINE)
    within_syllabus = models.BooleanField(
        "不超标不超前", default=True, help_text="内容不超出课程标准、进度不超前于学校"
    )
    class_size_band = models.CharField("班额", max_length=8, choices=ClassSizeBand.choices, default="medium")
    lessons = models.PositiveSmallIntegerField("课时数", validators=[MinValueValidator(1)])
    lesson_minutes = models.PositiveSmallIntegerField("每课时分钟", validators=[MinValueValidator(1)])
    price_per_lesson = models.DecimalField("每课时价格（元）", max_digits=9, decimal_places=2)
    guidance_price = models.DecimalField(
        "政府指导价（元/课时）", max_digits=9, decimal_places=2, null=True, blank=True
    )
    tutor = models.ForeignKey(
        Staff,
        verbose_name="授课教师",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="courses",
    )
    approved = models.BooleanField("已备案", default=True)
    violations = models.JSONField("违规情况", default=list, blank=True)

    class Meta:
        verbose_name = "培训课程"
        verbose_name_plural = "培训课程"
        ordering = ["institution", "name", "pk"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        # A grade left out is already its field's "required" error (model clean() runs after field
        # errors too): compare only the grades that were given.
        grades = [g for g in (self.grade_min, self.grade_max) if g is not None]
        if any(not -2 <= g <= 12 for g in grades):
            raise ValidationError({"grade_min": "年级应在-2（小班）～12（高三）之间"})
        if len(grades) == 2 and self.grade_max < self.grade_min:
            raise ValidationError({"grade_max": "适用年级止不能低于适用年级起"})
        if self.price_per_lesson is not None and self.price_per_lesson < 0:
            raise ValidationError({"price_per_lesson": "价格不能为负数"})


class Session(models.Model):
    """One timetable entry of a course (排课)."""

    course = models.ForeignKey(Course, verbose_name="课程", on_delete=models.CASCADE, related_name="sessions")
    date = models.DateField("日期", db_index=True)
    start_time = models.TimeField("开始时间")
    end_time = models.TimeField("结束时间")
    violations = models.JSONField("违规情况", default=list, blank=True)

    class Meta:
        verbose_name = "课表"
        verbose_name_plural = "课表"
        ordering = ["date", "start_time", "pk"]
        indexes = [
            # As Order's: the 违规情况 list reads only the sessions with a violation.
            models.Index(
                fields=["date", "start_time", "id"],
                condition=~Q(violations=[]),
                name="tutoring_session_violations",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                name="tutoring_session_times",
                condition=Q(end_time__gt=models.F("start_time")),
                violation_error_message="结束时间应晚于开始时间",
            )
        ]

    def __str__(self) -> str:
        return str(f"{self.course} {cn_date(self.date)} {self.start_time:%H:%M}")


class Order(models.Model):
    """A prepaid charge (预收费): recorded even over the limits, then flagged."""

    institution = models.ForeignKey(
        Institution, verbose_name="机构", on_delete=models.CASCADE, related_name="orders"
    )
    course = models.ForeignKey(Course, verbose_name="课程", null=True, blank=True, on_delete=models.SET_NULL)
    pupil_name = EncryptedTextField("学员姓名", max_length=32)
    parent_phone = EncryptedTextField("家长手机号", max_length=16, blank=True)
    lessons = models.PositiveIntegerField("课时数", validators=[MinValueValidator(1)])
    amount = models.DecimalField(
        "金额（元）", max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    paid_on = models.DateField("缴费日期", db_index=True)
    covers_until = models.DateField("课程截止日期", null=True, blank=True)
    violations = models.JSONField("违规情况", default=list, blank=True)

    class Meta:
        verbose_name = "预收费订单"
        verbose_name_plural = "预收费订单"
        ordering = ["-paid_on", "-pk"]
        indexes = [
            models.Index(fields=["institution", "paid_on"]),
            # The 违规情况 list reads the few orders with a violation in its own order: a partial
            # index holds only those (about 7% of the demo's orders), not a scan of every order.
            models.Index(
                fields=["-paid_on", "-id"], condition=~Q(violations=[]), name="tutoring_order_violations"
            ),
        ]

    def __str__(self) -> str:
        return str(f"订单{self.pk}（{self.amount}元）")


class Consumption(models.Model):
    """Lessons consumed on a day (课消): moves money from unconsumed prepaid to earned."""

    institution = models.ForeignKey(
        Institution, verbose_name="机构", on_delete=models.CASCADE, related_name="+"
    )
    order = models.ForeignKey(
        Order, verbose_name="订单", on_delete=models.CASCADE, related_name="consumptions"
    )
    date = models.DateField("日期")
    lessons = models.PositiveIntegerField("课时数", validators=[MinValueValidator(1)])
    amount = models.DecimalField("金额（元）", max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = "课消记录"
        verbose_name_plural = "课消记录"
        indexes = [models.Index(fields=["institution", "date"])]

    def __str__(self) -> str:
        return str(f"课消{cn_date(self.date)} {self.lessons}课时")


class RefundStatus(models.TextChoices):
    REQUESTED = "requested", "待退费"
    PAID = "paid", "已退费"
    REFUSED = "refused", "不予退费"


class Refund(models.Model):
    institution = models.ForeignKey(
        Institution, verbose_name="机构", on_delete=models.CASCADE, related_name="+"
    )
    order = models.ForeignKey(Order, verbose_name="订单", on_delete=models.CASCADE, related_name="refunds")
    requested_on = models.DateField("申请日期")
    amount = models.DecimalField(
        "金额（元）", max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    status = models.CharField("状态", max_length=10, choices=RefundStatus.choices, default="requested")
    paid_on = models.DateField("退费日期", null=True, blank=True)

    class Meta:
        verbose_name = "退费"
        verbose_name_plural = "退费"
        indexes = [models.Index(fields=["institution", "status"])]

    def __str__(self) -> str:
        return str(f"退费{self.amount}元（{self.get_status_display()}）")


class CustodyStatement(models.Model):
    """A custody account's end-of-day balance, from the bank's CSV file."""

    institution = models.ForeignKey(
        Institution, verbose_name="机构", on_delete=models.CASCADE, related_name="+"
    )
    account = models.CharField("托管账号", max_length=40)
    date = models.DateField("日期")
    inflow = models.DecimalField("当日转入（元）", max_digits=14, decimal_places=2, default=ZERO)
    outflow = models.DecimalField("当日划出（元）", max_digits=14, decimal_places=2, default=ZERO)
    balance = models.DecimalField("日终余额（元）", max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = "托管账户对账单"
        verbose_name_plural = "托管账户对账单"
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "date"], name="tutoring_statement_unique_day")
        ]

    def __str__(self) -> str:
        return str(f"{self.account} {cn_date(self.date)}")


class RiskLevel(models.TextChoices):
    LOW = "low", "低"
    MEDIUM = "medium", "中"
    HIGH = "high", "高"


class RiskSnapshot(models.Model):
    """The daily computation per institution (see docs/tutoring-risk-score.md)."""

    institution = models.ForeignKey(
        Institution, verbose_name="机构", on_delete=models.CASCADE, related_name="risks"
    )
    date = models.DateField("日期", db_index=True)
    unconsumed = models.DecimalField("未消课预收费余额", max_digits=14, decimal_places=2)
    custody_balance = models.DecimalField("监管资金余额", max_digits=14, decimal_places=2)
    coverage = models.FloatField("覆盖率", null=True, blank=True)
    sales_30d = models.DecimalField("近30天收费", max_digits=14, decimal_places=2)
    consumed_30d = models.DecimalField("近30天课消", max_digits=14, decimal_places=2)
    consumed_prev_30d = models.DecimalField("前30天课消", max_digits=14, decimal_places=2)
    refund_backlog = models.PositiveIntegerField("待退费笔数")
    refund_backlog_amount = models.DecimalField("待退费金额", max_digits=14, decimal_places=2)
    complaints_30d = models.PositiveIntegerField("近30天投诉")
    status_changes_90d = models.PositiveIntegerField("近90天不良状态变更")
    score = models.PositiveSmallIntegerField("风险分")
    level = models.CharField("风险等级", max_length=8, choices=RiskLevel.choices)
    reasons = models.JSONField("风险原因", default=list)

    class Meta:
        verbose_name = "预收费风险日评估"
        verbose_name_plural = "预收费风险日评估"
        ordering = ["-date", "-score"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "date"], name="tutoring_risk_unique_day")
        ]

    def __str__(self) -> str:
        return str(f"{self.institution} {cn_date(self.date)} {self.score}分")


class AlertKind(models.TextChoices):
    COVERAGE = "coverage", "资金覆盖率低于预警线"
    SCORE_JUMP = "score_jump", "风险分骤升"


class Alert(models.Model):
    institution = models.ForeignKey(
        Institution, verbose_name="机构", on_delete=models.CASCADE, related_name="alerts"
    )
    date = models.DateField("日期")
    kind = models.CharField("类型", max_length=12, choices=AlertKind.choices)
    message = models.CharField("内容", max_length=300)
    handled = models.BooleanField("已处理", default=False)

    class Meta:
        verbose_name = "预警"
        verbose_name_plural = "预警"
        ordering = ["-date", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "date", "kind"], name="tutoring_alert_unique_day")
        ]

    def __str__(self) -> str:
        return str(self.message)


class Inspection(models.Model):
    institution = models.ForeignKey(
        Institution,
        verbose_name="机构",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="inspections",
    )
    unlicensed_site = models.ForeignKey(
        UnlicensedSite, verbose_name="无证无照点", null=True, blank=True, on_delete=models.CASCADE
    )
    area = models.ForeignKey("registry.Area", verbose_name="乡镇街道", on_delete=models.PROTECT)
    planned_on = models.DateField("计划日期", null=True, blank=True)
    inspected_on = models.DateField("检查日期", null=True, blank=True)
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="记录人", null=True, blank=True, on_delete=models.SET_NULL
    )
    # The officers on site (the law wants at least two: tutoring.inspection_min_inspectors).
    inspectors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name="检查人员", blank=True, related_name="tutoring_inspections"
    )
    findings = models.TextField("检查发现", blank=True)
    compliant = models.BooleanField("合规", null=True, blank=True)
    attachment = models.FileField("附件", upload_to="tutoring/inspections/", blank=True)
    is_reinspection = models.BooleanField("复查", default=False)

    class Meta:
        verbose_name = "检查"
        verbose_name_plural = "检查"
        ordering = ["-inspected_on", "-pk"]

    def __str__(self) -> str:
        return str(f"检查{self.inspected_on or self.planned_on}")


class ActionKind(models.TextChoices):
    RECTIFY = "rectify", "责令整改"
    SUSPEND = "suspend", "责令停业整顿"
    REVOKE = "revoke", "吊销办学许可证"
    CLOSE_UNLICENSED = "close_unlicensed", "取缔无证无照培训点"
    REFER = "refer", "移送其他部门"
    BLACKLIST = "blacklist", "列入黑名单"


class EnforcementAction(models.Model):
    institution = models.ForeignKey(
        Institution,
        verbose_name="机构",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="actions",
    )
    unlicensed_site = models.ForeignKey(
        UnlicensedSite, verbose_name="无证无照点", null=True, blank=True, on_delete=models.CASCADE
    )
    inspection = models.ForeignKey(
        Inspection,
        verbose_name="检查",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="actions",
    )
    area = models.ForeignKey("registry.Area", verbose_name="乡镇街道", on_delete=models.PROTECT)
    kind = models.CharField("处理措施", max_length=20, choices=ActionKind.choices)
    decided_on = models.DateField("决定日期", db_index=True)
    deadline = models.DateField("整改期限", null=True, blank=True)
    referred_to = models.CharField("移送部门", max_length=60, blank=True)
    note = models.CharField("说明", max_length=300, blank=True)
    completed_on = models.DateField("完成日期", null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="决定人", null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        verbose_name = "执法处理"
        verbose_name_plural = "执法处理"
        ordering = ["-decided_on", "-pk"]

    def __str__(self) -> str:
        return str(f"{self.get_kind_display()} {cn_date(self.decided_on)}")


class ComplaintStatus(models.TextChoices):
    NEW = "new", "待受理"
    ASSIGNED = "assigned", "办理中"  # accepted, handled by the bureau itself
    REFERRED = "referred", "已转办"  # accepted, handed to a town office or another unit
    REPLIED = "replied", "已答复"
    CLOSED = "closed", "已办结"


class Complaint(models.Model):
    institution = models.ForeignKey(
        Institution,
        verbose_name="被投诉机构",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="complaints",
    )
    institution_text = models.CharField("被投诉机构名称（填写）", max_length=100, blank=True)
    area = models.ForeignKey("registry.Area", verbose_name="所在乡镇街道", on_delete=models.PROTECT)
    topic = models.CharField("投诉类别", max_length=20)
    content = models.TextField("投诉内容", max_length=2000)
    contact_name = EncryptedTextField("联系人", max_length=32)
    contact_phone = EncryptedTextField("联系电话", max_length=16)
    submitted_on = models.DateField("提交日期", db_index=True)
    accept_deadline = models.DateField("受理期限", null=True, blank=True)
    accepted_on = models.DateField("受理日期", null=True, blank=True)
    deadline = models.DateField("办理期限")
    status = models.CharField("状态", max_length=10, choices=ComplaintStatus.choices, default="new")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="承办人", null=True, blank=True, on_delete=models.SET_NULL
    )
    referred_to = models.CharField("转办单位", max_length=60, blank=True)
    referred_area = models.ForeignKey(
        "registry.Area",
        verbose_name="转办乡镇街道",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reply = models.TextField("答复", blank=True)
    replied_on = models.DateField("答复日期", null=True, blank=True)
    rating = models.PositiveSmallIntegerField("满意度（1～5）", null=True, blank=True)
    tracking_code = models.CharField("查询码", max_length=12, unique=True)

    class Meta:
        verbose_name = "投诉"
        verbose_name_plural = "投诉"
        ordering = ["-submitted_on", "-pk"]
        indexes = [models.Index(fields=["status", "deadline"])]

    def __str__(self) -> str:
        return str(f"投诉{self.tracking_code}")


class ComplaintStep(models.TextChoices):
    SUBMIT = "submit", "提交投诉"
    ACCEPT = "accept", "受理"
    REFER = "refer", "转办"
    INVESTIGATE = "investigate", "调查核实"
    REPLY = "reply", "答复"
    RATE = "rate", "评价"


class ComplaintEvent(models.Model):
    """One step of a complaint's handling, with who did it and when (the parent's tracking page
    reads these in plain words; the audit trail records them too)."""

    complaint = models.ForeignKey(
        Complaint, verbose_name="投诉", on_delete=models.CASCADE, related_name="events"
    )
    step = models.CharField("环节", max_length=12, choices=ComplaintStep.choices)
    at = models.DateTimeField("时间", db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="办理人", null=True, blank=True, on_delete=models.SET_NULL
    )
    note = models.TextField("说明", blank=True, max_length=4000)
    referred_to = models.CharField("转办单位", max_length=60, blank=True)
    investigators = models.CharField("调查人员", max_length=100, blank=True)
    investigated_on = models.DateField("调查日期", null=True, blank=True)
    findings = models.TextField("调查发现", blank=True, max_length=4000)
    evidence = models.TextField("证据材料", blank=True, max_length=2000)

    class Meta:
        verbose_name = "投诉办理记录"
        verbose_name_plural = "投诉办理记录"
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return str(f"{self.get_step_display()} {cn_date(self.at)}")
