"""What every tutoring write shares: the domain error codes, the town check, the audit helpers."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from edugov.audit.services import audit_record, snapshot
from edugov.common.errors import DomainError, ErrorCode
from edugov.registry.models import Area

from ..models import InstitutionStatus

ADVERSE = (InstitutionStatus.RECTIFYING, InstitutionStatus.SUSPENDED)
CENT = Decimal("0.01")


class TutoringError(ErrorCode):
    BAD_TRANSITION = "机构当前为“{current}”，不能变更为“{target}”（可变更为：{allowed}）"
    REASON_REQUIRED = "请填写变更原因"
    AREA_NOT_TOWN = "机构所在地应选择乡镇（街道）级区划"
    SESSION_OVERLAP = "与同一课程{date} {start}～{end}的课表时间重叠"
    TUTOR_OTHER_INSTITUTION = "授课教师不属于本机构"
    OVER_CONSUMED = "该订单共{total}课时，已消课{used}课时，不能再消课{lessons}课时"
    REFUND_OVER = "退费金额{amount}元超过该订单未消课金额{left}元"
    REFUND_NOT_PENDING = "该退费已处理"
    ACTION_TARGET = "请选择一个机构或一个无证无照培训点"
    ACTION_KIND_TARGET = "“{kind}”只适用于{target}"
    DEADLINE_REQUIRED = "责令整改须填写整改期限"
    RATING_RANGE = "满意度应为1～5分"
    COMPLAINT_NOT_REPLIED = "投诉尚未答复，不能评价"
    BAD_LIST = "名单类型无效"
    WHITE_LIST_BLOCKED = "不能列入白名单：{reasons}"
    COMPLAINT_STEP = "投诉当前为“{current}”，不能{step}（当前可办理：{allowed}）"
    COMPLAINT_NOT_INVESTIGATED = "答复前须先记录调查核实情况"
    REFER_TARGET = "请填写转办单位或选择转办的乡镇街道"
    INVESTIGATION_FIELDS = "请填写调查人员、调查日期和调查发现"
    INVESTIGATION_DATE = "调查日期应在投诉提交日（{start}）至今天之间"
    TOO_FEW_INSPECTORS = "现场检查须有{n}名以上检查人员（{citation}），当前{count}名"
    INSPECTOR_OUT_OF_SCOPE = "检查人员{name}不在您的管辖范围内"


def _check_town(area: Area) -> None:
    """Institutions and sites hang on a town; whether the writer may name it is the reference
    check (ensure_references_writable: towns within the writer's area)."""
    if area.level != 4:
        raise DomainError(TutoringError.AREA_NOT_TOWN)


def snapshot_safe(instance: Any) -> dict[str, Any]:
    """snapshot() with file fields as their stored names (files are not JSON)."""
    data = snapshot(instance)
    return {k: (v.name if hasattr(v, "name") and hasattr(v, "storage") else v) for k, v in data.items()}


def _audit(action: str, instance: Any, area_path: str, changes: dict[str, Any] | None = None) -> None:
    audit_record(action=action, instance=instance, changes=changes or {}, area_path=area_path)
