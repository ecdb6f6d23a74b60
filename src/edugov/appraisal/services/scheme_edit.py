"""Editing a district's scheme from the page or the API, and withdrawing its computed results.

A scheme whose results have been computed (and so shown to the district and downloadable) is not
changed under them: editing is refused until the office withdraws the results, an audited act
that keeps the withdrawn totals in the audit record; the next computation then uses the edited
scheme. Indicators are edited in place (by id), so the values schools entered stay with them; an
indicator schools have entered cannot be removed or turned into a data item, and the "N" weight
cannot move away from what schools' own items already fill."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal

from django.db import transaction
from django.db.models import Count

from edugov.accounts.models import User
from edugov.accounts.policy import ensure_can
from edugov.audit.models import AuditAction
from edugov.audit.services import audit_record
from edugov.common.errors import DomainError

from ..errors import AppraisalError as E
from ..models import Dimension, DimensionKind, Entry, Indicator, Scheme, SchoolResult
from ..permissions import action
from .schemes import DimensionInput, IndicatorInput, _create_indicator, _num, check_scheme


def _check_edit(scheme: Scheme, n_weight: Decimal, inputs: list[IndicatorInput]) -> set[int]:
    """The refusals that depend on what the scheme already holds; returns the removed ids."""
    done = SchoolResult.objects.filter(scheme=scheme).count()
    if done:
        raise DomainError(E.SCHEME_HAS_RESULTS, n=done)
    existing = {i.pk: i for i in Indicator.objects.filter(dimension__scheme=scheme, school__isnull=True)}
    named = [i.pk for i in inputs if i.pk is not None]
    if len(set(named)) != len(named) or any(pk not in existing for pk in named):
        raise DomainError(E.NOT_THIS_SCHEME)
    removed = set(existing) - set(named)
    resourced = {i.pk for i in inputs if i.pk is not None and i.source != existing[i.pk].source}
    entered = dict(
        Entry.objects.filter(indicator__in=removed | resourced)
        .values("indicator")
        .annotate(n=Count("pk"))
        .values_list("indicator", "n")
    )
    for pk, n in sorted(entered.items()):
        if n:
            raise DomainError(E.INDICATOR_HAS_ENTRIES, name=existing[pk].name, n=n)
    if n_weight != scheme.characteristic_weight:
        per_school: dict[int, Decimal] = defaultdict(Decimal)
        for school_id, weight in Indicator.objects.filter(
            dimension__scheme=scheme, school__isnull=False
        ).values_list("school_id", "weight"):
            per_school[school_id] += weight
        if per_school:
            raise DomainError(
                E.N_ITEMS_SET, n=len(per_school), old=_num(scheme.characteristic_weight), new=_num(n_weight)
            )
    return removed


@transaction.atomic
def scheme_update(
    *,
    actor: User,
    scheme: Scheme,
    name: str,
    characteristic_weight: Decimal,
    dimensions: Sequence[DimensionInput],
) -> Scheme:
    """Replace a scheme's name, "N" weight, dimensions and common indicators. The same checks as
    creating it (weights make 100%), and the refusals above; nothing is written on a refusal."""
    ensure_can(actor, action("scheme_edit"), scheme.area)
    scheme = Scheme.objects.select_for_update(of=("self",)).select_related("area").get(pk=scheme.pk)
    name, n_weight, checked, common = check_scheme(name, characteristic_weight, dimensions)
    removed = _check_edit(scheme, n_weight, [i for _, _, inds in checked for i in inds])
    before = {
        "name": scheme.name,
        "n": str(scheme.characteristic_weight),
        "indicators": [
            f"{i.name}:{i.weight}"
            for i in Indicator.objects.filter(dimension__scheme=scheme, school__isnull=True)
        ],
    }
    scheme.name, scheme.characteristic_weight = name, n_weight
    scheme.save(update_fields=["name", "characteristic_weight"])
    Indicator.objects.filter(pk__in=removed).delete()
    dims = {
        (d.kind, d.name): d
        for d in scheme.dimensions.exclude(kind=DimensionKind.CHARACTERISTIC).order_by("order", "pk")
    }
    kept: set[int] = set()
    for order, (kind, dim_name, inds) in enumerate(checked):
        if kind == DimensionKind.CHARACTERISTIC:
            continue
        dimension = dims.get((kind, dim_name))
        if dimension is None:
            dimension = Dimension.objects.create(scheme=scheme, kind=kind, name=dim_name, order=order)
            dims[(kind, dim_name)] = dimension
        elif dimension.order != order:
            dimension.order = order
            dimension.save(update_fields=["order"])
        kept.add(dimension.pk)
        for i, ind in enumerate(inds):
            if ind.pk is None:
                _create_indicator(dimension, ind, i, None)
                continue
            Indicator.objects.filter(pk=ind.pk).update(
                dimension=dimension,
                name=ind.name,
                source=ind.source,
                rule=ind.rule,
                floor=ind.floor,
                target=ind.target,
                thresholds=ind.thresholds,
                weight=ind.weight,
                order=i,
            )
    scheme.dimensions.exclude(kind=DimensionKind.CHARACTERISTIC).exclude(pk__in=kept).delete()
    n_dim = scheme.dimensions.filter(kind=DimensionKind.CHARACTERISTIC).first()
    if n_weight > 0 and n_dim is None:
        Dimension.objects.create(
            scheme=scheme, kind=DimensionKind.CHARACTERISTIC, name="特色发展", order=len(checked)
        )
    audit_record(
        action=AuditAction.UPDATE,
        instance=scheme,
        actor=actor,
        changes={
            "before": before,
            "after": {
                "name": name,
                "n": str(n_weight),
                "common": str(common),
                "indicators": [f"{i.name}:{i.weight}" for _, _, inds in checked for i in inds],
            },
        },
    )
    return scheme


@transaction.atomic
def results_withdraw(*, actor: User, scheme: Scheme) -> int:
    """Withdraw a scheme's computed results (so that it may be edited): the audit record keeps
    every withdrawn school's total. Returns how many schools' results were withdrawn."""
    ensure_can(actor, action("compute"), scheme.area)
    rows = list(SchoolResult.objects.select_for_update().filter(scheme=scheme).order_by("pk"))
    if not rows:
        raise DomainError(E.NO_RESULTS)
    audit_record(
        action=AuditAction.DELETE,
        instance=scheme,
        actor=actor,
        changes={
            "withdrawn_results": {str(r.school_id): str(r.total) for r in rows},
            "computed_at": rows[0].computed_at.isoformat(),
        },
    )
    SchoolResult.objects.filter(pk__in=[r.pk for r in rows]).delete()
    return len(rows)
