"""The daily risk snapshot and its alerts (the inputs are one set-based query, tutoring/risk_inputs.py)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from edugov.accounts.models import User
from edugov.accounts.policy import ensure_can
from edugov.common.cache import bump_on_commit

from .. import risk as risk_rules
from .. import rules
from ..models import Alert, AlertKind, Institution, RiskSnapshot


def compute_inputs(
    *, on: dt.date, institution_ids: list[int] | None = None
) -> dict[int, risk_rules.RiskInput]:
    """The score's inputs for every institution as of `on`: one set-based Ibis expression
    (tutoring/risk_inputs.py) run on the operational database."""
    from ..risk_inputs import compute_inputs as _compute

    return _compute(on=on, institution_ids=institution_ids)


@transaction.atomic
def risk_compute(*, on: dt.date, institution_ids: list[int] | None = None, actor: User | None = None) -> int:
    """Recompute the day's snapshot for every institution and raise the alerts; idempotent per day.
    `actor` None is the schedule or the command line; a user must be allowed to ask for it."""
    if actor is not None:
        ensure_can(actor, "tutoring.risk_compute")
    inputs = compute_inputs(on=on, institution_ids=institution_ids)
    previous = dict(
        RiskSnapshot.objects.filter(
            institution_id__in=list(inputs), date=on - dt.timedelta(days=1)
        ).values_list("institution_id", "score")
    )
    area_paths = dict(Institution.objects.filter(pk__in=list(inputs)).values_list("pk", "area__path"))
    names = dict(Institution.objects.filter(pk__in=list(inputs)).values_list("pk", "name"))
    limits_cache: dict[str, rules.Limits] = {}
    snapshots: list[RiskSnapshot] = []
    alerts: list[Alert] = []
    for iid, data in inputs.items():
        res = risk_rules.score(data)
        path = area_paths[iid]
        limits = limits_cache.get(path) or limits_cache.setdefault(path, rules.limits_for(path))
        snapshots.append(
            RiskSnapshot(
                institution_id=iid, date=on, unconsumed=data.unconsumed, custody_balance=data.custody_balance,
                coverage=res.coverage, sales_30d=data.sales_30d, consumed_30d=data.consumed_30d,
                consumed_prev_30d=data.consumed_prev_30d, refund_backlog=data.refund_backlog,
                refund_backlog_amount=data.refund_backlog_amount, complaints_30d=data.complaints_30d,
                status_changes_90d=data.adverse_status_90d, score=res.score, level=res.level,
                reasons=res.reasons,
            )
        )  # fmt: skip
        if res.coverage is not None and res.coverage < limits.coverage_alert_below:
            alerts.append(
                Alert(
                    institution_id=iid,
                    date=on,
                    kind=AlertKind.COVERAGE,
                    message=f"{names[iid]}资金覆盖率{res.coverage * 100:.0f}%，"
                    f"低于预警线{limits.coverage_alert_below * 100:.0f}%",
                )
            )
        before = previous.get(iid)
        if before is not None and res.score - before >= limits.score_jump_alert:
            alerts.append(
                Alert(
                    institution_id=iid,
                    date=on,
                    kind=AlertKind.SCORE_JUMP,
                    message=f"{names[iid]}风险分由{before}分升至{res.score}分",
                )
            )
    RiskSnapshot.objects.filter(institution_id__in=list(inputs), date=on).delete()
    RiskSnapshot.objects.bulk_create(snapshots, batch_size=1000)
    Alert.objects.filter(institution_id__in=list(inputs), date=on).delete()
    Alert.objects.bulk_create(alerts, batch_size=1000)
    bump_on_commit()  # a bulk write the job path records no audit for: cached figures move on commit
    return len(snapshots)
