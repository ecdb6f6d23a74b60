"""Permission policy of school safety (校园安全): the bureau reads the district's safety; the safety
office (安全科) keeps the grid, inspects, sets holiday reminders and triages the public's reports;
schools keep their own cells and inspections; head teachers confirm their class's reminder.

Roles are compared here and nowhere else in the app. Schools and teachers hold it with the registry
(`module=`), where their schools and classes already are. A grid officer (网格员) is a teacher or a
school administrator given grants of the `grid_cell` anchor kind (anchors.py)."""

from __future__ import annotations

from edugov.accounts.models import Department, Module, Role
from edugov.accounts.policy import BUREAU_ROLES, Policy, Rule, register_policy

M = "safety"
OFFICE = frozenset({Role.DISTRICT_ADMIN, Role.DEPARTMENT_OFFICER})
SAFETY_OFFICE = frozenset({Department.SAFETY})
SCHOOL = frozenset({Role.SCHOOL_ADMIN})
TEACHER = frozenset({Role.TEACHER})
# The roles that may hold a grid cell (a grant of kind grid_cell).
GRID_OFFICER_ROLES = frozenset({Role.TEACHER, Role.SCHOOL_ADMIN})


def action(name: str) -> str:
    return f"{M}.{name}"


POLICY = register_policy(
    Policy(
        M,
        {
            "view": Rule("查看校园安全", BUREAU_ROLES, scope="read"),
            "school_view": Rule("查看本校安全", SCHOOL | TEACHER, scope="read", module=Module.REGISTRY),
            "cell_edit": Rule("维护安全网格", OFFICE, departments=SAFETY_OFFICE),
            "school_cell_edit": Rule("维护本校安全网格", SCHOOL, module=Module.REGISTRY),
            "inspect": Rule("登记隐患排查", OFFICE, departments=SAFETY_OFFICE),
            "school_inspect": Rule("登记本校隐患排查", SCHOOL, module=Module.REGISTRY),
            "holiday_edit": Rule("安排假期安全提醒", OFFICE, departments=SAFETY_OFFICE),
            "reminder_confirm": Rule("确认已发送假期提醒", TEACHER | SCHOOL, module=Module.REGISTRY),
            "water_edit": Rule("登记危险水域", OFFICE, departments=SAFETY_OFFICE),
            "report_handle": Rule("处理溺水隐患举报", OFFICE, departments=SAFETY_OFFICE),
            "report": Rule("下载校园安全报告", BUREAU_ROLES, scope="read"),
            "report_pay": Rule("登记举报奖励发放", OFFICE, departments=SAFETY_OFFICE),
            "drill": Rule("登记应急演练", OFFICE, departments=SAFETY_OFFICE),
            "school_drill": Rule("登记本校应急演练", SCHOOL, module=Module.REGISTRY),
            "lesson": Rule("登记安全教育课", OFFICE, departments=SAFETY_OFFICE),
            "school_lesson": Rule("登记本校安全教育课", SCHOOL, module=Module.REGISTRY),
            "patrol": Rule("登记水域巡查", OFFICE, departments=SAFETY_OFFICE),
            "school_patrol": Rule("登记本校周边水域巡查", SCHOOL, module=Module.REGISTRY),
            # Incidents: the safety office alone reads and writes the records; others see counts.
            "incident_view": Rule("查看安全事故记录", OFFICE, departments=SAFETY_OFFICE, scope="read"),
            "incident_edit": Rule("登记安全事故", OFFICE, departments=SAFETY_OFFICE),
        },
    )
)
