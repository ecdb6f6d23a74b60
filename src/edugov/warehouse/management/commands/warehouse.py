"""`edugov warehouse export DIR [--full] [--verify] [--tables a,b]`: write the warehouse (Parquet +
manifest).
`edugov warehouse evaluate DIR [--engine duckdb|spark] [--year 2025] [--area CODE]`: the 优质均衡
evaluation computed over the warehouse files."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any, TextIO, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser

from edugov.common.progress import ProgressBar, working
from edugov.warehouse.export import warehouse_export


class Command(BaseCommand):
    help = "数据仓库：导出 Parquet 分区文件，或在数据仓库上计算优质均衡评估"
    requires_system_checks: list[str] = []  # a data command: it must not depend on every app's URLs

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser("export", help="导出数据仓库（只重写有变化的分区）")
        export.add_argument("directory", help="数据仓库目录")
        export.add_argument("--full", action="store_true", help="全部分区重新导出")
        export.add_argument(
            "--verify", action="store_true", help="逐行核对每个分区的校验和（发现绕过审计的直接修改）"
        )
        export.add_argument("--tables", default="", help="只导出这些表（逗号分隔）")
        export.add_argument("--no-progress", action="store_true", help="不显示进度")
        evaluate = sub.add_parser("evaluate", help="在数据仓库上计算优质均衡评估")
        evaluate.add_argument("directory", help="数据仓库目录")
        evaluate.add_argument("--engine", default="duckdb", choices=["duckdb", "spark"])
        evaluate.add_argument("--year", type=int, help="学年起始年份（默认当前学年）")
        evaluate.add_argument("--area", help="区县区划代码（默认第一个区县）")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "export":
            self._export(options)
        else:
            self._evaluate(options)

    def _export(self, options: dict[str, Any]) -> None:
        tables = [t for t in options["tables"].split(",") if t] or None
        bar = (
            None
            if options["no_progress"]
            else ProgressBar(cast(TextIO, self.stderr._out), unit="张表", desc="导出")
        )
        try:
            result = warehouse_export(
                directory=Path(options["directory"]),
                tables=tables,
                full=options["full"],
                verify=options["verify"],
                progress=bar.update if bar is not None else None,
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        finally:
            if bar is not None:
                bar.close()
        size_mb = result.bytes / 1e6
        self.stdout.write(
            f"数据仓库已导出到 {result.directory}（用时 {result.seconds:.1f} 秒，共 {size_mb:.1f} MB）：\n"
            f"  重写分区 {len(result.written)} 个，未变化 {len(result.unchanged)} 个"
            f"（重新读取后未变 {len(result.read) - len(result.written)} 个），"
            f"删除 {len(result.removed)} 个"
        )
        for name, rows in sorted(result.rows.items()):
            self.stdout.write(f"  {name}：{rows:,} 行")

    def _evaluate(self, options: dict[str, Any]) -> None:
        from edugov.indicators.backends import use_warehouse
        from edugov.registry.models import Area, AreaLevel, SchoolYear
        from edugov.resources.evaluation import evaluate_balanced

        years = SchoolYear.objects.all()
        year = (
            years.filter(start_year=options["year"]).first()
            if options["year"]
            else years.filter(is_current=True).first()
        )
        areas = Area.objects.filter(level=AreaLevel.DISTRICT)
        area = (
            areas.filter(code=options["area"]).first() if options["area"] else areas.order_by("path").first()
        )
        if year is None or area is None:
            raise CommandError("找不到指定的学年或区县")
        started = time.perf_counter()
        with (
            use_warehouse(Path(options["directory"])),
            working(cast(TextIO, self.stderr._out), f"{area.name}{year}优质均衡评估（数据仓库）"),
        ):
            ev = evaluate_balanced(school_year=year, area=area, engine=options["engine"])
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"{area.name} {year} 优质均衡评估（{options['engine']}，数据仓库，用时 {seconds:.1f} 秒）"
        )
        for stage in ("primary", "junior"):
            passed, total = ev.passed_count(stage)
            self.stdout.write(f"  {stage}: 达标学校 {passed}/{total}")
        for cv in ev.cvs:
            self.stdout.write(f"  {cv.stage} {cv.code} 差异系数 {cv.cv}")
