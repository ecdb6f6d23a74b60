"""edugov homework_compliance [--year 2025] [--term 1] [--area CODE] [--engine E] [--warehouse DIR]
[--format text|json|xlsx|pdf] [--output FILE]

The weekly written-homework compliance (作业时长监测) of an area, or of everything, over a term: the
same figures as the page, computed on the operational database or, with --engine duckdb|spark
and --warehouse, over the warehouse's Parquet files at province scale. text and json print the
figures; xlsx and pdf are an alias of the registered report (`edugov report burden.compliance`)."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any, TextIO, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from edugov.audit.context import acting
from edugov.audit.models import AuditSource
from edugov.common.errors import DomainError
from edugov.common.progress import working
from edugov.indicators.backends import EngineError, database_engine
from edugov.indicators.commands import add_engine_arguments, warehouse_context, write_report
from edugov.registry.models import Area, SchoolYear, Term
from edugov.registry.selectors import current_school_year
from edugov.reports import report_download

from ...selectors import ComplianceGroup, ComplianceReport, homework_compliance


class _Everything:
    """The bureau's view: every class under the area asked for (the command filters by area)."""

    is_authenticated = is_active = is_superuser = True
    role = "district_admin"
    area = None
    school_id = teacher_id = institution_id = None


def _group(g: ComplianceGroup) -> dict[str, Any]:
    return {
        "key": g.key.isoformat() if isinstance(g.key, dt.date) else g.key,
        "name": g.name,
        "class_weeks": g.class_weeks,
        "over_weeks": g.over_weeks,
        "rate": None if g.rate is None else str(g.rate),
        "rate_percent": g.rate_percent,
        "mean_average": str(g.mean_average),
        "max_excess": str(g.max_excess),
        "classes": len(g.classes),
        "classes_over": len(g.classes_over),
    }


def report_dict(report: ComplianceReport, *, area: Area | None, engine: str) -> dict[str, Any]:
    return {
        "term": str(report.term),
        "start": report.start.isoformat(),
        "end": report.end.isoformat(),
        "area": area.code if area else "",
        "engine": engine,
        "classes": report.classes_total,
        "classes_publishing": report.classes_publishing,
        "escalate_after_weeks": report.escalate_after,
        "total": _group(report.total),
        "by_grade": [_group(g) for g in report.by_grade],
        "by_town": [_group(g) for g in report.by_town],
        "by_school": [_group(g) for g in report.by_school],
        "by_week": [_group(g) for g in report.by_week],
        "over_classes": [
            {
                "class_id": c.class_id,
                "class": c.class_name,
                "school": c.school_name,
                "town": c.town_name,
                "grade": c.grade,
                "limit": c.limit,
                "weeks_measured": c.weeks_measured,
                "weeks_over": c.weeks_over,
                "longest_run": c.longest_run,
                "max_average": str(c.max_average),
                "mean_excess": str(c.mean_excess),
                "escalated": c.escalated,
            }
            for c in report.over_classes
        ],
        "daily_bins": {
            str(g): {str(b): n for b, n in sorted(bins.items())} for g, bins in report.daily_bins.items()
        },
    }


def render_text(data: dict[str, Any]) -> str:
    total = data["total"]
    lines = [
        f"{data['term']} 书面作业时长监测（{data['start']} 至 {data['end']}，{data['engine']}）",
        f"班级 {data['classes']} 个，发布作业 {data['classes_publishing']} 个；"
        f"班级周 {total['class_weeks']} 个，超时 {total['over_weeks']} 个，达标率 {total['rate_percent']}",
        "",
        "年级\t班级周\t超时\t达标率\t周平均每天（分钟）",
    ]
    lines += [
        f"{g['name']}\t{g['class_weeks']}\t{g['over_weeks']}\t{g['rate_percent']}\t{g['mean_average']}"
        for g in data["by_grade"]
    ]
    lines += ["", "乡镇街道\t班级周\t超时\t达标率"]
    lines += [
        f"{g['name']}\t{g['class_weeks']}\t{g['over_weeks']}\t{g['rate_percent']}" for g in data["by_town"]
    ]
    escalated = [c for c in data["over_classes"] if c["escalated"]]
    lines += ["", f"连续{data['escalate_after_weeks']}周以上超时的班级：{len(escalated)} 个"]
    lines += [
        f"{c['school']} {c['class']}\t超时{c['weeks_over']}周，最长连续{c['longest_run']}周"
        for c in escalated[:50]
    ]
    return "\n".join(lines) + "\n"


def _term(year_arg: int | None, number: int | None) -> Term:
    year = SchoolYear.objects.filter(start_year=year_arg).first() if year_arg else current_school_year()
    if year is None:
        raise CommandError(f"学年不存在：{year_arg}" if year_arg else "系统中没有学年")
    terms = Term.objects.select_related("school_year").filter(school_year=year)
    if number is not None:
        term = terms.filter(number=number).first()
    else:
        today = timezone.localdate()
        term = (
            terms.filter(start_date__lte=today, end_date__gte=today).first()
            or terms.order_by("number").first()
        )
    if term is None:
        raise CommandError(f"{year}没有该学期")
    return term


class Command(BaseCommand):
    help = "作业时长监测：edugov homework_compliance --year 2025 --term 1 [--area 区县代码] [--engine ...]"
    requires_system_checks: list[str] = []  # a report: it must not depend on every app's URLs loading

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, help="学年起始年份，如 2025（默认当前学年）")
        parser.add_argument("--term", type=int, choices=(1, 2), help="学期（默认今天所在学期，否则第一学期）")
        parser.add_argument("--area", help="区划代码（默认全部）")
        add_engine_arguments(parser)
        parser.add_argument("--format", choices=("text", "json", "xlsx", "pdf"), default="text")
        parser.add_argument("--output", type=Path, help="输出文件（xlsx、pdf 必填；其余默认输出到屏幕）")

    def handle(self, *args: Any, **options: Any) -> None:
        term = _term(options["year"], options["term"])
        area = None
        if options["area"]:
            area = Area.objects.filter(code=options["area"]).first()
            if area is None:
                raise CommandError(f"区划代码不存在：{options['area']}")
        if options["format"] in ("xlsx", "pdf"):
            self._workbook(term, options)
            return
        engine = options["engine"] or database_engine()
        started = time.perf_counter()
        try:
            with (
                acting(source="command"),
                warehouse_context(options["warehouse"], options["engine"]),
                working(cast(TextIO, self.stderr._out), f"{area.name if area else '全部地区'}作业时长监测"),
            ):
                report = homework_compliance(
                    user=_Everything(), term=term, area_path=area.path if area else "", engine=engine
                )
        except EngineError as exc:
            raise CommandError(str(exc)) from None
        elapsed = time.perf_counter() - started
        data = report_dict(report, area=area, engine=engine)
        write_report(self, data, options=options, render_text=render_text, elapsed=elapsed, engine=engine)

    def _workbook(self, term: Term, options: dict[str, Any]) -> None:
        """The registered report burden.compliance, through the one audited download path."""
        if not options["output"]:
            raise CommandError(f"{options['format']} 格式须用 --output 指定输出文件")
        params = {"term": str(term.pk), "area": options["area"] or ""}
        try:
            with acting(source=AuditSource.COMMAND):
                file = report_download(None, "burden.compliance", options["format"], params)
        except DomainError as exc:
            raise CommandError(exc.message) from None
        options["output"].write_bytes(file.content)
        self.stderr.write(f"已写入 {options['output']}（{file.title}）")
