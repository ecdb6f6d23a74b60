"""Writes of appraisal schemes: the bureau's scheme (weights summing to 100%, refused in Chinese
otherwise, nothing written) and a school's own "N" items; the shared input limits."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction

from edugov.accounts.models import User
from edugov.accounts.policy import ensure_can
from edugov.audit.models import AuditAction
from edugov.audit.services import audit_record
from edugov.common.errors import DomainError
from edugov.registry.models import Area, School, SchoolYear

from .. import rules
from ..errors import AppraisalError as E
from ..models import (
    Dimension,
    DimensionKind,
    Indicator,
    Scheme,
    ScoringRule,
)
from ..permissions import action
from ..sources import get_source

MAX_EVIDENCE_MB = 10
MAX_DIMENSIONS = 12
MAX_INDICATORS = 60
MAX_N_ITEMS = 10
MAX_CHECKS = 60
VALUE_LIMIT = Decimal("1000000")


@dataclass(frozen=True)
class IndicatorInput:
    name: str
    weight: Decimal
    rule: str = ScoringRule.ENTERED
    source: str = ""
    floor: Decimal | None = None
    target: Decimal | None = None
    thresholds: list[Any] = field(default_factory=list)
    # the indicator being edited (scheme editing); None for a new one
    pk: int | None = None


@dataclass(frozen=True)
class DimensionInput:
    kind: str
    name: str
    indicators: Sequence[IndicatorInput] = ()


def _dec(value: Any, label: str) -> Decimal:
    try:
        out = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise DomainError(E.BAD_FIELD, field=label, reason="应为数字") from None
    if not out.is_finite() or abs(out) >= VALUE_LIMIT:
        raise DomainError(E.BAD_FIELD, field=label, reason="数值无效")
    return out


def _text(value: str, label: str, max_length: int) -> str:
    text = (value or "").strip()
    if not text:
        raise DomainError(E.BAD_FIELD, field=label, reason="不能为空")
    if len(text) > max_length:
        raise DomainError(E.BAD_FIELD, field=label, reason=f"不能超过{max_length}字")
    return text


def _num(value: Decimal) -> str:
    """15.00 -> "15", 12.50 -> "12.5"."""
    return f"{value.normalize():f}"


def _check_indicator(ind: IndicatorInput) -> IndicatorInput:
    name = _text(ind.name, "指标名称", 100)
    weight = _dec(ind.weight, f"“{name}”的权重")
    if not Decimal(0) < weight <= 100:
        raise DomainError(E.BAD_FIELD, field=f"“{name}”的权重", reason="应大于0且不超过100")
    if ind.source and get_source(ind.source) is None:
        raise DomainError(E.UNKNOWN_SOURCE, source=str(ind.source)[:40])
    if ind.rule not in ScoringRule.values:
        raise DomainError(E.BAD_FIELD, field=f"“{name}”的计分规则", reason="取值无效")
    floor = target = None
    bands: list[Any] = []
    if ind.rule == ScoringRule.LINEAR:
        if ind.floor is None or ind.target is None:
            raise DomainError(E.RULE_NEEDS_RANGE, name=name)
        floor, target = _dec(ind.floor, "下限"), _dec(ind.target, "目标")
        if floor == target:
            raise DomainError(E.RULE_NEEDS_RANGE, name=name)
    elif ind.rule == ScoringRule.THRESHOLD:
        if not rules.valid_bands(ind.thresholds):
            raise DomainError(E.RULE_NEEDS_THRESHOLDS, name=name)
        bands = [[str(Decimal(str(a))), str(Decimal(str(b)))] for a, b in ind.thresholds]
    elif ind.source:
        # a data source's raw value is not a score: it needs a rule that turns it into one
        raise DomainError(E.BAD_FIELD, field=f"“{name}”的计分规则", reason="数据来源指标应按线性或分档计分")
    return IndicatorInput(name, weight, ind.rule, ind.source or "", floor, target, bands, ind.pk)


def _create_indicator(
    dimension: Dimension, ind: IndicatorInput, order: int, school: School | None
) -> Indicator:
    return Indicator.objects.create(
        dimension=dimension,
        school=school,
        name=ind.name,
        source=ind.source,
        rule=ind.rule,
        floor=ind.floor,
        target=ind.target,
        thresholds=ind.thresholds,
        weight=ind.weight,
        order=order,
    )


Checked = list[tuple[str, str, list[IndicatorInput]]]


def check_scheme(
    name: str, characteristic_weight: Decimal, dimensions: Sequence[DimensionInput]
) -> tuple[str, Decimal, Checked, Decimal]:
    """Every check of a scheme's content (creating or editing it), before anything is written:
    the common indicators' weights plus the "N" weight make exactly 100%."""
    name = _text(name, "方案名称", 100)
    n_weight = _dec(characteristic_weight, "特色项目权重")
    if not Decimal(0) <= n_weight <= 100:
        raise DomainError(E.BAD_FIELD, field="特色项目权重", reason="应在0至100之间")
    if len(dimensions) > MAX_DIMENSIONS:
        raise DomainError(E.TOO_MANY, field="维度", limit=MAX_DIMENSIONS)
    checked: list[tuple[str, str, list[IndicatorInput]]] = []
    for dim in dimensions:
        if dim.kind not in DimensionKind.values:
            raise DomainError(E.BAD_FIELD, field="维度类型", reason="取值无效")
        dim_name = _text(dim.name, "维度名称", 60)
        if dim.kind == DimensionKind.CHARACTERISTIC and dim.indicators:
            raise DomainError(E.BAD_FIELD, field=dim_name, reason="特色项目由各校自行设定，方案中不列指标")
        checked.append((dim.kind, dim_name, [_check_indicator(i) for i in dim.indicators]))
    common = sum((i.weight for _, _, inds in checked for i in inds), Decimal(0))
    if not any(inds for _, _, inds in checked):
        raise DomainError(E.NO_INDICATORS)
    if sum(len(inds) for _, _, inds in checked) > MAX_INDICATORS:
        raise DomainError(E.TOO_MANY, field="指标", limit=MAX_INDICATORS)
    if common + n_weight != 100:
        raise DomainError(E.WEIGHTS, total=_num(common + n_weight), common=_num(common), n=_num(n_weight))
    return name, n_weight, checked, common


@transaction.atomic
def scheme_create(
    *,
    actor: User,
    area: Area,
    school_year: SchoolYear,
    name: str,
    characteristic_weight: Decimal,
    dimensions: Sequence[DimensionInput],
) -> Scheme:
    """A district's scheme for a school year, with its dimensions and common indicators. The
    common indicators' weights plus the "N" weight must make exactly 100%; every check runs before
    anything is written."""
    ensure_can(actor, action("scheme_edit"), area)
    name, n_weight, checked, common = check_scheme(name, characteristic_weight, dimensions)
    if Scheme.objects.filter(area=area, school_year=school_year).exists():
        raise DomainError(E.SCHEME_EXISTS, area=area.name, year=school_year.start_year)
    scheme = Scheme.objects.create(
        area=area, school_year=school_year, name=name, characteristic_weight=n_weight, created_by=actor
    )
    kinds = {k for k, _, _ in checked}
    if n_weight > 0 and DimensionKind.CHARACTERISTIC not in kinds:
        checked.append((DimensionKind.CHARACTERISTIC, "特色发展", []))
    for order, (kind, dim_name, inds) in enumerate(checked):
        dimension = Dimension.objects.create(scheme=scheme, kind=kind, name=dim_name, order=order)
        for i, ind in enumerate(inds):
            _create_indicator(dimension, ind, i, None)
    audit_record(
        action=AuditAction.CREATE,
        instance=scheme,
        actor=actor,
        changes={
            "name": name,
            "school_year": school_year.start_year,
            "common": str(common),
            "n": str(n_weight),
        },
    )
    return scheme


def characteristic_dimension(scheme: Scheme) -> Dimension | None:
    return scheme.dimensions.filter(kind=DimensionKind.CHARACTERISTIC).order_by("order").first()


@transaction.atomic
def characteristic_items_save(
    *, actor: User, scheme: Scheme, school: School, items: Sequence[IndicatorInput]
) -> list[Indicator]:
    """A school's own "N" items (replacing the ones it had): their weights make the scheme's "N"
    weight exactly. Only the school itself sets them."""
    ensure_can(actor, action("characteristic_edit"), school)
    if not school.area.path.startswith(scheme.area.path):
        raise DomainError(E.NOT_OWN_ITEM)
    dimension = characteristic_dimension(scheme)
    if dimension is None or scheme.characteristic_weight == 0:
        raise DomainError(E.BAD_FIELD, field="特色项目", reason="本方案不设特色项目")
    if len(items) > MAX_N_ITEMS:
        raise DomainError(E.TOO_MANY, field="特色项目", limit=MAX_N_ITEMS)
    checked = [_check_indicator(i) for i in items]
    total = sum((i.weight for i in checked), Decimal(0))
    if checked and total != scheme.characteristic_weight:
        raise DomainError(E.N_WEIGHTS, expected=_num(scheme.characteristic_weight), total=_num(total))
    Indicator.objects.filter(dimension=dimension, school=school).delete()
    out = [_create_indicator(dimension, ind, i, school) for i, ind in enumerate(checked)]
    audit_record(
        action=AuditAction.UPDATE,
        instance=scheme,
        actor=actor,
        changes={"school": school.pk, "characteristic_items": [i.name for i in out]},
    )
    return out
