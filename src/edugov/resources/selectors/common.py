"""What every resources read starts from: the error codes, the policy's answer, which district and
school year a request means."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from edugov.accounts.policy import can, ensure_can, role_may
from edugov.common.errors import DomainError, ErrorCode, PermissionDenied
from edugov.registry.models import Area, AreaLevel, School, SchoolYear
from edugov.registry.selectors import current_school_year

MAX_WHATIF_LINES = 8
MAX_WHATIF_AMOUNT = Decimal(10**9)


class ResourcesError(ErrorCode):
    CARD_DENIED = "学校管理员只能查看本校的评估卡片"
    NO_DISTRICT = "您的账号没有关联区县，无法进行区县评估"
    NO_YEAR = "系统中还没有学年数据"
    BAD_YEAR = "学年参数不正确：{value}（应为起始年份，如 2025）"
    UNKNOWN_YEAR = "{value}学年在系统中不存在"
    BAD_SCHOOL = "学校参数不正确"
    SCHOOL_NOT_EVALUATED = (
        "该学校不在本学年的优质均衡评估范围内（仅计义务教育学校，不含特教、职校及不足50人的教学点）"
    )
    WHATIF_LINE = "第{line}行：{reason}"
    WHATIF_EMPTY = "请至少填写一行调整：选择学校、学段、项目并填写数量"
    BAD_FORMAT = "不支持的导出格式“{fmt}”，可选 xlsx 或 pdf"
    KG_CARD_DENIED = "幼儿园管理员只能查看本园的评估卡片"
    NOT_KINDERGARTEN = "该学校不是幼儿园，不在普及普惠评估范围内"


def ensure_allowed(user: Any, action: str, obj: Any = None) -> None:
    """The resources policy's answer for `user` (None: the command line, which may do all)."""
    if user is not None:
        ensure_can(user, action, obj)


def _ensure_card(user: Any, school: School | None, *, action: str, own: str, denied: ResourcesError) -> None:
    """A card: the bureau's roles for any school they read, a school's administrator for its own."""
    if user is None:
        return
    if school is not None and (can(user, action, school) or can(user, own, school)):
        return
    if not (role_may(user, action) or role_may(user, own)):
        ensure_can(user, action)  # the policy's refusal for the role
    raise PermissionDenied(denied)


def district_for(user: Any) -> Area:
    """The district (区县) a user works in: the third level of their area's (or school's) path."""
    path = ""
    if user is not None and getattr(user, "area_id", None):
        path = user.area.path
    elif user is not None and getattr(user, "school_id", None):
        path = user.school.area.path
    codes = [c for c in path.strip("/").split("/") if c]
    if len(codes) >= AreaLevel.DISTRICT:
        found = Area.objects.filter(code=codes[AreaLevel.DISTRICT - 1]).first()
        if found is not None:
            return found
    if user is None or user.is_superuser or (codes and len(codes) < AreaLevel.DISTRICT):
        under = Area.objects.filter(level=AreaLevel.DISTRICT, path__startswith=path).order_by("code").first()
        if under is not None:
            return under
    raise DomainError(ResourcesError.NO_DISTRICT)


def district_by_code(code: str | None, user: Any) -> Area:
    if not code:
        return district_for(user)
    area = Area.objects.filter(code=str(code)[:12]).first()
    if area is None:
        raise DomainError(ResourcesError.NO_DISTRICT)
    return area


def school_year_for(value: Any) -> SchoolYear:
    """`value`: a start year ("2025", "2025-2026") or empty for the current school year."""
    if value in (None, ""):
        year = current_school_year()
        if year is None:
            raise DomainError(ResourcesError.NO_YEAR)
        return year
    text = str(value)[:12].split("-")[0].strip()
    if not text.isdigit():
        raise DomainError(ResourcesError.BAD_YEAR, value=str(value)[:12])
    year = SchoolYear.objects.filter(start_year=int(text)).first()
    if year is None:
        raise DomainError(ResourcesError.UNKNOWN_YEAR, value=text)
    return year
