"""edugov tutoring_risk_report [--date 2025-09-01] [--area CODE] [--engine E] [--warehouse DIR]
[--format text|json] [--output FILE]

Every institution's collapse-risk score and level on a day, computed on the operational database
or, with --engine duckdb|spark and --warehouse, over the warehouse's Parquet files at province
scale. Read-only: `edugov tutoring_risk` writes the day's snapshots and alerts."""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from edugov.audit.context import acting
from edugov.indicators.backends import EngineError, database_engine
from edugov.indicators.commands import add_engine_arguments, warehouse_context, write_report
from edugov.registry.models import Area

from ... import risk, risk_inputs
from ...models import Institution


def report_dict(
    results: dict[int, tuple[risk.RiskInput, risk.RiskResult]], *, on: dt.date, area: Area | None, engine: str
) -> dict[str, Any]:
    names = dict(Institution.objects.filter(pk__in=list(results)).values_list("pk", "name"))
    ordered = sorted(results.items(), key=lambda item: (-item[1][1].score, item[0]))
    levels = Counter(res.level for _, res in results.values())
    return {
        "date": on.isoformat(),
        "area": area.code if area else "",
        "engine": engine,
        "institutions": len(results),
        "levels": {level: levels.get(level, 0) for level in ("high", "medium", "low")},
        "scores": [
            {
                "institution_id": iid,
                "name": names.get(iid, ""),
                "score": res.score,
                "level": res.level,
                "coverage": None if res.coverage is None else round(res.coverage, 4),
                "unconsumed": str(data.unconsumed),
                "reasons": res.reasons,
            }
            for iid, (data, res) in ordered
        ],
    }


def render_text(data: dict[str, Any]) -> str:
    levels = data["levels"]
    lines = [
        f"{data['date']} 校外培训机构预收费风险（{data['engine']}）",
        f"机构 {data['institutions']} 家：高风险 {levels['high']}，中风险 {levels['medium']}，"
        f"低风险 {levels['low']}",
        "",
        "机构\t风险分\t等级\t原因",
    ]
    lines += [
        f"{s['name']}\t{s['score']}\t{s['level']}\t{'；'.join(s['reasons'])}"
        for s in data["scores"]
        if s["level"] != "low"
    ]
    return "\n".join(lines) + "\n"


class Command(BaseCommand):
    help = "校外培训机构某一日的风险分（只读）：edugov tutoring_risk_report --date 2025-09-01 [--engine ...]"
    requires_system_checks: list[str] = []  # a report: it must not depend on every app's URLs loading

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", default="", help="日期，如 2025-09-01；默认今天")
        parser.add_argument("--area", help="区划代码（默认全部机构）")
        add_engine_arguments(parser)
        parser.add_argument("--format", choices=("text", "json"), default="text")
        parser.add_argument("--output", type=Path, help="输出文件（默认输出到屏幕）")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            on = dt.date.fromisoformat(options["date"]) if options["date"] else timezone.localdate()
        except ValueError:
            raise CommandError("日期格式不正确，应如 2025-09-01") from None
        area = None
        ids = None
        if options["area"]:
            area = Area.objects.filter(code=options["area"]).first()
            if area is None:
                raise CommandError(f"区划代码不存在：{options['area']}")
            # The institutions registered under the area (names and areas come from the database).
            ids = list(
                Institution.objects.filter(area__path__startswith=area.path).values_list("pk", flat=True)
            )
        engine = options["engine"] or database_engine()
        started = time.perf_counter()
        try:
            with acting(source="command"), warehouse_context(options["warehouse"], options["engine"]):
                ws = risk_inputs.risk_workspace(engine)
                inputs = risk_inputs.compute_inputs(on=on, institution_ids=ids, ws=ws)
        except EngineError as exc:
            raise CommandError(str(exc)) from None
        results = {iid: (data, risk.score(data)) for iid, data in inputs.items()}
        elapsed = time.perf_counter() - started
        data = report_dict(results, on=on, area=area, engine=engine)
        write_report(self, data, options=options, render_text=render_text, elapsed=elapsed, engine=engine)
