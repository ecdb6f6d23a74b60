"""The burden module's registered reports (DESIGN.md, "Reports: one registry")."""

from __future__ import annotations

from typing import TYPE_CHECKING

from edugov.accounts.anchors import home_anchor
from edugov.reports import Param, register_report
from edugov.reports.registry import integer

from . import report, selectors

if TYPE_CHECKING:
    from edugov.accounts.models import User


def first_month(reader: User) -> list[dict[str, str]]:
    """The month the compliance page's 月报 form offers first: its default term's latest week's."""
    term = selectors.default_term(user=reader)
    if term is None:
        return []
    return [{"month": f"{selectors.compliance_page(user=reader, term=term).latest_week:%Y-%m}"}]


def first_compliance(reader: User) -> list[dict[str, str]]:
    """The compliance page's export link: the default term, and a school account's own school."""
    term = selectors.default_term(user=reader)
    if term is None:
        return []
    anchor = home_anchor(reader)
    if anchor is not None and anchor.kind == "school":
        return [{"term": str(term.pk), "school": str(anchor.object_id)}]
    return [{"term": str(term.pk)}]


register_report(
    "burden.monthly",
    "双减工作监测月报",
    action="burden.monthly_report",
    builder=report.monthly_document,
    params=(Param("month", "月份（如2025-10）", required=True), Param("town", "乡镇（街道）", integer)),
    model="burden.Homework",
    first_params=first_month,
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
    first_params=first_compliance,
)
