"""Users, their role, and the anchor of their data scope (area, school, teacher, institution)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q


class Role(models.TextChoices):
    DISTRICT_ADMIN = "district_admin", "区县管理员"
    DEPARTMENT_OFFICER = "department_officer", "科室人员"
    SCHOOL_ADMIN = "school_admin", "学校管理员"
    TEACHER = "teacher", "教师"
    INSTITUTION_OPERATOR = "institution_operator", "培训机构人员"
    INSPECTOR = "inspector", "督学"
    LEADER = "leader", "局领导（只读）"


class Department(models.TextChoices):
    BASIC_EDUCATION = "basic_education", "基础教育科"
    TUTORING_SUPERVISION = "tutoring_supervision", "校外培训监管科"
    SUPERVISION_OFFICE = "supervision_office", "督导室"
    PERSONNEL = "personnel", "人事科"
    PLANNING_FINANCE = "planning_finance", "计划财务科"
    SAFETY = "safety", "安全科"


class Module(models.TextChoices):
    REGISTRY = "registry", "基础信息"
    BURDEN = "burden", "双减监测"
    TUTORING = "tutoring", "校外培训监管"
    RESOURCES = "resources", "办学条件与均衡"
    RECTIFICATION = "rectification", "问题整改"
    WORKFORCE = "workforce", "教师队伍"
    FINANCE = "finance", "经费"
    SAFETY = "safety", "校园安全"


# What each department works on by default; a district administrator may grant more per user.
DEPARTMENT_MODULES: dict[str, frozenset[str]] = {
    Department.BASIC_EDUCATION: frozenset({Module.REGISTRY, Module.BURDEN, Module.RESOURCES}),
    Department.TUTORING_SUPERVISION: frozenset({Module.TUTORING}),
    Department.SUPERVISION_OFFICE: frozenset({Module.RECTIFICATION, Module.RESOURCES, Module.BURDEN}),
    Department.PERSONNEL: frozenset({Module.WORKFORCE, Module.REGISTRY}),
    Department.PLANNING_FINANCE: frozenset({Module.FINANCE, Module.RESOURCES}),
    Department.SAFETY: frozenset({Module.SAFETY}),
}


class User(AbstractUser):
    role = models.CharField("角色", max_length=24, choices=Role.choices)
    display_name = models.CharField("显示名称", max_length=64, blank=True)
    phone = models.CharField("手机号", max_length=16, blank=True)
    area = models.ForeignKey(
        "registry.Area",
        verbose_name="管辖区域",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text="区县、科室、督学、领导账号的数据范围",
    )
    department = models.CharField("科室", max_length=24, choices=Department.choices, blank=True)
    extra_modules = models.JSONField("额外模块权限", default=list, blank=True)
    school = models.ForeignKey(
        "registry.School",
        verbose_name="所属学校",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    teacher = models.OneToOneField(
        "registry.Teacher",
        verbose_name="对应教师",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    # The tutoring app owns institutions; the id is the anchor of an operator's scope.
    institution_id = models.PositiveBigIntegerField("所属培训机构", null=True, blank=True)
    # Kept by the grant services: most accounts hold no grant, and their pages skip the look-up.
    has_grants = models.BooleanField("有额外数据范围", default=False, editable=False)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"
        constraints = [
            models.CheckConstraint(
                name="user_scope_anchor",
                violation_error_message="角色缺少对应的数据范围（区域、学校、教师或机构）",
                condition=(
                    Q(is_superuser=True)
                    | Q(
                        role__in=["district_admin", "department_officer", "inspector", "leader"],
                        area__isnull=False,
                    )
                    | Q(role="school_admin", school__isnull=False)
                    | Q(role="teacher", teacher__isnull=False, school__isnull=False)
                    | Q(role="institution_operator", institution_id__isnull=False)
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def modules(self) -> frozenset[str]:
        from edugov.modules import declared_modules, modules_of_department

        every = frozenset(Module.values) | {m.code for m in declared_modules()}
        if self.role in (Role.DISTRICT_ADMIN, Role.LEADER) or self.is_superuser:
            return every
        if self.role == Role.DEPARTMENT_OFFICER:
            # Every department follows the rectification items of its own department.
            base = DEPARTMENT_MODULES.get(self.department, frozenset()) | {Module.RECTIFICATION}
            return base | modules_of_department(self.department) | frozenset(self.extra_modules)
        if self.role == Role.INSPECTOR:
            return frozenset({Module.RECTIFICATION, Module.BURDEN, Module.TUTORING, Module.RESOURCES})
        if self.role == Role.INSTITUTION_OPERATOR:
            return frozenset({Module.TUTORING, Module.RECTIFICATION})  # answers its own items
        return frozenset({Module.REGISTRY, Module.BURDEN, Module.RECTIFICATION})

    @property
    def is_read_only(self) -> bool:
        return self.role == Role.LEADER


class ScopeGrant(models.Model):
    """One more anchor of a user's scope beyond the one their account hangs on: an inspector
    covering three towns holds three area grants, a group head a school-group grant. The kinds are
    registered by the apps that own them (accounts.anchors); granting is an audited act."""

    user = models.ForeignKey(User, verbose_name="用户", on_delete=models.CASCADE, related_name="grants")
    kind = models.CharField("范围类型", max_length=32)
    object_id = models.PositiveBigIntegerField("对象编号")
    granted_by = models.ForeignKey(
        User, verbose_name="授权人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField("授权时间", auto_now_add=True)

    class Meta:
        verbose_name = "数据范围授权"
        verbose_name_plural = "数据范围授权"
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "object_id"], name="scope_grant_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.kind} #{self.object_id}"
