"""user_create: the scope anchor, the password rules, who may create whom, and the audit trail."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from edugov.accounts.models import Role, User
from edugov.accounts.services import user_create
from edugov.audit.models import AuditEvent
from edugov.common.errors import DomainError, PermissionDenied
from edugov.registry.models import Teacher
from edugov.testing import make_mini_district

pytestmark = pytest.mark.django_db

GOOD = "Edugov@2026x"


@pytest.fixture
def d():
    return make_mini_district()


def test_district_admin_creates_school_admin_audited_without_hash(d):
    admin = d.users[Role.DISTRICT_ADMIN]
    user = user_create(
        actor=admin, username="school_b_admin", role=Role.SCHOOL_ADMIN, password=GOOD, school=d.school_b
    )
    assert user.check_password(GOOD) and user.school == d.school_b
    event = AuditEvent.objects.get(action="create", model="accounts.User")
    assert event.object_id == str(user.pk)
    assert event.changes["after"]["username"] == "school_b_admin"
    assert "password" not in event.changes["after"]
    assert event.area_path == d.town_b.path


def test_teacher_account_takes_the_teachers_school(d):
    teacher = Teacher.objects.create(school=d.school_b, staff_number="T777", name="李老师", sex="M")
    user = user_create(actor=None, username="t2", role=Role.TEACHER, password=GOOD, teacher=teacher)
    assert user.school == d.school_b


@pytest.mark.parametrize(
    ("role", "anchors", "message"),
    [
        (Role.LEADER, {}, "局领导（只读）账号必须指定管辖区域"),
        (Role.SCHOOL_ADMIN, {}, "学校管理员账号必须指定所属学校"),
        (Role.TEACHER, {}, "教师账号必须指定对应的教师"),
        (Role.INSTITUTION_OPERATOR, {}, "培训机构人员账号必须指定所属培训机构"),
        (Role.DEPARTMENT_OFFICER, {"area": "district"}, "科室人员账号必须指定科室"),
        (Role.SCHOOL_ADMIN, {"area": "district"}, "学校管理员账号不应指定管辖区域"),
        ("janitor", {}, "未知的角色“janitor”"),
    ],
)
def test_anchor_rules(d, role, anchors, message):
    anchors = {k: getattr(d, v) for k, v in anchors.items()}
    with pytest.raises(DomainError) as exc:
        user_create(actor=None, username="x1", role=role, password=GOOD, **anchors)
    assert exc.value.message == message
    assert not User.objects.filter(username="x1").exists()


def test_password_rules_apply(d):
    with pytest.raises(DomainError) as exc:
        user_create(actor=None, username="x2", role=Role.LEADER, password="short", area=d.district)
    assert exc.value.message.startswith("密码不符合要求：")
    assert "密码太短，至少需要10个字符。" in exc.value.message


def test_only_district_admins_create_and_only_inside_their_area(d):
    with pytest.raises(PermissionDenied) as exc:
        user_create(
            actor=d.users[Role.SCHOOL_ADMIN],
            username="x3",
            role=Role.TEACHER,
            password=GOOD,
            teacher=d.teacher_a,
        )
    assert exc.value.message == "只有区县管理员可以创建账号"
    town_admin = User.objects.create(username="town_admin", role=Role.DISTRICT_ADMIN, area=d.town_a)
    with pytest.raises(PermissionDenied):
        user_create(actor=town_admin, username="x4", role=Role.SCHOOL_ADMIN, password=GOOD, school=d.school_b)
    with pytest.raises(PermissionDenied):
        user_create(actor=town_admin, username="x5", role=Role.LEADER, password=GOOD, area=d.district)
    assert not User.objects.filter(username__in=["x3", "x4", "x5"]).exists()


@pytest.mark.parametrize("username", ["", "  ", "bad name", "x" * 151])
def test_bad_usernames(d, username):
    with pytest.raises(DomainError):
        user_create(actor=None, username=username, role=Role.LEADER, password=GOOD, area=d.district)


def test_duplicate_username_case_insensitive(d):
    existing = d.users[Role.LEADER].username
    with pytest.raises(DomainError) as exc:
        user_create(actor=None, username=existing.upper(), role=Role.LEADER, password=GOOD, area=d.district)
    assert "已被使用" in exc.value.message


def test_create_user_command(d, monkeypatch, capsys):
    monkeypatch.setenv("EDUGOV_NEW_PASSWORD", GOOD)
    call_command(
        "create_user",
        "kz_officer",
        "--role",
        "department_officer",
        "--area",
        "310101",
        "--department",
        "basic_education",
    )
    user = User.objects.get(username="kz_officer")
    assert user.area == d.district and user.check_password(GOOD)
    event = AuditEvent.objects.get(action="create", model="accounts.User")
    assert (event.source, event.actor) == ("command", None)
    assert "已创建账号 kz_officer" in capsys.readouterr().out
    with pytest.raises(CommandError, match="未找到学校“0000000000”"):
        call_command("create_user", "x6", "--role", "school_admin", "--school", "0000000000")
    monkeypatch.setenv("EDUGOV_NEW_PASSWORD", "abc")
    with pytest.raises(CommandError, match="密码不符合要求"):
        call_command("create_user", "x7", "--role", "leader", "--area", "310101")
