"""The resources module's registered reports: the two county self-assessment data annexes."""

from __future__ import annotations

from edugov.reports import Param, register_report

from . import exports

_PARAMS = (
    Param("year", "学年起始年份（默认当前学年）"),
    Param("area", "区县代码（默认本人所在区县）"),
    Param("engine", "计算引擎（db、duckdb、spark）"),
)

register_report(
    "resources.balanced",
    "县域义务教育优质均衡发展自评数据表",
    action="resources.export",
    builder=exports.balanced_document,
    params=_PARAMS,
    model="resources.balanced",
)
register_report(
    "resources.preschool",
    "县域学前教育普及普惠自评数据表",
    action="resources.preschool_export",
    builder=exports.preschool_document,
    params=_PARAMS,
    model="resources.preschool",
)
