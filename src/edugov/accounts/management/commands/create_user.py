"""`edugov create_user USERNAME --role ROLE ...`: create an account from the command line.

The password is asked for twice (or read from the EDUGOV_NEW_PASSWORD environment variable for
scripts, never from the command line where other users of the machine could read it)."""

from __future__ import annotations

import getpass
import os
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from edugov.accounts.models import Department, Role
from edugov.accounts.services import user_create
from edugov.audit.context import acting
from edugov.common.errors import DomainError
from edugov.registry.models import Area, School, Teacher


class Command(BaseCommand):
    help = (
        "创建用户账号（数据范围：区县/科室/督学/领导用 --area，"
        "学校管理员用 --school，教师用 --school 与 --teacher）"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="用户名")
        parser.add_argument("--role", required=True, choices=Role.values, help="角色")
        parser.add_argument("--area", help="管辖区域的区划代码")
        parser.add_argument("--school", help="学校标识码（学校管理员、教师）")
        parser.add_argument("--teacher", help="教职工号（教师，与 --school 一起使用）")
        parser.add_argument("--institution", type=int, help="培训机构ID")
        parser.add_argument("--department", choices=Department.values, default="", help="科室")
        parser.add_argument("--display-name", default="", help="显示名称")
        parser.add_argument("--phone", default="", help="手机号")

    def _get(self, model: Any, what: str, **lookup: Any) -> Any:
        obj = model._default_manager.filter(**lookup).first()
        if obj is None:
            raise CommandError(f"未找到{what}“{next(iter(lookup.values()))}”")
        return obj

    def _password(self) -> str:
        env = os.environ.get("EDUGOV_NEW_PASSWORD")
        if env:
            return env
        first = getpass.getpass("密码：")
        if first != getpass.getpass("再次输入密码："):
            raise CommandError("两次输入的密码不一致")
        return first

    def handle(self, *args: Any, **options: Any) -> None:
        area = self._get(Area, "区划", code=options["area"]) if options["area"] else None
        school = self._get(School, "学校", code=options["school"]) if options["school"] else None
        teacher = None
        if options["teacher"]:
            if school is None:
                raise CommandError("指定教师时须同时用 --school 指定学校")
            teacher = self._get(Teacher, "教师", school=school, staff_number=options["teacher"])
        password = self._password()
        try:
            with translation.override(settings.LANGUAGE_CODE), acting(actor=None, source="command"):
                user = user_create(
                    actor=None,
                    username=options["username"],
                    role=options["role"],
                    password=password,
                    area=area,
                    school=school,
                    teacher=teacher,
                    institution_id=options["institution"],
                    department=options["department"],
                    display_name=options["display_name"],
                    phone=options["phone"],
                )
        except DomainError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(self.style.SUCCESS(f"已创建账号 {user.username}（{user.get_role_display()}）"))
