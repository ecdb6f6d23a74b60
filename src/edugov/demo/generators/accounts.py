"""Demo accounts: one login per role (the logins everyone's docs and tests use) and a school
administrator account `s<school code>` for every school, for data officers to hand out."""

from __future__ import annotations

import string
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db.models import Q

from edugov.accounts.anchors import ROLE_ANCHORS
from edugov.accounts.models import Department, Role, ScopeGrant, User
from edugov.audit.models import AuditAction
from edugov.audit.services import audit_record
from edugov.registry.models import Area

from ..base import DemoContext, register_generator
from .registry import RegistryDemo

DEMO_PASSWORD = "Edugov@2026"
ZONE_TOWNS = 3  # the zone inspector covers three towns: its own and two granted


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    display_name: str
    department: str = ""
    staff: bool = False  # data officers use the admin site; nobody else is staff


# The anchors are set in build_accounts: area roles at the (first) district, school1 at its first
# urban primary school, teacher1 at one of that school's teachers, institution1 at institution 1.
DEMO_LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin("admin", Role.DISTRICT_ADMIN, "区教育局系统管理员", staff=True),
    DemoLogin(
        "officer_jc", Role.DEPARTMENT_OFFICER, "基础教育科科员", Department.BASIC_EDUCATION, staff=True
    ),
    DemoLogin(
        "officer_px",
        Role.DEPARTMENT_OFFICER,
        "校外培训监管科科员",
        Department.TUTORING_SUPERVISION,
        staff=True,
    ),
    DemoLogin("officer_aq", Role.DEPARTMENT_OFFICER, "安全科科员", Department.SAFETY),
    DemoLogin("inspector", Role.INSPECTOR, "责任督学"),
    # A zone inspector: anchored at the first town, granted the next two (scope grants as data).
    DemoLogin("inspector_zone", Role.INSPECTOR, "片区责任督学"),
    DemoLogin("leader", Role.LEADER, "局领导"),
    DemoLogin("school1", Role.SCHOOL_ADMIN, "学校管理员"),
    DemoLogin("teacher1", Role.TEACHER, "教师"),
    DemoLogin("institution1", Role.INSTITUTION_OPERATOR, "培训机构管理员"),
)
DEMO_USERNAMES = tuple(login.username for login in DEMO_LOGINS)


def _password_hash(ctx: DemoContext) -> str:
    # Hashing is deliberately slow (~0.1 s); every demo account shares one published password,
    # so one hash with a seeded salt serves them all and keeps the build deterministic.
    rng = ctx.rng("accounts.salt")
    salt = "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(22))
    return make_password(DEMO_PASSWORD, salt=salt)


def build_accounts(ctx: DemoContext) -> None:
    reg: RegistryDemo = ctx.state["registry"]
    district = reg.districts[0]
    school1 = reg.first_urban_primary
    zone = [t for t in reg.towns if t.parent_id == district.pk][:ZONE_TOWNS]
    password = _password_hash(ctx)
    users: list[User] = []
    for login in DEMO_LOGINS:
        user = User(
            username=login.username,
            role=login.role,
            display_name=login.display_name,
            department=login.department,
            password=password,
            date_joined=ctx.reference_datetime,
        )
        kind = ROLE_ANCHORS[login.role].kind  # what the role's account hangs on
        if login.username == "inspector_zone":
            user.area = zone[0]
            user.display_name = f"{'、'.join(t.name for t in zone)}片区责任督学"
            user.has_grants = len(zone) > 1
        elif kind == "area":
            user.area = district
            user.display_name = f"{district.name}{login.display_name}"
        elif kind == "school":
            user.school = school1
            user.display_name = f"{school1.name}管理员"
        elif kind == "classes":
            user.school = school1
            user.teacher = reg.teacher1
            user.display_name = reg.teacher1.name
        else:
            user.institution_id = 1
        user.is_staff = login.staff
        users.append(user)
    users.extend(
        User(
            username=f"s{school.code}",
            role=Role.SCHOOL_ADMIN,
            display_name=f"{school.name}管理员",
            school=school,
            password=password,
            date_joined=ctx.reference_datetime,
        )
        for school in reg.schools
    )
    User.objects.bulk_create(users, batch_size=2000)
    ctx.count("账号", len(users))
    _grant_zone(zone)


def _grant_zone(zone: list[Area]) -> None:
    """The zone inspector's extra towns, granted by the district administrator."""
    inspector = User.objects.get(username="inspector_zone")
    admin = User.objects.get(username="admin")
    grants = [ScopeGrant(user=inspector, kind="area", object_id=t.pk, granted_by=admin) for t in zone[1:]]
    ScopeGrant.objects.bulk_create(grants)
    if grants:
        audit_record(
            action=AuditAction.CREATE,
            model_label="accounts.ScopeGrant",
            object_repr=f"{inspector.display_name}：{len(grants)}项数据范围授权（演示数据）",
            changes={"after": {"用户": inspector.username, "乡镇": [t.name for t in zone[1:]]}},
            area_path=admin.area.path if admin.area else "",
            actor=admin,
        )


def reset_accounts() -> None:
    """Accounts anchored to registry rows, and the demo logins; superusers stay."""
    User.objects.filter(is_superuser=False).filter(
        Q(area__isnull=False)
        | Q(school__isnull=False)
        | Q(teacher__isnull=False)
        | Q(username__in=DEMO_USERNAMES)
    ).delete()


register_generator("accounts", build_accounts, order=200, reset=reset_accounts)
