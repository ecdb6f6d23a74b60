"""`edugov demo --seed N --scale S [--if-empty] [--reset]`: build the demo district."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from edugov.audit.context import acting
from edugov.audit.models import AuditSource
from edugov.common.errors import DomainError
from edugov.demo.services import demo_build, demo_login_rows, format_login_table


class Command(BaseCommand):
    help = "生成演示区县数据（同一种子生成的数据完全相同）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=1, help="随机种子（默认 1）")
        parser.add_argument(
            "--scale", type=float, default=1.0, help="规模倍数：1 为一个区县，50 约为一个省（默认 1）"
        )
        parser.add_argument("--if-empty", action="store_true", help="已有学校数据时什么也不做")
        parser.add_argument("--reset", action="store_true", help="先清除已有的演示数据再生成")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()

        def progress(name: str) -> None:
            if options["verbosity"] >= 2:
                self.stdout.write(f"  生成：{name}（{time.perf_counter() - started:.1f} 秒）")

        try:
            with acting(source=AuditSource.COMMAND):
                result = demo_build(
                    seed=options["seed"],
                    scale=options["scale"],
                    if_empty=options["if_empty"],
                    reset=options["reset"],
                    progress=progress,
                )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        if not result.built:
            self.stdout.write("已有学校数据，跳过生成演示数据。")
            return
        elapsed = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"演示数据已生成（种子 {result.seed}，规模 {result.scale:g}，用时 {elapsed:.1f} 秒）："
            )
        )
        for label, count in result.counts.items():
            self.stdout.write(f"  {label}：{count:,}")
        self.stdout.write("")
        self.stdout.write(format_login_table(demo_login_rows()))
