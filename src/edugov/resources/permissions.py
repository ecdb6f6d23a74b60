"""Permission policy of 办学条件与均衡 (resources): who sees the 优质均衡 and 普及普惠 evaluations,
a school's or kindergarten's card, the what-if and the exports, and who imports their inputs."""

from __future__ import annotations

from typing import Any

from edugov.accounts.models import Module, Role
from edugov.accounts.policy import Policy, Rule, register_policy

# The district evaluations are the bureau's: its administrator, officers and the leader.
DISTRICT = frozenset({Role.DISTRICT_ADMIN, Role.DEPARTMENT_OFFICER, Role.LEADER})
OFFICE = frozenset({Role.DISTRICT_ADMIN, Role.DEPARTMENT_OFFICER})
SCHOOLS = OFFICE | {Role.SCHOOL_ADMIN}


def own_school(actor: Any, school: Any) -> bool:
    """A school's administrator sees its own school's card (not its teaching points')."""
    return school is None or school.pk == actor.school_id


POLICY = register_policy(
    Policy(
        Module.RESOURCES,
        {
            "view": Rule("查看优质均衡评估", DISTRICT, scope="read"),
            "whatif": Rule("优质均衡模拟测算", DISTRICT, scope="read"),
            "export": Rule("导出优质均衡评估", DISTRICT, scope="read"),
            "school_card": Rule("查看学校优质均衡卡片", DISTRICT, scope="read"),
            "preschool_view": Rule("查看普及普惠评估", DISTRICT, scope="read"),
            "preschool_export": Rule("导出普及普惠评估", DISTRICT, scope="read"),
            "kindergarten_card": Rule("查看幼儿园普及普惠卡片", DISTRICT, scope="read"),
            # School administrators have no resources module: their own cards sit with their data.
            "own_school_card": Rule(
                "查看本校优质均衡卡片",
                frozenset({Role.SCHOOL_ADMIN}),
                scope="read",
                module=Module.REGISTRY,
                check=own_school,
            ),
            "own_kindergarten_card": Rule(
                "查看本园普及普惠卡片",
                frozenset({Role.SCHOOL_ADMIN}),
                scope="read",
                module=Module.REGISTRY,
                check=own_school,
            ),
            # Schools submit facilities and teachers' yearly facts with their base statistics.
            "import_facilities": Rule("导入办学条件", SCHOOLS, module=Module.REGISTRY),
            "import_teacher_years": Rule("导入教师学年信息", SCHOOLS, module=Module.REGISTRY),
            "import_preschool_population": Rule("导入学前适龄人口", OFFICE),
            "import_inclusive_kindergartens": Rule("导入普惠性幼儿园认定", OFFICE),
        },
    )
)
