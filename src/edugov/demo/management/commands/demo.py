"""`edugov demo --seed N --scale S [--today YYYY-MM-DD] [--if-empty] [--reset]`: build the demo
district, its current school year the one holding today (or the date given)."""

from __future__ import annotations

import argparse
import datetime as dt
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from edugov.audit.context import acting
from edugov.audit.models import AuditSource
from edugov.common.errors import DomainError
from edugov.demo.services import GeneratorDone, demo_build, demo_login_rows, format_login_table


class Command(BaseCommand):
    help = "生成演示区县数据（同一种子生成的数据完全相同）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=1, help="随机种子（默认 1）")
        parser.add_argument(
            "--scale", type=float, default=1.0, help="规模倍数：1 为一个区县，50 约为一个省（默认 1）"
        )
        parser.add_argument(
            "--today",
            type=_date,
            default=None,
            help="按哪一天生成（YYYY-MM-DD，默认今天）：当前学年为包含这一天的学年",
        )
        parser.add_argument("--if-empty", action="store_true", help="已有学校数据时什么也不做")
        parser.add_argument("--reset", action="store_true", help="先清除已有的演示数据再生成")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        today = options["today"]
        if isinstance(today, str):  # call_command(today="...") skips argparse's type conversion
            try:
                today = _date(today)
            except argparse.ArgumentTypeError as exc:
                raise CommandError(str(exc)) from exc

        quiet = options["verbosity"] < 1
        bar = None
        if not quiet and self.stdout.isatty():
            # A bar on a terminal; piped output (make demo | tee, CI logs) gets plain lines only.
            from tqdm import tqdm

            bar = tqdm(total=0, unit="步", desc="生成演示数据", file=self.stderr._out, leave=False)

        def progress(done: GeneratorDone) -> None:
            if quiet:
                return
            line = (
                f"  [{done.index}/{done.total}] {done.name}：{done.rows:,} 行，{done.seconds:.1f} 秒"
                f"（累计 {time.perf_counter() - started:.1f} 秒）"
            )
            if bar is not None:
                bar.total = done.total
                bar.update(1)
                bar.write(line, file=self.stdout._out)
            else:
                self.stdout.write(line)
                self.stdout.flush()

        if not quiet:
            self.stdout.write("正在生成演示数据（每一步完成时显示一行）：")
        try:
            with acting(source=AuditSource.COMMAND):
                result = demo_build(
                    seed=options["seed"],
                    scale=options["scale"],
                    if_empty=options["if_empty"],
                    reset=options["reset"],
                    today=today,
                    progress=progress,
                )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        finally:
            if bar is not None:
                bar.close()
        if not result.built:
            self.stdout.write("已有学校数据，跳过生成演示数据。")
            return
        elapsed = time.perf_counter() - started
        for warning in result.warnings:
            self.stderr.write(self.style.WARNING(f"注意：{warning}"))
        self.stdout.write(
            self.style.SUCCESS(
                f"演示数据已生成（种子 {result.seed}，规模 {result.scale:g}，日期 {result.today}，"
                f"用时 {elapsed:.1f} 秒）："
            )
        )
        for label, count in result.counts.items():
            self.stdout.write(f"  {label}：{count:,}")
        self.stdout.write("")
        self.stdout.write(format_login_table(demo_login_rows()))


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期格式应为 YYYY-MM-DD：{value}") from None
