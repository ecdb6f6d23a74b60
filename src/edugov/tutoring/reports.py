"""The tutoring module's registered reports: the supervision report and the list exports."""

from __future__ import annotations

from edugov.reports import Param, register_report
from edugov.reports.registry import date, integer

from . import exports

register_report(
    "tutoring.supervision",
    "校外培训机构监管报表",
    action="tutoring.report_export",
    builder=exports.supervision_document,
    params=(Param("start", "统计起始日期", date), Param("end", "统计截止日期", date)),
    model="tutoring.RiskSnapshot",
)
register_report(
    "tutoring.institutions",
    "校外培训机构名单",
    action="tutoring.export",
    builder=exports.institutions_document,
    params=(
        Param("q", "名称或信用代码", default=""),
        Param("status", "状态", default=""),
        Param("category", "类别", default=""),
        Param("list_status", "名单", default=""),
    ),
    model="tutoring.Institution",
)
register_report(
    "tutoring.staff",
    "机构从业人员",
    action="tutoring.export",
    builder=exports.staff_document,
    params=(Param("institution", "机构", integer, required=True),),
    model="tutoring.Staff",
)
register_report(
    "tutoring.violations",
    "校外培训违规情况",
    action="tutoring.export",
    builder=exports.violations_document,
    model="tutoring.Course",
)
register_report(
    "tutoring.risk",
    "预收费风险排名",
    action="tutoring.export",
    builder=exports.risk_document,
    model="tutoring.RiskSnapshot",
)
