"""Keeping the groups' effect up to date: a change to what it is computed from marks the group's
stored effect for recomputation, and a refresh computes the marked ones (the periodic job, the
task a membership change enqueues, the demo build). Pages only read what is stored.

What the effect is computed from: the group's own lead school and members (marked by the group
services at once), and the registry, 优质均衡 conditions, assessments and fitness results, and
teacher-year records of its district (noticed in the audit trail, which every write of those records,
imports included, leaves)."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from edugov.accounts.models import User
from edugov.audit.models import SYSTEM_SCOPE, AuditEvent
from edugov.audit.services import NON_DATA_ACTIONS

from ..effect import MetRows, balanced_met, district_of, effect_labels, effect_payload, snapshot_outdated
from ..effect import standards_key as _standards_key
from ..models import EffectSnapshot, SchoolGroup

# The records the effect reads, as audit model labels: whole apps by prefix, or one model (of
# workforce only the teacher-year records the staffing figure reads, not studios, rounds or ethics).
SOURCE_APPS = ("registry.", "resources.", "quality.")
SOURCE_MODELS = ("groups.SchoolGroup", "groups.Membership", "workforce.TeacherYear", "workforce.SubjectLoad")
# A write is audited inside its transaction and committed a moment later: a change audited this
# long before a computation began may not have been visible to it, so it still marks the group
# (at worst one computation more).
COMMIT_SLACK = dt.timedelta(minutes=5)


def effect_mark_stale(*, group_ids: Iterable[int], now: dt.datetime | None = None) -> int:
    """Mark groups' stored effect for recomputation (created marked when there is none yet); the
    mark already set keeps its first time. Returns the groups newly marked."""
    now = now or timezone.now()
    ids = set(group_ids)
    if not ids:
        return 0
    have = set(EffectSnapshot.objects.filter(group_id__in=ids).values_list("group_id", flat=True))
    EffectSnapshot.objects.bulk_create(
        [EffectSnapshot(group_id=pk, stale_since=now) for pk in sorted(ids - have)], ignore_conflicts=True
    )
    marked = EffectSnapshot.objects.filter(group_id__in=ids & have, stale_since__isnull=True).update(
        stale_since=now
    )
    return marked + len(ids - have)


def effect_changed_on_commit(group: SchoolGroup) -> None:
    """Called by the group services inside their transaction: mark the group now and, once the
    change is committed, have the task worker recompute it (the periodic job would otherwise)."""
    effect_mark_stale(group_ids=[group.pk])
    pk = group.pk

    def enqueue() -> None:
        from ..tasks import effect_refresh_task

        effect_refresh_task.enqueue([pk])

    transaction.on_commit(enqueue)


def _source_changes() -> Q:
    q = Q(model__in=SOURCE_MODELS)
    for prefix in SOURCE_APPS:
        q |= Q(model__startswith=prefix)
    return q


def effect_mark_changed(*, now: dt.datetime | None = None) -> int:
    """Mark the groups whose figures' sources changed since they were computed: a data-changing
    audit event on a source record in the group's district (or one no area owns) after the
    computation began (less the commit slack). One query per district. Returns the groups marked."""
    now = now or timezone.now()
    snapshots = list(
        EffectSnapshot.objects.filter(stale_since__isnull=True, computed_at__isnull=False).select_related(
            "group__lead_school__area"
        )
    )
    by_district: dict[str, list[EffectSnapshot]] = {}
    for snap in snapshots:
        district = district_of(snap.group.lead_school)
        by_district.setdefault(district.path if district else "", []).append(snap)
    stale: list[int] = []
    for path, snaps in by_district.items():
        since = min(s.computed_at for s in snaps if s.computed_at is not None) - COMMIT_SLACK
        where = Q(area_path="") | Q(area_path=SYSTEM_SCOPE)
        if path:
            where |= Q(area_path__startswith=path)
        latest = (
            AuditEvent.objects.filter(_source_changes(), where, at__gt=since)
            .exclude(action__in=NON_DATA_ACTIONS)
            .aggregate(last=Max("at"))["last"]
        )
        if latest is None:
            continue
        stale += [
            s.group_id for s in snaps if s.computed_at is not None and latest > s.computed_at - COMMIT_SLACK
        ]
    return effect_mark_stale(group_ids=stale, now=now)


def effect_refresh(*, group_ids: Iterable[int] | None = None, force: bool = False) -> int:
    """Compute and store the effect of the groups that need it: marked, never computed, computed for
    other school years or other standards (`force`: every group named, or all). A district's
    evaluation is read once per year for all its groups. Returns the groups computed."""
    from edugov.reports import read_as

    rows = SchoolGroup.objects.select_related("lead_school", "lead_school__area").order_by("pk")
    if group_ids is not None:
        rows = rows.filter(pk__in=list(group_ids))
    snaps = {s.group_id: s for s in EffectSnapshot.objects.filter(group__in=rows)}
    labels, standards = effect_labels(), _standards_key()
    due = [g for g in rows if force or g.pk not in snaps or snapshot_outdated(snaps[g.pk], labels, standards)]
    met = functools.cache(balanced_met)  # each district's year evaluated once in this refresh

    def met_once(school_year_id: int, district_id: int) -> MetRows:
        return met(school_year_id, district_id)

    reader = read_as(None)
    for group in due:
        _store(group, reader=reader, met=met_once, labels=labels, standards=standards)
    return len(due)


def _store(
    group: SchoolGroup,
    *,
    reader: User,
    met: Callable[[int, int], MetRows],
    labels: list[str],
    standards: str,
) -> None:
    """Compute one group (outside a transaction: the figures' shared caches apply) and store it.
    The mark is cleared only if it came before the computation began; a newer one stays."""
    started = timezone.now()
    payload = effect_payload(group, reader=reader, met=met)
    with transaction.atomic():
        snap, _created = EffectSnapshot.objects.select_for_update().get_or_create(group=group)
        snap.computed_at = started
        if snap.stale_since is not None and snap.stale_since <= started:
            snap.stale_since = None
        snap.years, snap.standards, snap.payload = labels, standards, payload
        snap.save()
