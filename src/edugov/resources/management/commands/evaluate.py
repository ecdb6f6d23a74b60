"""edugov evaluate balanced|preschool --year Y [--area CODE] [--engine E] [--format F] [--output FILE]

An alias of `edugov report resources.balanced|resources.preschool` that keeps its text output and
its --engine/--warehouse options: the document is built by the registered report, as on the page."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any, TextIO, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser

from edugov.audit.context import acting
from edugov.common.errors import DomainError
from edugov.common.progress import working
from edugov.indicators.backends import EngineError
from edugov.indicators.commands import add_engine_arguments, warehouse_context
from edugov.registry.models import Area, AreaLevel
from edugov.reports import Document, build_report, render, render_json

from ...selectors import school_year_for

FORMATS = ("text", "json", "xlsx", "pdf")


def render_text(report: Document) -> str:
    lines = [report.title, report.subtitle, ""]
    lines += [f"{k}：{v}" for k, v in report.summary]
    for s in report.sections:
        lines += ["", s.title]
        if s.note:
            lines.append(f"（{s.note}）")
        lines.append("\t".join(s.headers))
        lines += ["\t".join("" if v is None else str(v) for v in row) for row in s.rows]
    return "\n".join(lines) + "\n"


class Command(BaseCommand):
    help = "县域评估：edugov evaluate balanced|preschool --year 2025 [--area 区县代码] [--format ...]"
    requires_system_checks: list[str] = []  # a report: it must not depend on every app's URLs loading

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("evaluation", choices=("balanced", "preschool"))
        parser.add_argument("--year", help="学年起始年份，如 2025（默认当前学年）")
        parser.add_argument("--area", help="区县代码（默认第一个区县）")
        add_engine_arguments(parser)
        parser.add_argument("--format", choices=FORMATS, default="text")
        parser.add_argument("--output", type=Path, help="输出文件（xlsx、pdf 必填；其余默认输出到屏幕）")

    def handle(self, *args: Any, **options: Any) -> None:
        fmt = options["format"]
        if fmt in ("xlsx", "pdf") and not options["output"]:
            raise CommandError(f"{fmt} 格式须用 --output 指定输出文件")
        try:
            year = school_year_for(options["year"])
        except DomainError as exc:
            raise CommandError(exc.message) from None
        if options["area"]:
            area = Area.objects.filter(code=options["area"]).first()
            if area is None:
                raise CommandError(f"区划代码不存在：{options['area']}")
        else:
            area = Area.objects.filter(level=AreaLevel.DISTRICT).order_by("code").first()
            if area is None:
                raise CommandError("系统中没有区县")
        started = time.perf_counter()
        try:
            label = "优质均衡评估" if options["evaluation"] == "balanced" else "普及普惠评估"
            with (
                acting(source="cli"),
                warehouse_context(options.get("warehouse"), options["engine"]),
                working(cast(TextIO, self.stderr._out), f"{area.name}{year}{label}"),
            ):
                params = {"year": str(year.start_year), "area": area.code, "engine": options["engine"] or ""}
                report = build_report(None, f"resources.{options['evaluation']}", params)
        except (EngineError, DomainError) as exc:
            raise CommandError(str(getattr(exc, "message", exc))) from None
        elapsed = time.perf_counter() - started
        if fmt in ("xlsx", "pdf"):
            options["output"].write_bytes(render(report, fmt))
        else:
            text = render_json(report) if fmt == "json" else render_text(report)
            if options["output"]:
                options["output"].write_text(text, encoding="utf-8")
            else:
                self.stdout.write(text, ending="")
        if options["output"]:
            self.stderr.write(f"已写入 {options['output']}（计算用时 {elapsed:.2f} 秒）")
