"""The findings sync: run one registered finding source and bring its items in line with what it
finds (new causes open items, returning causes reopen them, vanished causes are marked)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction

from edugov.audit.models import AuditAction, AuditEvent
from edugov.audit.services import audit_bulk, audit_record
from edugov.common.errors import DomainError
from edugov.registry.models import Area, School

from ..errors import RectificationError as E
from ..findings import Finding, FindingContext, get_finding_source
from ..models import (
    EventAction,
    ItemEvent,
    ItemStatus,
    RectificationItem,
    UnitKind,
)
from .items import UnitInfo, _decimal, _event, _new_item
from .transitions import _now, _today
from .workflow import _reopen


@dataclass
class SyncResult:
    source: str
    found: int = 0
    created: int = 0
    reopened: int = 0
    still_open: int = 0
    cause_gone: int = 0
    cause_back: int = 0
    created_ids: list[int] = field(default_factory=list)


@transaction.atomic
def findings_sync(*, source: str, area: Area | None = None, now: dt.datetime | None = None) -> SyncResult:
    """Run one registered finding source and bring its items in line: a new cause gets one open
    item, a closed item whose cause is found again reopens, an open item whose cause is no longer
    found is marked (it still closes only by verification)."""
    now = _now(now)
    registered = get_finding_source(source)
    if registered is None:
        raise DomainError(E.UNKNOWN_SOURCE, source=source[:64])
    findings: dict[str, Finding] = {}
    for f in registered.fn(FindingContext(now=now, area=area)):
        f.check()
        findings.setdefault(f.cause_key, f)
    result = SyncResult(source=source, found=len(findings))

    existing_qs = RectificationItem.objects.filter(finding_source=source)
    if area is not None:
        existing_qs = existing_qs.filter(area__path__startswith=area.path)
    existing = {i.cause_key: i for i in existing_qs}
    # A cause may have been raised under another source name before; the key stays unique.
    others = set(
        RectificationItem.objects.filter(
            cause_key__in=[k for k in findings if k not in existing]
        ).values_list("cause_key", flat=True)
    )

    # New causes: bulk, because a first run over a district finds hundreds.
    schools = School.objects.in_bulk(
        {f.unit.id for k, f in findings.items() if k not in existing and f.unit.kind == UnitKind.SCHOOL}
    )
    areas = Area.objects.in_bulk(
        {f.unit.id for k, f in findings.items() if k not in existing and f.unit.kind == UnitKind.AREA}
        | {f.unit.area_id for f in findings.values() if f.unit.area_id}
        | {s.area_id for s in schools.values()}
    )
    new_items: list[RectificationItem] = []
    today = _today(now)
    for key, f in findings.items():
        if key in existing or key in others:
            continue
        if f.unit.kind == UnitKind.SCHOOL:
            s = schools.get(f.unit.id)
            if s is None:
                continue
            unit = UnitInfo(UnitKind.SCHOOL, s, None, areas[s.area_id], s.name, s.longitude, s.latitude)
        elif f.unit.kind == UnitKind.AREA:
            a = areas.get(f.unit.id)
            if a is None:
                continue
            unit = UnitInfo(UnitKind.AREA, None, None, a, a.name, None, None)
        else:
            a = areas.get(f.unit.area_id or 0)
            if a is None:
                continue
            unit = UnitInfo(
                UnitKind.INSTITUTION,
                None,
                f.unit.id,
                a,
                f.unit.name or f"机构{f.unit.id}",
                _decimal(f.unit.longitude),
                _decimal(f.unit.latitude),
            )
        new_items.append(
            _new_item(
                unit=unit,
                now=now,
                title=f.title[:200],
                source=registered.item_source,
                finding_source=source,
                cause_key=key,
                cause_checked_at=now,
                department=f.department,
                deadline=today + dt.timedelta(days=f.deadline_days),
                severity=f.severity,
                evidence=f.evidence,
                evidence_data=dict(f.data),
                required_action=f.required_action,
            )
        )
    if new_items:
        RectificationItem.objects.bulk_create(new_items, batch_size=1000)
        # bulk_create sets primary keys on PostgreSQL and SQLite ≥ 3.35; fetch them to be safe.
        created = list(
            RectificationItem.objects.filter(cause_key__in=[i.cause_key for i in new_items]).select_related(
                "area"
            )
        )
        ItemEvent.objects.bulk_create(
            [
                _event(
                    item=i,
                    action=EventAction.CREATE,
                    actor=None,
                    now=now,
                    to_status=ItemStatus.OPEN,
                    comment=f"数据发现：{registered.label}",
                    save=False,
                )
                for i in created
            ],
            batch_size=2000,
        )
        audit_bulk(
            events=[
                AuditEvent(
                    actor=None,
                    actor_name="系统",
                    source="task",
                    action=AuditAction.CREATE,
                    model=RectificationItem._meta.label,
                    object_id=str(i.pk),
                    object_repr=str(i)[:200],
                    changes={"finding_source": source, "cause_key": i.cause_key},
                    area_path=i.area.path,
                )
                for i in created
            ]
        )
        result.created = len(created)
        result.created_ids = [i.pk for i in created]

    for key, item in existing.items():
        again = findings.get(key)
        if again is not None and item.status == ItemStatus.CLOSED:
            _reopen(
                item=item,
                actor=None,
                now=now,
                comment=f"数据复核：问题仍存在（{registered.label}）",
                finding=again,
            )
            result.reopened += 1
        elif again is not None:
            result.still_open += 1
            changed = ["cause_checked_at", "evidence", "evidence_data"]
            item.cause_checked_at, item.evidence, item.evidence_data = now, again.evidence, dict(again.data)
            if not item.cause_present:
                item.cause_present = True
                changed.append("cause_present")
                _event(
                    item=item,
                    action=EventAction.CAUSE_BACK,
                    actor=None,
                    now=now,
                    from_status=item.status,
                    to_status=item.status,
                    comment=again.evidence[:500],
                )
                result.cause_back += 1
            item.save(update_fields=changed)
        elif item.cause_present:
            item.cause_present = False
            item.cause_checked_at = now
            item.save(update_fields=["cause_present", "cause_checked_at"])
            _event(
                item=item,
                action=EventAction.CAUSE_GONE,
                actor=None,
                now=now,
                from_status=item.status,
                to_status=item.status,
                comment=f"最近一次计算未再发现该问题（{registered.label}）",
            )
            audit_record(action=AuditAction.UPDATE, instance=item, changes={"cause_present": [True, False]})
            result.cause_gone += 1
    return result


def findings_sync_all(*, area: Area | None = None, now: dt.datetime | None = None) -> list[SyncResult]:
    from ..findings import finding_sources

    return [findings_sync(source=s.name, area=area, now=now) for s in finding_sources()]
