"""Permission policy of planning (学位·布局·建设): the bureau reads the places forecast, gaps, layout
and projects; the planning and finance office (计划财务科) keeps the figures, projects and forecasts.

Roles are compared here and nowhere else in the app. Schools do not hold the module."""

from __future__ import annotations

from edugov.accounts.models import Department, Role
from edugov.accounts.policy import BUREAU_ROLES, Policy, Rule, register_policy

M = "planning"
OFFICE = frozenset({Role.DISTRICT_ADMIN, Role.DEPARTMENT_OFFICER})
PLANNING = frozenset({Department.PLANNING_FINANCE})


def action(name: str) -> str:
    return f"{M}.{name}"


POLICY = register_policy(
    Policy(
        M,
        {
            "view": Rule("查看学位预测与布局", BUREAU_ROLES, scope="read"),
            "report": Rule("下载学位预测报告", BUREAU_ROLES, scope="read"),
            "import": Rule("导入人口、出生与住宅数据", OFFICE, departments=PLANNING),
            "edit": Rule("维护学校教室与建设项目", OFFICE, departments=PLANNING),
            "forecast_save": Rule("保存学位需求预测", OFFICE, departments=PLANNING),
        },
    )
)
