"""Computing the schools' scorecards from the scheme's indicators and their sources."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from edugov.accounts.models import User
from edugov.accounts.policy import ensure_can
from edugov.audit.models import AuditAction
from edugov.audit.services import audit_record
from edugov.registry.models import School, SchoolType

from .. import rules
from ..models import (
    Entry,
    Indicator,
    Origin,
    ResultLine,
    Scheme,
    SchoolResult,
)
from ..permissions import action
from ..sources import SourceContext, SourceValue, get_source

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


def results_compute(
    *, actor: User, scheme: Scheme, now: dt.datetime | None = None, reader: Any = None
) -> int:
    """Every school's scorecard for the scheme, replacing the last computation: each indicator's
    raw value from its source (read as the bureau of the district) or from the school's entry,
    scored by its rule and weighted. Returns the number of schools scored.

    The sources are read before the write transaction opens: inside one, the modules' cached
    figures are bypassed (common.cache), so a source would recompute what the pages cached."""
    ensure_can(actor, action("compute"), scheme.area)
    now = now or timezone.now()
    values = _source_values(scheme=scheme, now=now, reader=reader)
    return _results_write(actor=actor, scheme=scheme, now=now, values=values)


def _source_values(*, scheme: Scheme, now: dt.datetime, reader: Any) -> dict[str, dict[int, SourceValue]]:
    from edugov.rectification.findings import BureauReader

    codes = set(
        Indicator.objects.filter(dimension__scheme=scheme).exclude(source="").values_list("source", flat=True)
    )
    ctx = SourceContext(
        reader=reader or BureauReader(area=scheme.area),
        school_year=scheme.school_year,
        school_ids=tuple(s.pk for s in scheme_schools(scheme)),
        as_of=now,
    )
    values: dict[str, dict[int, SourceValue]] = {}
    for code in sorted(codes):
        src = get_source(code)
        values[code] = dict(src.fn(ctx)) if src is not None else {}
    return values


@transaction.atomic
def _results_write(
    *, actor: User, scheme: Scheme, now: dt.datetime, values: dict[str, dict[int, SourceValue]]
) -> int:
    schools = scheme_schools(scheme)
    indicators = list(
        Indicator.objects.filter(dimension__scheme=scheme)
        .select_related("dimension")
        .order_by("dimension__order", "order", "pk")
    )
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
