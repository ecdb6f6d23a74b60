"""Permission policy of workforce (师资队伍): who reads the district's staffing, who keeps a school's
teacher records, who sees their own record and asks to correct it, who decides the request.

Roles are compared here and nowhere else in the app. The bureau works in it as the personnel
department (人事科, holding the workforce module); schools and teachers hold it with the registry
(`module=`), where their teachers already are.
"""

from __future__ import annotations

from typing import Any

from edugov.accounts.models import Department, Module, Role, User
from edugov.accounts.policy import BUREAU_ROLES, Policy, Rule, register_policy

M = "workforce"
OFFICE = frozenset({Role.DISTRICT_ADMIN, Role.DEPARTMENT_OFFICER})
PERSONNEL = frozenset({Department.PERSONNEL})
SCHOOL = frozenset({Role.SCHOOL_ADMIN})
TEACHER = frozenset({Role.TEACHER})
LEADERS = frozenset({Role.LEADER})


def action(name: str) -> str:
    return f"{M}.{name}"


def _own_record(actor: User, obj: Any) -> bool:
    """A teacher acts on their own record only (a TeacherYear, or a request about one)."""
    if obj is None:
        return True
    record = getattr(obj, "teacher_year", obj)
    return actor.teacher_id is not None and getattr(record, "teacher_id", None) == actor.teacher_id


def _studio_lead(actor: User, obj: Any) -> bool:
    """A teacher files the reports of a studio they lead (a Studio, or one of its reports)."""
    if obj is None:
        return True
    studio = getattr(obj, "studio", obj)
    return actor.teacher_id is not None and getattr(studio, "lead_id", None) == actor.teacher_id


POLICY = register_policy(
    Policy(
        M,
        {
            "view": Rule("查看师资队伍", BUREAU_ROLES, scope="read"),
            "school_view": Rule("查看本校师资", SCHOOL, scope="read", module=Module.REGISTRY),
            "own_view": Rule(
                "查看本人师资档案", TEACHER, scope="read", module=Module.REGISTRY, check=_own_record
            ),
            "record_edit": Rule("维护教师年度档案", OFFICE, departments=PERSONNEL),
            "school_record_edit": Rule("维护本校教师年度档案", SCHOOL, module=Module.REGISTRY),
            "import": Rule(
                "导入教师年度档案", OFFICE | SCHOOL, departments=PERSONNEL, module=Module.REGISTRY
            ),
            "correction_request": Rule(
                "申请更正本人档案", TEACHER, scope="read", module=Module.REGISTRY, check=_own_record
            ),
            "correction_decide": Rule(
                "审核档案更正申请", SCHOOL | {Role.DISTRICT_ADMIN}, module=Module.REGISTRY
            ),
            "report": Rule("下载师资配置报告", BUREAU_ROLES, scope="read"),
            # District-managed, school-hired (区管校聘): the bureau's personnel department places teachers.
            "exchange_edit": Rule("登记交流轮岗", OFFICE, departments=PERSONNEL),
            # The recruitment plan: the personnel department writes it, the bureau's leaders read it.
            "recruitment_view": Rule("查看招聘计划", BUREAU_ROLES, scope="read"),
            "recruitment_edit": Rule("编制招聘计划", OFFICE, departments=PERSONNEL),
            # Master studios and research communities: the bureau reads the board, the personnel
            # department keeps it, a studio's lead teacher files its period reports.
            "studio_view": Rule("查看名师工作室", BUREAU_ROLES, scope="read"),
            "studio_edit": Rule("管理名师工作室和研修共同体", OFFICE, departments=PERSONNEL),
            "studio_report": Rule(
                "报送工作室阶段报告", TEACHER, scope="read", module=Module.REGISTRY, check=_studio_lead
            ),
            # Ethics (师德师风): only the personnel department and the leaders see incidents; a school
            # administrator sees the school's statuses and counts; teachers nothing.
            "ethics_view": Rule("查看师德师风事件", OFFICE | LEADERS, scope="read", departments=PERSONNEL),
            "ethics_edit": Rule("登记和处理师德师风事件", OFFICE, departments=PERSONNEL),
            "ethics_counts": Rule("查看本校师德师风事件统计", SCHOOL, scope="read", module=Module.REGISTRY),
            # 区管校聘: the personnel department runs the round; a teacher chooses and appeals.
            "round_view": Rule("查看区管校聘", BUREAU_ROLES, scope="read"),
            "round_edit": Rule("组织区管校聘", OFFICE, departments=PERSONNEL),
            "round_choose": Rule("参加区管校聘选岗", TEACHER, scope="read", module=Module.REGISTRY),
            # Appraisal, quotas and allowances: the personnel department keeps them, the bureau reads.
            "appraisal_edit": Rule(
                "录入年度考核结果", OFFICE | SCHOOL, departments=PERSONNEL, module=Module.REGISTRY
            ),
            "appraisal_view": Rule("查看年度考核与津贴", BUREAU_ROLES, scope="read"),
            # A rural school's remoteness tier sets its teachers' living allowance: the personnel
            # department fixes it, never the school that is paid by it.
            "tier_edit": Rule("核定乡村学校艰苦边远档次", OFFICE, departments=PERSONNEL),
        },
    )
)
