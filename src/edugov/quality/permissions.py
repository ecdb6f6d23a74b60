"""Permission policy of quality monitoring (质量监测·增值评价): who imports assessments and
results, who reads the district's bands and value-added, and the school's own page.

Roles are compared here and nowhere else in the app. Schools do not hold the quality module: their
own page is held with the registry (`module=`), which every school administrator holds."""

from __future__ import annotations

from edugov.accounts.models import Department, Module, Role
from edugov.accounts.policy import BUREAU_ROLES, Policy, Rule, register_policy

M = "quality"
OFFICE = frozenset({Role.DISTRICT_ADMIN, Role.DEPARTMENT_OFFICER})
BASIC_EDUCATION = frozenset({Department.BASIC_EDUCATION})


def action(name: str) -> str:
    return f"{M}.{name}"


POLICY = register_policy(
    Policy(
        M,
        {
            "view": Rule("查看质量监测与增值评价", BUREAU_ROLES, scope="read"),
            "school_view": Rule(
                "查看本校质量监测", frozenset({Role.SCHOOL_ADMIN}), scope="read", module=Module.REGISTRY
            ),
            "report": Rule("导出质量监测报告", BUREAU_ROLES, scope="read"),
            "import_assessments": Rule("导入测评", OFFICE, departments=BASIC_EDUCATION),
            "import_results": Rule("导入测评成绩", OFFICE, departments=BASIC_EDUCATION),
            "import_fitness": Rule("导入体质健康测试成绩", OFFICE, departments=BASIC_EDUCATION),
            "import_outcomes": Rule("登记中考、高考上线人数与师生获奖", OFFICE, departments=BASIC_EDUCATION),
            "fitness_export": Rule(
                "导出本校体质健康数据上报表",
                frozenset({Role.SCHOOL_ADMIN}),
                scope="write",
                module=Module.REGISTRY,
            ),
        },
    )
)
