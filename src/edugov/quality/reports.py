"""The quality module's registered reports (DESIGN.md, "Reports: one registry")."""

from __future__ import annotations

from edugov.reports import Param, register_report
from edugov.reports.registry import integer

from . import report

register_report(
    "quality.report",
    "教育质量监测报告",
    action="quality.report",
    builder=report.quality_document,
    params=(
        Param("assessment", "测评", integer),
        Param("prior", "前测", integer),
        Param("post", "后测", integer),
    ),
    model="quality.Result",
)

register_report(
    "quality.fitness",
    "学生体质健康报告",
    action="quality.report",
    builder=report.fitness_document,
    params=(Param("year", "学年（起始年份）", integer),),
    model="quality.FitnessResult",
)
