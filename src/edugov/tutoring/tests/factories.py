"""Builders for tutoring tests, on top of edugov.testing's mini district."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

from edugov.accounts.models import Department, Role, User
from edugov.testing import MiniDistrict, make_user

from .. import services
from ..codes import credit_check_char
from ..models import Institution

_serial = itertools.count(1)


def credit_code(n: int | None = None) -> str:
    first17 = f"91310101MA1{(n if n is not None else next(_serial)):06d}"
    return first17 + credit_check_char(first17)


def officer(md: MiniDistrict) -> User:
    return make_user(Role.DEPARTMENT_OFFICER, area=md.district, department=Department.TUTORING_SUPERVISION)


def make_institution(md: MiniDistrict, actor: User, *, town: Any = None, **extra: Any) -> Institution:
    data: dict[str, Any] = {
        "name": f"测试培训机构{next(_serial)}",
        "credit_code": credit_code(),
        "category": "arts",
        "area": town or md.town_a,
        "address": "某路1号",
        "legal_representative": "张三",
        "contact_phone": "13912345678",
        "licence_number": "教民131010170001",
        "licence_valid_from": dt.date(2024, 1, 1),
        "licence_valid_to": dt.date(2027, 12, 31),
        "risk_reserve": Decimal("0"),
    }
    status = extra.pop("status", "licensed")
    data.update(extra)
    if data["category"] in ("subject", "mixed"):
        data.setdefault("nonprofit_registered", True)
    return services.institution_create(actor=actor, data={**data, "status": status}, on=dt.date(2025, 1, 1))


def operator_for(inst: Institution) -> User:
    return make_user(Role.INSTITUTION_OPERATOR, institution_id=inst.pk)
