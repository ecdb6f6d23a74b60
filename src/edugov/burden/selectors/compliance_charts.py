"""ECharts payloads of the compliance report, as plain data."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from .. import rules
from .compliance_types import DAILY_BIN, DAILY_BINS, ComplianceReport


def compliance_charts(report: ComplianceReport, *, heatmap_rows: int = 25) -> dict[str, Any]:
    """ECharts payloads as plain data: rate by grade, average vs limit by grade, weekly trend, and
    a heatmap of the classes most over the limit by week (value = average / limit)."""
    grades = report.by_grade
    by_class_week = {(c.class_id, c.week_start): c for c in report.class_weeks}
    top = report.over_classes[:heatmap_rows]
    heat = []
    for y, cls in enumerate(top):
        for x, wk in enumerate(report.weeks):
            cw = by_class_week.get((cls.class_id, wk))
            if cw is not None:
                heat.append([x, y, float(cw.average)])
    months: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for cw in report.class_weeks:
        slot = months[f"{cw.week_start:%Y-%m}"]  # a week belongs to the month of its Monday
        slot[0] += 1
        slot[1] += int(cw.over)
    month_keys = sorted(months)
    stages = (
        ("小学一、二年级（不布置书面作业）", range(1, 3)),
        ("小学三至六年级", range(3, 7)),
        ("初中", range(7, 10)),
    )
    dist_series = []
    for label, grades_in in stages:
        counts = [0] * DAILY_BINS
        for g in grades_in:
            for start, n in report.daily_bins.get(g, {}).items():
                counts[start // DAILY_BIN] += n
        total = sum(counts)
        if not total:
            continue
        limit = rules.written_limit(grades_in[0])
        suffix = f"（上限{limit.value:g}分钟）" if limit is not None and grades_in[0] >= 3 else ""
        dist_series.append(
            {"name": label + suffix, "data": [round(c * 100 / total, 1) for c in counts], "type": "bar"}
        )
    bins = [f"{i * DAILY_BIN}-{i * DAILY_BIN + DAILY_BIN - 1}" for i in range(DAILY_BINS - 1)]
    bins.append(f"{(DAILY_BINS - 1) * DAILY_BIN}以上")
    return {
        "month_trend": {
            "key": "month_trend",
            "kind": "line",
            "unit": "%",
            "categories": [f"{k[:4]}年{int(k[5:])}月" for k in month_keys],
            "series": [
                {
                    "name": "达标率",
                    "data": [round((m[0] - m[1]) * 100 / m[0], 1) for m in (months[k] for k in month_keys)],
                },
            ],
        },
        "daily_distribution": {
            "key": "daily_distribution",
            "kind": "bar",
            "unit": "%",
            "categories": bins,
            "series": dist_series,
        },
        "grade_rate": {
            "key": "grade_rate",
            "kind": "bar",
            "unit": "%",
            "categories": [g.name for g in grades],
            "series": [
                {"name": "达标率", "data": [float(g.rate * 100) if g.rate is not None else 0 for g in grades]}
            ],
        },
        "grade_minutes": {
            "key": "grade_minutes",
            "kind": "bar",
            "unit": "分钟",
            "categories": [g.name for g in grades],
            "series": [
                {"name": "周平均每天书面作业（分钟）", "data": [float(g.mean_average) for g in grades]},
                {"name": "上限", "data": [g.limit or 0 for g in grades], "type": "line"},
            ],
        },
        "week_trend": {
            "key": "week_trend",
            "kind": "line",
            "unit": "%",
            "categories": [g.name for g in report.by_week],
            "series": [
                {
                    "name": "达标率",
                    "data": [float(g.rate * 100) if g.rate is not None else None for g in report.by_week],
                }
            ],
        },
        "heatmap": {
            "key": "heatmap",
            "kind": "heatmap",
            "unit": "分钟",
            "categories": [f"{w:%m-%d}" for w in report.weeks],
            "rows": [f"{c.school_name} {c.class_name}" for c in top],
            "limits": [c.limit for c in top],
            "series": [{"name": "周平均每天书面作业", "data": heat}],
        },
    }
