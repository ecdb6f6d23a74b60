"""edugov report NAME --format json|xlsx|pdf [--param k=v ...] [--user USERNAME] [--output FILE]
edugov report --list

Runs any registered report through the one audited download path: with --user, as that account
(its policy and scope); without, as the system (every row)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from edugov.accounts.models import User
from edugov.audit.context import acting
from edugov.audit.models import AuditSource
from edugov.common.errors import DomainError

from ...download import report_download
from ...registry import report_spec, report_specs
from ...writers import FORMATS


class Command(BaseCommand):
    help = "运行登记的报表：edugov report 名称 --format json|xlsx|pdf [--param 键=值] [--user 用户名]"
    requires_system_checks: list[str] = []  # a report: it must not depend on every app's URLs loading

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", nargs="?", help="报表名称，如 burden.monthly")
        parser.add_argument("--list", action="store_true", help="列出全部报表")
        parser.add_argument("--format", choices=FORMATS, default="json")
        parser.add_argument("--param", action="append", default=[], metavar="键=值", help="报表参数，可多次")
        parser.add_argument("--user", help="以该账号的权限和范围运行（默认系统：全部数据）")
        parser.add_argument("--output", type=Path, help="输出文件（xlsx、pdf 必填；json 默认输出到屏幕）")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["list"]:
            for spec in report_specs():
                names = " ".join(f"{p.name}{'*' if p.required else ''}" for p in spec.params)
                self.stdout.write(f"{spec.name}\t{spec.label}\t{spec.action}\t{names}")
            return
        name, fmt = options["name"], options["format"]
        if not name:
            raise CommandError("请给出报表名称，或用 --list 列出全部报表")
        if fmt != "json" and not options["output"]:
            raise CommandError(f"{fmt} 格式须用 --output 指定输出文件")
        params: dict[str, str] = {}
        for item in options["param"]:
            key, sep, value = item.partition("=")
            if not sep or not key.strip():
                raise CommandError(f"参数应写成 键=值：{item}")
            params[key.strip()] = value.strip()
        actor = None
        if options["user"]:
            actor = (
                User.objects.select_related("area", "school__area").filter(username=options["user"]).first()
            )
            if actor is None:
                raise CommandError(f"用户不存在：{options['user']}")
        try:
            spec = report_spec(name)
            unknown = sorted(set(params) - {p.name for p in spec.params})
            if unknown:
                raise CommandError(f"报表 {name} 没有参数：{'、'.join(unknown)}")
            with acting(source=AuditSource.COMMAND, actor=actor):
                file = report_download(actor, name, fmt, params)
        except DomainError as exc:
            raise CommandError(exc.message) from None
        if options["output"]:
            options["output"].write_bytes(file.content)
            self.stderr.write(f"已写入 {options['output']}（{file.title}）")
        else:
            self.stdout.write(file.content.decode("utf-8"), ending="\n")
