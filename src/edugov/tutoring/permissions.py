"""Permission policy of off-campus tutoring supervision: the bureau (district administrators, the
校外培训监管科, inspectors) supervises institutions within its area; an institution's operator keeps
its own staff, courses, timetable and prepaid-fee books; the leader reads. Public pages (lookup,
complaint form, tracking) have no actor and are not in the policy."""

from __future__ import annotations

from edugov.accounts.models import Module, Role
from edugov.accounts.policy import BUREAU_ROLES, BUREAU_WRITERS, Policy, Rule, register_policy

OPERATOR = frozenset({Role.INSTITUTION_OPERATOR})
SUPERVISORS = BUREAU_WRITERS  # decide statuses, lists and enforcement within their area
BOOKKEEPERS = BUREAU_WRITERS | OPERATOR  # an institution's own rows: its operator, or its supervisors

POLICY = register_policy(
    Policy(
        Module.TUTORING,
        {
            "view": Rule("查看校外培训机构信息", BUREAU_ROLES | OPERATOR, scope="read"),
            "supervise": Rule("查看监管看板、风险预警、检查执法与投诉", BUREAU_ROLES, scope="read"),
            "export": Rule("导出校外培训数据", BUREAU_ROLES | OPERATOR, scope="read"),
            "report_export": Rule("导出校外培训监管报表", BUREAU_ROLES, scope="read"),
            # ID numbers and phones in full; inspectors and the leader see them masked.
            "identity_view": Rule(
                "查看完整身份证号与手机号",
                frozenset({Role.DISTRICT_ADMIN, Role.DEPARTMENT_OFFICER, Role.INSTITUTION_OPERATOR}),
                scope="read",
            ),
            "institution_create": Rule("登记培训机构", SUPERVISORS),
            "institution_edit": Rule("修改培训机构信息", SUPERVISORS),
            "institution_transition": Rule("变更培训机构状态", SUPERVISORS),
            "institution_set_list": Rule("调整黑白名单", SUPERVISORS),
            "unlicensed_create": Rule("登记无证无照培训点", SUPERVISORS),
            "staff_create": Rule("登记从业人员", BOOKKEEPERS),
            "course_create": Rule("登记课程", BOOKKEEPERS),
            "session_create": Rule("排课", BOOKKEEPERS),
            "order_create": Rule("登记收费订单", BOOKKEEPERS),
            "consumption_record": Rule("记录课消", BOOKKEEPERS),
            "refund_request": Rule("登记退费申请", BOOKKEEPERS),
            "refund_settle": Rule("处理退费", BOOKKEEPERS),
            "risk_compute": Rule("重新计算预收费风险", SUPERVISORS),
            "inspection_record": Rule("记录检查", SUPERVISORS),
            "enforcement_create": Rule("作出处理决定", SUPERVISORS),
            "complaint_accept": Rule("受理投诉", SUPERVISORS),
            "complaint_refer": Rule("转办投诉", SUPERVISORS),
            "complaint_investigate": Rule("记录投诉调查核实", SUPERVISORS),
            "complaint_reply": Rule("答复投诉", SUPERVISORS),
            "custody_import": Rule(
                "导入托管账户对账单", frozenset({Role.DISTRICT_ADMIN, Role.DEPARTMENT_OFFICER})
            ),
        },
    )
)
