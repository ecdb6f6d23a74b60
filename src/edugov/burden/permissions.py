"""Permission policy of the double-reduction (双减) module: who publishes homework and parents'
links, who registers exams and after-school services, who reads and exports the monitoring."""

from __future__ import annotations

from typing import Any

from edugov.accounts.models import Module, Role
from edugov.accounts.policy import ALL_ROLES, BUREAU_ROLES, BUREAU_WRITERS, Policy, Rule, register_policy

READERS = ALL_ROLES - {Role.INSTITUTION_OPERATOR}
MONITORS = BUREAU_ROLES | {Role.SCHOOL_ADMIN}  # the compliance pages, reports and entry pages
SCHOOL_SIDE = BUREAU_WRITERS | {Role.SCHOOL_ADMIN}  # exams and after-school services
CLASS_SIDE = SCHOOL_SIDE | {Role.TEACHER}  # the parents' links of classes


def _teaches(actor: Any, school_class: Any) -> bool:
    """Homework is published by a teacher for a class they teach or head (a class the teacher
    merely sees through a grant is not theirs to publish for)."""
    if not getattr(actor, "teacher_id", None):
        return False
    if school_class is None:
        return True
    from .services import teaches

    return teaches(teacher_id=actor.teacher_id, school_class=school_class)


def _publisher(actor: Any, homework: Any) -> bool:
    """Only the teacher who published an entry withdraws it."""
    if not getattr(actor, "teacher_id", None):
        return False
    return homework is None or homework.teacher_id == actor.teacher_id


POLICY = register_policy(
    Policy(
        Module.BURDEN,
        {
            # Reading: homework list, the school pages, the API lists (rows are scoped).
            "view": Rule("查看双减监测数据", READERS, scope="read"),
            "compliance": Rule("查看区县作业时长监测", MONITORS, scope="read"),
            "export": Rule("导出作业时长监测", READERS, scope="read"),
            "monthly_report": Rule("导出双减工作月报", MONITORS, scope="read"),
            "entry_view": Rule("查看考试与课后服务登记", MONITORS, scope="read"),
            # Writing.
            "homework_publish": Rule("发布作业", frozenset({Role.TEACHER}), check=_teaches),
            "homework_withdraw": Rule("撤回作业", frozenset({Role.TEACHER}), check=_publisher),
            "board_publish": Rule("生成家长查看链接", CLASS_SIDE),
            "board_rotate": Rule("更换家长查看链接", CLASS_SIDE),
            "exam_register": Rule("登记考试", SCHOOL_SIDE),
            "after_school_register": Rule("填报课后服务", SCHOOL_SIDE),
            "after_school_edit": Rule("修改课后服务", SCHOOL_SIDE),
            "import": Rule(
                "导入作业公示与问卷",
                frozenset({Role.DISTRICT_ADMIN, Role.DEPARTMENT_OFFICER, Role.SCHOOL_ADMIN}),
            ),
        },
    )
)
