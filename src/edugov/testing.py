"""Test builders shared by every app's tests: a small district built through the real services."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.test import override_settings

from edugov.accounts.models import Role, User
from edugov.registry import services as registry_services
from edugov.registry.models import (
    Area,
    AreaLevel,
    School,
    SchoolClass,
    SchoolType,
    SchoolYear,
    Teacher,
    TeachingAssignment,
    Term,
)

PASSWORD = "Edugov-Test-2026!"
_codes = itertools.count(1)
# Schools made here take codes 3144000001 upwards, from their own counter: a long test process
# makes thousands. Codes from 3144900000 up are left to the tests' own literals (a school "to be
# created", an unknown code), which a made school would otherwise meet once the count got there.
_school_codes = itertools.count(1)
TEST_CODES_FROM = 3144900000


def make_school_year(start_year: int = 2025, *, current: bool = True) -> SchoolYear:
    year, _ = SchoolYear.objects.get_or_create(
        start_year=start_year,
        defaults={
            "start_date": dt.date(start_year, 9, 1),
            "end_date": dt.date(start_year + 1, 8, 31),
            "is_current": current,
        },
    )
    Term.objects.get_or_create(
        school_year=year,
        number=1,
        defaults={"start_date": dt.date(start_year, 9, 1), "end_date": dt.date(start_year + 1, 1, 20)},
    )
    Term.objects.get_or_create(
        school_year=year,
        number=2,
        defaults={"start_date": dt.date(start_year + 1, 2, 20), "end_date": dt.date(start_year + 1, 7, 5)},
    )
    return year


def make_school(
    *,
    town: Area,
    name: str | None = None,
    school_type: str = SchoolType.PRIMARY,
    urban_rural_code: str = "111",
    **extra: Any,
) -> School:
    n = next(_school_codes)
    if 3144000000 + n >= TEST_CODES_FROM:
        raise RuntimeError("make_school: the codes left to made schools are used up")
    return registry_services.school_create(
        code=extra.pop("code", f"{3144000000 + n:010d}"),
        name=name or f"测试第{n}小学",
        school_type=school_type,
        ownership=extra.pop("ownership", "public"),
        urban_rural_code=urban_rural_code,
        area=town,
        **extra,
    )


def make_class(
    *, school: School, year: SchoolYear, grade: int = 3, number: int = 1, boys: int = 20, girls: int = 20
) -> SchoolClass:
    return SchoolClass.objects.create(
        school=school,
        school_year=year,
        grade=grade,
        number=number,
        boys=boys,
        girls=girls,
        name=f"{grade}年级{number}班",
    )


def make_user(role: str, *, username: str | None = None, **anchors: Any) -> User:
    user = User(username=username or f"{role}-{next(_codes)}", role=role, **anchors)
    user.set_password(PASSWORD)
    user.full_clean()
    user.save()
    return user


@dataclass
class MiniDistrict:
    """Two towns, two schools (one each), a teaching point, classes, a teacher, and one user per
    role anchored at town A / school A. Scope tests ask these users for town B's rows."""

    year: SchoolYear
    city: Area
    district: Area
    town_a: Area
    town_b: Area
    school_a: School
    school_b: School
    point_a: School
    class_a1: SchoolClass
    class_a2: SchoolClass
    class_b1: SchoolClass
    teacher_a: Teacher
    users: dict[str, User]


def make_mini_district() -> MiniDistrict:
    year = make_school_year()
    province = registry_services.area_create(code="31", name="测试省", level=AreaLevel.PROVINCE)
    city = registry_services.area_create(code="3101", name="测试市", level=AreaLevel.CITY, parent=province)
    district = registry_services.area_create(
        code="310101", name="测试区", level=AreaLevel.DISTRICT, parent=city
    )
    town_a = registry_services.area_create(
        code="310101001", name="甲街道", level=AreaLevel.TOWN, parent=district
    )
    town_b = registry_services.area_create(
        code="310101002", name="乙镇", level=AreaLevel.TOWN, parent=district
    )
    school_a = make_school(town=town_a, name="甲街道第一小学")
    school_b = make_school(town=town_b, name="乙镇中心小学", urban_rural_code="121")
    point_a = make_school(
        town=town_a,
        name="甲街道某村教学点",
        urban_rural_code="220",
        is_teaching_point=True,
        central_school=school_a,
    )
    class_a1 = make_class(school=school_a, year=year, number=1)
    class_a2 = make_class(school=school_a, year=year, number=2)
    class_b1 = make_class(school=school_b, year=year, number=1)
    teacher_a = Teacher.objects.create(
        school=school_a,
        staff_number="T001",
        name="王老师",
        sex="F",
        id_number="310101198001011234",
        phone="13800001234",
    )
    TeachingAssignment.objects.create(teacher=teacher_a, school_class=class_a1, subject="语文")
    users = {
        Role.DISTRICT_ADMIN: make_user(Role.DISTRICT_ADMIN, area=district),
        Role.DEPARTMENT_OFFICER: make_user(
            Role.DEPARTMENT_OFFICER, area=district, department="basic_education"
        ),
        "town_officer": make_user(Role.DEPARTMENT_OFFICER, area=town_a, department="basic_education"),
        Role.INSPECTOR: make_user(Role.INSPECTOR, area=town_a),
        Role.LEADER: make_user(Role.LEADER, area=district),
        Role.SCHOOL_ADMIN: make_user(Role.SCHOOL_ADMIN, school=school_a),
        Role.TEACHER: make_user(Role.TEACHER, school=school_a, teacher=teacher_a),
        Role.INSTITUTION_OPERATOR: make_user(Role.INSTITUTION_OPERATOR, institution_id=1),
    }
    return MiniDistrict(
        year,
        city,
        district,
        town_a,
        town_b,
        school_a,
        school_b,
        point_a,
        class_a1,
        class_a2,
        class_b1,
        teacher_a,
        users,
    )


def login(client: Any, user: User) -> Any:
    """Sign a test client in as `user` (through the model backend: axes' own backend wants a request)."""
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


# The keys of MiniDistrict.users, for parametrizing at collection time (a test checks they agree).
MINI_DISTRICT_USERS = [*Role.values, "town_officer"]


def policy_role_expects(user: User, action: str) -> bool:
    """What a module's declaration says of `user`'s role, module and department for `action`,
    worked out from the rule itself (not by asking the policy)."""
    from edugov.accounts.policy import SYSTEM_MODULE, rule_for

    rule = rule_for(action)
    if user.is_superuser:
        return True
    module = rule.module or action.partition(".")[0]
    if user.role not in rule.roles or (module != SYSTEM_MODULE and module not in user.modules):
        return False
    return not (
        rule.departments is not None
        and user.role == Role.DEPARTMENT_OFFICER
        and user.department not in rule.departments
    )


def policy_expects(user: User, action: str, target: Any = None) -> bool:
    """What a module's declaration says of `user` doing `action` (on `target`), worked out from the
    rule itself (its roles, module, departments, scope and check), not by asking the policy: the
    role x action matrix tests compare each entry point's answer with this."""
    from django.db import models

    from edugov.accounts.policy import rule_for
    from edugov.accounts.scope import scoped, write_scoped

    if not policy_role_expects(user, action):
        return False
    if user.is_superuser:
        return True
    rule = rule_for(action)
    if isinstance(target, models.Model) and target.pk is not None:
        rows = type(target)._default_manager.filter(pk=target.pk)
        if not (write_scoped(rows, user) if rule.scope == "write" else scoped(rows, user)).exists():
            return False
    return rule.check is None or bool(rule.check(user, target))


def settings_for_tests(media_root: Path) -> dict[str, Any]:
    """The settings every test runs under (the root conftest.py applies them around each test): uploads
    in `media_root`, tasks run inline, login throttling on, files on disk, fast password hashing."""
    return {
        "MEDIA_ROOT": media_root,
        "TASKS": {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
        "AXES_ENABLED": True,
        "STORAGES": {
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
        # Production hashing costs ~100 ms per user; tests build dozens of users.
        "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
    }


@contextmanager
def rows_shared_by_tests(django_db_blocker: Any, media_root: Path) -> Iterator[None]:
    """Rows built once for a test module (or session) instead of once per test. Use it in a
    module-scoped fixture that asks for `django_db_setup`:

        @pytest.fixture(scope="module")
        def district(django_db_setup, django_db_blocker, tmp_path_factory):
            with rows_shared_by_tests(django_db_blocker, tmp_path_factory.mktemp("media")):
                yield demo_build(...)

    What is built inside sits in one transaction that is rolled back when the fixture ends. Each test
    (the `db` fixture, i.e. `django_db` without transaction=True) runs in a savepoint inside it, so what
    a test writes, a rebuild included, is rolled back after that test and the next one finds the rows
    as built. Not for `transaction=True` tests: they empty the tables."""
    with (
        django_db_blocker.unblock(),
        override_settings(**settings_for_tests(media_root)),
        transaction.atomic(),
    ):
        yield
        transaction.set_rollback(True)
