"""Permission policy of rectification: who may raise items and move them through the workflow, rank
units, plan key tasks, link leaders to schools and record leaders' visits (supervision is its
own module: edugov.supervision).

Roles are compared here and nowhere else in the app. Predicates (`check=`) say what roles cannot:
a department officer acts on its own department's items, a unit on its own items, a leader on
their own visit records only.
"""

from __future__ import annotations

from typing import Any

from edugov.accounts.models import Department, Role
from edugov.accounts.policy import (
    ALL_ROLES,
    BUREAU_ROLES,
    BUREAU_WRITERS,
    Policy,
    Rule,
    register_policy,
    role_may,
)
from edugov.accounts.scope import ScopeError, write_scoped
from edugov.common.errors import PermissionDenied

OFFICE = frozenset({Role.DISTRICT_ADMIN, Role.DEPARTMENT_OFFICER})
UNIT_ROLES = frozenset({Role.SCHOOL_ADMIN, Role.INSTITUTION_OPERATOR})
# Officers and the units that answer items: who works the loop.
ITEM_WORKERS = BUREAU_WRITERS | UNIT_ROLES
SUPERVISION = frozenset({Department.SUPERVISION_OFFICE})

M = "rectification"


def action(name: str) -> str:
    return f"{M}.{name}"


# Predicates -------------------------------------------------------------------------------------


def is_officer_for(actor: Any, item: Any) -> bool:
    """Officers act on items in their area (scope); a department officer on its department's items
    (the supervision office, which runs the loop, on all of them)."""
    if actor.is_superuser:
        return True
    if actor.role in (Role.DISTRICT_ADMIN, Role.INSPECTOR):
        return True
    if actor.role == Role.DEPARTMENT_OFFICER:
        return item is None or actor.department in (item.department, Department.SUPERVISION_OFFICE)
    return False


def is_unit_user_for(actor: Any, item: Any) -> bool:
    """The responsible person, the school's administrators (scope limits them to their school and
    its teaching points) or the institution's operators."""
    if item is None:
        return actor.role in UNIT_ROLES
    if item.responsible_person_id and item.responsible_person_id == actor.pk:
        return True
    if actor.role == Role.SCHOOL_ADMIN and item.school_id is not None:
        return True
    if actor.role == Role.INSTITUTION_OPERATOR and item.institution_id is not None:
        return bool(actor.institution_id == item.institution_id)
    return False


def _area_item(item: Any) -> bool:
    # An area (town) has no unit account: its officers act for it.
    from .models import UnitKind

    return item is not None and item.unit_kind == UnitKind.AREA


def _officer_side(actor: Any, item: Any) -> bool:
    return is_officer_for(actor, item)


def _officer_or_unit_side(actor: Any, item: Any) -> bool:
    """START: the officers, or the unit."""
    return is_officer_for(actor, item) or is_unit_user_for(actor, item)


def _unit_side(actor: Any, item: Any) -> bool:
    """SUBMIT: the unit, or for an area item (no unit account) its officers."""
    return is_unit_user_for(actor, item) or (_area_item(item) and is_officer_for(actor, item))


def may_be_responsible(person: Any, item: Any) -> bool:
    """Whom an item may be assigned to: the school's (or its central school's) administrator, the
    institution's operator, or for an area item an officer over that area."""
    from .models import UnitKind

    if not person.is_active:
        return False
    if item.unit_kind == UnitKind.SCHOOL:
        return person.role == Role.SCHOOL_ADMIN and person.school_id in (
            item.school_id,
            item.school.central_school_id,
        )
    if item.unit_kind == UnitKind.INSTITUTION:
        return bool(person.role == Role.INSTITUTION_OPERATOR and person.institution_id == item.institution_id)
    return bool(
        person.role in BUREAU_WRITERS
        and person.area_id is not None
        and item.area.path.startswith(person.area.path)
    )


def may_own_task(person: Any, *, goal: Any, department: str, school: Any) -> bool:
    """A key task's owner account: an officer of the task's department (or a district
    administrator) within the goal's area, or, for a school-led task, that school's (or its central
    school's) administrator."""
    if not person.is_active:
        return False
    if person.role == Role.SCHOOL_ADMIN:
        return school is not None and person.school_id in (school.pk, school.central_school_id)
    if person.area_id is None or not person.area.path.startswith(goal.area.path):
        return False
    return bool(
        person.role == Role.DISTRICT_ADMIN
        or (person.role == Role.DEPARTMENT_OFFICER and person.department == department)
    )


def _owns_goal(actor: Any, obj: Any) -> bool:
    """A planner changes the tasks (and milestones) of goals in their own write scope: a town
    officer sees a district goal's school-led tasks but does not own the goal."""
    if obj is None or actor.is_superuser:
        return True
    from .models import KeyTask, Milestone, TaskGoal

    if isinstance(obj, TaskGoal):
        goal_id = obj.pk
    elif isinstance(obj, KeyTask):
        goal_id = obj.goal_id
    elif isinstance(obj, Milestone):
        goal_id = obj.task.goal_id
    else:
        return False
    return write_scoped(TaskGoal, actor).filter(pk=goal_id).exists()


def _may_report(actor: Any, milestone: Any) -> bool:
    """Planners, the task's department officers, the owner, and the leading school's administrators."""
    if milestone is None or actor.is_superuser or actor.role == Role.DISTRICT_ADMIN:
        return True
    task = milestone.task
    if actor.pk in (milestone.owner_id, task.owner_id):
        return True
    if actor.role == Role.DEPARTMENT_OFFICER:
        return actor.department in (task.department, Department.SUPERVISION_OFFICE)
    return bool(
        actor.role == Role.SCHOOL_ADMIN and task.school_id is not None and actor.school_id == task.school_id
    )


def _own_visit(actor: Any, visit: Any) -> bool:
    """A leader records their own visits only; an administrator or inspector records them for a
    leader (the service checks that leader is in their area)."""
    if actor.role != Role.LEADER:
        return True
    return visit is not None and getattr(visit, "leader_id", None) == actor.pk


def _own_notification(actor: Any, notification: Any) -> bool:
    return notification is None or getattr(notification, "user_id", None) == actor.pk


def is_leader(person: Any) -> bool:
    """Whether an account is a bureau leader's (whose visits are recorded)."""
    return bool(person.role == Role.LEADER)


POLICY = register_policy(
    Policy(
        M,
        {
            # Items and their workflow
            "item_view": Rule("查看整改事项", ALL_ROLES, scope="read"),
            "unit_items": Rule("查看本单位整改事项", UNIT_ROLES, scope="read"),
            "item_list": Rule("查看问题清单", BUREAU_ROLES, scope="read"),
            "item_export": Rule("导出问题清单", ALL_ROLES, scope="read"),
            "item_create": Rule("登记问题", BUREAU_WRITERS),
            "item_assign": Rule("交办", BUREAU_WRITERS, check=_officer_side),
            "item_start": Rule("开始整改", ITEM_WORKERS, check=_officer_or_unit_side),
            "item_submit": Rule("提交整改材料", ITEM_WORKERS, check=_unit_side),
            "item_verify": Rule("核验销号", BUREAU_WRITERS, check=_officer_side),
            "item_return": Rule("退回重改", BUREAU_WRITERS, check=_officer_side),
            "item_reopen": Rule("重新打开", BUREAU_WRITERS, check=_officer_side),
            "item_comment": Rule("备注", ITEM_WORKERS, check=_officer_or_unit_side),
            # Any step of the workflow (the API's one route for all of them; each step is asked
            # again for itself).
            "item_work": Rule("办理整改事项", ITEM_WORKERS, check=_officer_or_unit_side),
            "notification_view": Rule("查看消息通知", ALL_ROLES, scope="read"),
            # Marking one's own notifications read: the leader too (their own records only).
            "notification_read": Rule("标记通知已读", ALL_ROLES, check=_own_notification),
            # Rankings (红黑榜)
            "ranking_view": Rule("查看红黑榜", BUREAU_ROLES, scope="read"),
            "ranking_notice": Rule("导出红黑榜通报", BUREAU_ROLES, scope="read"),
            "ranking_create": Rule("生成红黑榜", OFFICE, departments=SUPERVISION),
            "ranking_approve": Rule("审核红黑榜", OFFICE, departments=SUPERVISION),
            "ranking_publish": Rule("发布红黑榜", OFFICE, departments=SUPERVISION),
            # Battle map
            "battle_map": Rule("查看问题地图", BUREAU_ROLES, scope="read"),
            "boundary_upload": Rule("上传区县边界", frozenset({Role.DISTRICT_ADMIN})),
            # Strategic tasks
            "task_view": Rule("查看重点任务", BUREAU_ROLES, scope="read"),
            "task_export": Rule("导出重点任务推进表", ALL_ROLES, scope="read"),
            "goal_create": Rule("制定工作目标", OFFICE),
            "task_create": Rule("分解重点任务", OFFICE, check=_owns_goal),
            "task_edit": Rule("调整重点任务", OFFICE, check=_owns_goal),
            "milestone_create": Rule("设置任务节点", OFFICE, check=_owns_goal),
            "milestone_edit": Rule("调整任务节点", OFFICE, check=_owns_goal),
            "milestone_report": Rule("填报进度", OFFICE | {Role.SCHOOL_ADMIN}, check=_may_report),
            # Leader liaison
            "leader_view": Rule("查看挂钩联系", BUREAU_ROLES, scope="read"),
            "liaison_set": Rule("设置挂钩联系", frozenset({Role.DISTRICT_ADMIN})),
            "leader_visit_record": Rule(
                "登记领导走访",
                frozenset({Role.DISTRICT_ADMIN, Role.INSPECTOR, Role.LEADER}),
                check=_own_visit,
            ),
        },
    )
)


def item_steps(actor: Any, item: Any, steps: list[str]) -> list[str]:
    """Which of the workflow `steps` (policy action names) `actor` may take on `item`, with one
    look-up of the write scope for all of them (the item page shows these buttons)."""
    steps = [s for s in steps if role_may(actor, action(s))]
    if not steps or actor.is_superuser:
        return steps
    if not write_scoped(type(item)._default_manager.filter(pk=item.pk), actor).exists():
        return []
    return [s for s in steps if (c := POLICY.rules[s].check) is None or c(actor, item)]


TRANSITION_ACTIONS = {
    "assign": "item_assign",
    "start": "item_start",
    "submit": "item_submit",
    "verify": "item_verify",
    "return": "item_return",
    "reopen": "item_reopen",
    "comment": "item_comment",
}


def transition_refusal(actor: Any, item: Any, name: str) -> PermissionDenied:
    """Why `actor` may not take workflow step `name` on `item` (in their write scope), in the
    words the officers know: another department's item, or another unit's."""
    from .errors import RectificationError as E

    rule = POLICY.rules[name]
    officer_step = name in ("item_assign", "item_verify", "item_return", "item_reopen", "item_start")
    if actor.role == Role.DEPARTMENT_OFFICER and officer_step:
        return PermissionDenied(
            E.DEPARTMENT_REFUSED, department=Department(item.department).label, action=rule.label
        )
    if actor.role in UNIT_ROLES and name in ("item_start", "item_submit", "item_comment"):
        return PermissionDenied(E.NOT_OWN_UNIT)
    return PermissionDenied(ScopeError.ACTION_DENIED, action=rule.label)
