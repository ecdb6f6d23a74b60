"""Permission policy of supervision: who plans it, who scores schools under a plan, who reads the
plans and a school's own visit records.

Roles are compared here and nowhere else in the app. Supervision came out of rectification and is
still held with it (`module=`): inspectors, every department's officers and the schools hold the
rectification module, which its findings feed; the supervision office plans it.
"""

from __future__ import annotations

from typing import Any

from edugov.accounts.models import Department, Module, Role, User
from edugov.accounts.policy import BUREAU_ROLES, Policy, Rule, register_policy, role_may
from edugov.accounts.scope import write_scoped

OFFICE = frozenset({Role.DISTRICT_ADMIN, Role.DEPARTMENT_OFFICER})
SUPERVISION_OFFICE = frozenset({Department.SUPERVISION_OFFICE})
HELD_WITH = Module.RECTIFICATION

M = "supervision"


def action(name: str) -> str:
    return f"{M}.{name}"


def _plan_fully_writable(actor: User, plan: Any) -> bool:
    """A planner whose write scope holds the plan's area and every one of its schools (a town-level
    administrator sees a district plan's schools in the town, but may not re-plan the others)."""
    if plan is None or actor.is_superuser:
        return True
    from edugov.registry.models import Area, School

    if not write_scoped(Area, actor).filter(pk=plan.area_id).exists():
        return False
    return not plan.schools.exclude(pk__in=write_scoped(School, actor).values("pk")).exists()


def _plans_or_inspects(actor: User, plan: Any) -> bool:
    """Supervision planners, and the inspectors assigned to the plan."""
    if actor.is_superuser or role_may(actor, action("plan_create")):
        return True
    return bool(
        actor.role == Role.INSPECTOR and plan is not None and plan.inspectors.filter(pk=actor.pk).exists()
    )


def is_inspector(person: User) -> bool:
    """Whether an account may be assigned to a plan as its inspector (督学)."""
    return bool(person.role == Role.INSPECTOR)


POLICY = register_policy(
    Policy(
        M,
        {
            "plan_view": Rule("查看督导检查", BUREAU_ROLES, scope="read", module=HELD_WITH),
            "school_visits": Rule(
                "查看本校督导记录", frozenset({Role.SCHOOL_ADMIN}), scope="read", module=HELD_WITH
            ),
            "plan_create": Rule("制定督导计划", OFFICE, departments=SUPERVISION_OFFICE, module=HELD_WITH),
            "plan_edit": Rule(
                "修改督导计划",
                OFFICE,
                departments=SUPERVISION_OFFICE,
                check=_plan_fully_writable,
                module=HELD_WITH,
            ),
            "visit_save": Rule(
                "督导评分", OFFICE | {Role.INSPECTOR}, check=_plans_or_inspects, module=HELD_WITH
            ),
        },
    )
)
