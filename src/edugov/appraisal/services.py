"""Writes of school appraisal: the bureau's scheme (weights summing to 100%, refused in Chinese
otherwise, nothing written), a school's own "N" items, hand-entered values with evidence, the
computed scorecards, teaching-routine checklists and inspections (shortfalls raised as
rectification items through the findings machinery) and after-school satisfaction counts. Each asks
the policy first and leaves an audit record."""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from edugov.accounts.models import User
from edugov.accounts.policy import ensure_can
from edugov.audit.models import AuditAction
from edugov.audit.services import audit_record
from edugov.common.errors import DomainError
from edugov.rectification import services as rectification
from edugov.registry.models import Area, School, SchoolType, SchoolYear

from . import rules
from .errors import AppraisalError as E
from .models import (
    Dimension,
    DimensionKind,
    Entry,
    Indicator,
    Origin,
    ResultLine,
    RoutineCategory,
    RoutineCheck,
    RoutineChecklist,
    RoutineInspection,
    RoutineMark,
    SatisfactionSurvey,
    Scheme,
    SchoolResult,
    ScoringRule,
)
from .permissions import action
from .sources import SourceContext, SourceValue, get_source

MAX_EVIDENCE_MB = 10
MAX_DIMENSIONS = 12
MAX_INDICATORS = 60
MAX_N_ITEMS = 10
MAX_CHECKS = 60
VALUE_LIMIT = Decimal("1000000")
DATA = Path(__file__).parent / "data"


@dataclass(frozen=True)
class IndicatorInput:
    name: str
    weight: Decimal
    rule: str = ScoringRule.ENTERED
    source: str = ""
    floor: Decimal | None = None
    target: Decimal | None = None
    thresholds: list[Any] = field(default_factory=list)


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
    return IndicatorInput(name, weight, ind.rule, ind.source or "", floor, target, bands)


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


def evidence_check(upload: UploadedFile | None) -> None:
    """Evidence is a PDF, image or office file no larger than MAX_EVIDENCE_MB, and is what its name
    says (the rectification module's attachment check)."""
    if upload is None:
        return
    if (upload.size or 0) > MAX_EVIDENCE_MB * 1024 * 1024:
        raise DomainError(E.FILE_TOO_LARGE, limit=MAX_EVIDENCE_MB)
    rectification.attachment_check(upload)


@transaction.atomic
def entry_save(
    *,
    actor: User,
    indicator: Indicator,
    school: School,
    value: Decimal,
    note: str = "",
    evidence: UploadedFile | None = None,
) -> Entry:
    """A hand-entered value of an indicator for a school (a second save replaces the first; the
    earlier evidence stays unless a new file comes)."""
    ensure_can(actor, action("entry_edit"), school)
    if indicator.source:
        raise DomainError(E.NOT_ENTERED_ITEM, name=indicator.name)
    scheme_area = indicator.dimension.scheme.area
    if indicator.school_id is not None and indicator.school_id != school.pk:
        raise DomainError(E.NOT_OWN_ITEM)
    if not school.area.path.startswith(scheme_area.path):
        raise DomainError(E.NOT_OWN_ITEM)
    value = _dec(value, "填报值")
    if indicator.rule == ScoringRule.ENTERED and not Decimal(0) <= value <= 100:
        raise DomainError(E.VALUE_RANGE, low=0, high=100)
    note = (note or "").strip()
    if len(note) > 300:
        raise DomainError(E.BAD_FIELD, field="说明", reason="不能超过300字")
    evidence_check(evidence)
    row, created = Entry.objects.get_or_create(
        indicator=indicator, school=school, defaults={"value": value, "note": note, "entered_by": actor}
    )
    row.value, row.note, row.entered_by = value, note, actor
    if evidence is not None:
        row.evidence_name = (evidence.name or "佐证材料")[-200:]
        row.evidence.save(f"{indicator.pk}_{school.pk}_{evidence.name}"[-90:], evidence, save=False)
    row.save()
    audit_record(
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        instance=row,
        actor=actor,
        changes={"indicator": indicator.name, "value": str(value), "evidence": row.evidence_name},
    )
    return row


# The schools a scheme scores: primary and secondary schools (中小学), not kindergartens.
SCORED_TYPES = (
    SchoolType.PRIMARY,
    SchoolType.JUNIOR,
    SchoolType.NINE_YEAR,
    SchoolType.COMPLETE_SECONDARY,
    SchoolType.SENIOR,
    SchoolType.TWELVE_YEAR,
)


def scheme_schools(scheme: Scheme) -> list[School]:
    """The schools a scheme scores: the district's primary and secondary schools in use (teaching
    points go with their central school)."""
    return list(
        School.objects.filter(
            area__path__startswith=scheme.area.path,
            archived_at__isnull=True,
            is_teaching_point=False,
            school_type__in=SCORED_TYPES,
        )
        .select_related("area")
        .order_by("area__code", "code")
    )


def _line(
    ind: Indicator, value: Decimal | None, origin: str, label: str, as_of: dt.datetime | None, detail: str
) -> ResultLine:
    if value is None:
        return ResultLine(
            indicator=ind,
            raw=None,
            score=Decimal(0),
            weight=ind.weight,
            points=Decimal(0),
            origin=Origin.MISSING,
            source_label=label,
            as_of=as_of,
            detail=detail[:300] or "无数据",
        )
    score = rules.score(ind.rule, value, floor=ind.floor, target=ind.target, bands=ind.thresholds)
    return ResultLine(
        indicator=ind,
        raw=rules.q2(value),
        score=score,
        weight=ind.weight,
        points=rules.points(score, ind.weight),
        origin=origin,
        source_label=label,
        as_of=as_of,
        detail=detail[:300],
    )


@transaction.atomic
def results_compute(
    *, actor: User, scheme: Scheme, now: dt.datetime | None = None, reader: Any = None
) -> int:
    """Every school's scorecard for the scheme, replacing the last computation: each indicator's
    raw value from its source (read as the bureau of the district) or from the school's entry,
    scored by its rule and weighted. Returns the number of schools scored."""
    from edugov.rectification.findings import BureauReader

    ensure_can(actor, action("compute"), scheme.area)
    now = now or timezone.now()
    schools = scheme_schools(scheme)
    ids = tuple(s.pk for s in schools)
    indicators = list(
        Indicator.objects.filter(dimension__scheme=scheme)
        .select_related("dimension")
        .order_by("dimension__order", "order", "pk")
    )
    ctx = SourceContext(
        reader=reader or BureauReader(area=scheme.area),
        school_year=scheme.school_year,
        school_ids=ids,
        as_of=now,
    )
    values: dict[str, dict[int, SourceValue]] = {}
    for code in sorted({i.source for i in indicators if i.source}):
        src = get_source(code)
        values[code] = dict(src.fn(ctx)) if src is not None else {}
    entries = {
        (e.indicator_id, e.school_id): e
        for e in Entry.objects.filter(indicator__dimension__scheme=scheme).select_related("entered_by")
    }
    SchoolResult.objects.filter(scheme=scheme).delete()
    lines: list[ResultLine] = []
    for school in schools:
        own = [i for i in indicators if i.school_id in (None, school.pk)]
        card: list[ResultLine] = []
        for ind in own:
            if ind.source:
                src = get_source(ind.source)
                label = src.label if src is not None else ind.source
                sv = values.get(ind.source, {}).get(school.pk)
                card.append(
                    _line(
                        ind, sv.value if sv else None, Origin.DATA, label, now, sv.detail if sv else "无数据"
                    )
                )
            else:
                e = entries.get((ind.pk, school.pk))
                who = (e.entered_by.display_name or e.entered_by.username) if e and e.entered_by else ""
                detail = (
                    f"{who}于{timezone.localtime(e.entered_at):%Y-%m-%d}填报"
                    + (f"；{e.note}" if e.note else "")
                    + (f"；佐证：{e.evidence_name}" if e.evidence_name else "；无佐证材料")
                    if e
                    else "未填报"
                )
                card.append(
                    _line(
                        ind,
                        e.value if e else None,
                        Origin.ENTERED,
                        "学校填报",
                        e.entered_at if e else None,
                        detail,
                    )
                )
        result = SchoolResult.objects.create(
            scheme=scheme,
            school=school,
            total=rules.q2(sum((line.points for line in card), Decimal(0))),
            from_data=sum(1 for i in own if i.source),
            entered=sum(1 for i in own if not i.source),
            missing=sum(1 for line in card if line.origin == Origin.MISSING),
            computed_at=now,
        )
        for line in card:
            line.result = result
        lines.extend(card)
    ResultLine.objects.bulk_create(lines)
    audit_record(
        action=AuditAction.UPDATE,
        instance=scheme,
        actor=actor,
        changes={"computed": len(schools), "lines": len(lines), "as_of": now.isoformat()},
    )
    return len(schools)


# -- teaching routine ------------------------------------------------------------------------------


@transaction.atomic
def checklist_create(
    *, actor: User, area: Area, name: str, checks: Sequence[tuple[str, str]], source: str = ""
) -> RoutineChecklist:
    ensure_can(actor, action("checklist_edit"), area)
    name = _text(name, "检查表名称", 100)
    if not checks:
        raise DomainError(E.NO_CHECKS)
    if len(checks) > MAX_CHECKS:
        raise DomainError(E.TOO_MANY, field="检查内容", limit=MAX_CHECKS)
    rows = []
    for category, text in checks:
        if category not in RoutineCategory.values:
            raise DomainError(E.BAD_FIELD, field="环节", reason="取值无效")
        rows.append((category, _text(text, "检查内容", 200)))
    checklist = RoutineChecklist.objects.create(area=area, name=name, source=(source or "").strip()[:200])
    RoutineCheck.objects.bulk_create(
        RoutineCheck(checklist=checklist, category=c, text=t, order=i) for i, (c, t) in enumerate(rows)
    )
    audit_record(action=AuditAction.CREATE, instance=checklist, actor=actor, changes={"checks": len(rows)})
    return checklist


def default_checks() -> tuple[str, str, list[tuple[str, str]]]:
    """The default checklist (data/routine_checklist.toml): name, source and (category, text) pairs."""
    data = tomllib.loads((DATA / "routine_checklist.toml").read_text(encoding="utf-8"))
    return data["name"], data["source"], [(c["category"], c["text"]) for c in data["checks"]]


def checklist_create_default(*, actor: User, area: Area) -> RoutineChecklist:
    name, source, checks = default_checks()
    return checklist_create(actor=actor, area=area, name=name, checks=checks, source=source)


@dataclass(frozen=True)
class MarkInput:
    check_id: int
    passed: bool
    note: str = ""


@transaction.atomic
def inspection_record(
    *,
    actor: User,
    school: School,
    checklist: RoutineChecklist,
    inspected_on: dt.date,
    marks: Sequence[MarkInput],
    note: str = "",
    now: dt.datetime | None = None,
) -> RoutineInspection:
    """A teaching-routine inspection: every check of the checklist marked passed or not (a failed
    one with what was wrong). The shortfalls become one rectification item at once, through the
    same finding the periodic source yields (idempotent on its cause key)."""
    from .findings import routine_finding

    ensure_can(actor, action("inspect"), school)
    now = now or timezone.now()
    if not school.area.path.startswith(checklist.area.path):
        raise DomainError(E.BAD_FIELD, field="检查表", reason="不适用于该校")
    if inspected_on > timezone.localdate(now):
        raise DomainError(E.FUTURE_DATE)
    checks = {c.pk: c for c in checklist.checks.all()}
    given = {m.check_id: m for m in marks if m.check_id in checks}
    if len(given) < len(checks):
        raise DomainError(E.MARKS_INCOMPLETE, n=len(checks) - len(given))
    for m in given.values():
        if len((m.note or "").strip()) > 300:
            raise DomainError(E.BAD_FIELD, field="问题说明", reason="不能超过300字")
        if not m.passed and not (m.note or "").strip():
            raise DomainError(E.FAIL_NEEDS_NOTE, text=checks[m.check_id].text)
    if len((note or "").strip()) > 500:
        raise DomainError(E.BAD_FIELD, field="总体评价", reason="不能超过500字")
    inspection = RoutineInspection.objects.create(
        school=school,
        checklist=checklist,
        inspected_on=inspected_on,
        note=(note or "").strip(),
        created_by=actor,
    )
    RoutineMark.objects.bulk_create(
        RoutineMark(inspection=inspection, check_item_id=pk, passed=m.passed, note=(m.note or "").strip())
        for pk, m in given.items()
    )
    finding = routine_finding(inspection, now=now)
    if finding is not None:
        rectification.item_create_system(finding=finding, now=now, created_by=actor)
    audit_record(
        action=AuditAction.CREATE,
        instance=inspection,
        actor=actor,
        changes={"school": school.pk, "failed": sum(1 for m in given.values() if not m.passed)},
    )
    return inspection


@transaction.atomic
def survey_save(
    *, actor: User, school: School, school_year: SchoolYear, respondent: str, respondents: int, satisfied: int
) -> SatisfactionSurvey:
    """A year's after-school satisfaction counts of one school's parents or pupils (a second save
    replaces the first)."""
    ensure_can(actor, action("survey_edit"), school)
    if respondent not in ("parents", "pupils"):
        raise DomainError(E.BAD_FIELD, field="调查对象", reason="取值无效")
    for label, n in (("答卷数", respondents), ("满意数", satisfied)):
        if not 0 <= n <= 100000:
            raise DomainError(E.BAD_FIELD, field=label, reason="应在0至100000之间")
    if satisfied > respondents:
        raise DomainError(E.SURVEY_COUNTS)
    row, created = SatisfactionSurvey.objects.update_or_create(
        school=school,
        school_year=school_year,
        respondent=respondent,
        defaults={"respondents": respondents, "satisfied": satisfied},
    )
    audit_record(
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        instance=row,
        actor=actor,
        changes={"respondent": respondent, "respondents": respondents, "satisfied": satisfied},
    )
    return row
