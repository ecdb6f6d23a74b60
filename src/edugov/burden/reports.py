"""The burden module's registered reports (DESIGN.md, "Reports: one registry")."""

from __future__ import annotations

from edugov.reports import Param, register_report
from edugov.reports.registry import integer

from . import report

register_report(
    "burden.monthly",
    "双减工作监测月报",
    action="burden.monthly_report",
    builder=report.monthly_document,
    params=(Param("month", "月份（如2025-10）", required=True), Param("town", "乡镇（街道）", integer)),
    model="burden.Homework",
)
register_report(
    "burden.compliance",
    "作业时长监测（学期）",
    action="burden.export",
    builder=report.compliance_workbook,
    params=(
        Param("term", "学期", integer),
        Param("town", "乡镇（街道）", integer),
        Param("school", "学校", report.school_id),
        Param("area", "区划代码"),
    ),
    model="burden.Homework",
)
