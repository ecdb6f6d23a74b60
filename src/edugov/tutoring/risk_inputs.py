"""The daily risk score's inputs (docs/tutoring-risk-score.md) as one Ibis expression: one row per
institution, set-based over orders, consumption, refunds, custody statements, complaints and status
changes. The same definition runs on SQLite and PostgreSQL (the operational database) and on DuckDB
(the warehouse's Parquet files, province scale); the points are then given by `risk.score()`."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import ibis
import pandas as pd
from django.db import connection

from edugov.indicators.backends import Workspace

from . import risk as risk_rules
from .models import (
    Complaint,
    Consumption,
    CustodyStatement,
    Institution,
    InstitutionStatus,
    Order,
    Refund,
    RefundStatus,
    StatusChange,
)

RISK_TABLES = {
    "institution": Institution,
    "order": Order,
    "consumption": Consumption,
    "refund": Refund,
    "statement": CustodyStatement,
    "complaint": Complaint,
    "status_change": StatusChange,
}
ADVERSE = (InstitutionStatus.RECTIFYING.value, InstitutionStatus.SUSPENDED.value)
CLOSED = (InstitutionStatus.REVOKED.value, InstitutionStatus.CLOSED.value)
CENT = Decimal("0.01")
MONEY = (
    "sales",
    "sales_old",
    "sales_30",
    "consumed",
    "consumed_old",
    "cons_30",
    "cons_prev",
    "refunded",
    "refunded_old",
    "backlog_amount",
    "balance_now",
    "balance_old",
    "risk_reserve",
)


def default_engine() -> str:
    return "postgres" if connection.vendor == "postgresql" else "sqlite"


def risk_workspace(engine: str | None = None) -> Workspace:
    return Workspace(engine or default_engine(), RISK_TABLES)


def _latest_balance(st: Any, upto: Any, prefix: str) -> Any:
    """Per institution: the date and balance of the latest statement on or before `upto`."""
    upto_rows = st.filter(st.date <= upto)
    last = upto_rows.group_by(upto_rows.institution_id).aggregate(**{f"{prefix}_day": upto_rows.date.max()})
    rows = upto_rows.select(
        s_inst=upto_rows.institution_id, s_day=upto_rows.date, s_balance=upto_rows.balance
    )
    joined = last.join(rows, (last.institution_id == rows.s_inst) & (last[f"{prefix}_day"] == rows.s_day))
    return joined.select(
        institution_id=joined.institution_id,
        **{f"{prefix}_day": joined[f"{prefix}_day"], f"balance_{prefix}": joined.s_balance},
    )


def risk_input_table(ws: Workspace, *, on: dt.date, institution_ids: list[int] | None = None) -> Any:
    """One row per institution with every input of the score as of `on` (money as float64 sums)."""
    d0 = ibis.literal(on)
    d30 = ibis.literal(on - dt.timedelta(days=30))
    d60 = ibis.literal(on - dt.timedelta(days=60))
    d90 = ibis.literal(on - dt.timedelta(days=90))
    inst = ws.table("institution")
    if institution_ids is not None:
        inst = inst.filter(inst.id.isin(list(institution_ids)))
    base = inst.select(
        institution_id=inst.id,
        status=inst.status,
        custody_mode=inst.custody_mode,
        risk_reserve=inst.risk_reserve.cast("float64"),
    )

    o = ws.table("order")
    o = o.filter(o.paid_on <= d0)
    orders = o.group_by(o.institution_id).aggregate(
        sales=o.amount.sum(),
        sales_old=o.amount.sum(where=o.paid_on <= d30),
        sales_30=o.amount.sum(where=o.paid_on > d30),
    )
    c = ws.table("consumption")
    c = c.filter(c.date <= d0)
    cons = c.group_by(c.institution_id).aggregate(
        consumed=c.amount.sum(),
        consumed_old=c.amount.sum(where=c.date <= d30),
        cons_30=c.amount.sum(where=c.date > d30),
        cons_prev=c.amount.sum(where=(c.date > d60) & (c.date <= d30)),
    )
    r = ws.table("refund")
    paid = r.filter((r.status == RefundStatus.PAID.value) & (r.paid_on <= d0))
    refunded = paid.group_by(paid.institution_id).aggregate(
        refunded=paid.amount.sum(), refunded_old=paid.amount.sum(where=paid.paid_on <= d30)
    )
    waiting = r.filter(
        (r.requested_on <= d0)
        & (
            (r.status == RefundStatus.REQUESTED.value)
            | ((r.status == RefundStatus.PAID.value) & (r.paid_on > d0))
        )
    )
    backlog = waiting.group_by(waiting.institution_id).aggregate(
        backlog=waiting.count(), backlog_amount=waiting.amount.sum()
    )
    cp = ws.table("complaint")
    cp = cp.filter(cp.institution_id.notnull() & (cp.submitted_on > d30) & (cp.submitted_on <= d0))
    complaints = cp.group_by(cp.institution_id).aggregate(complaints=cp.count())
    sc = ws.table("status_change")
    sc = sc.filter(sc.to_status.isin(list(ADVERSE)) & (sc.changed_on > d90) & (sc.changed_on <= d0))
    adverse = sc.group_by(sc.institution_id).aggregate(adverse=sc.count())
    st = ws.table("statement")
    now = _latest_balance(st, d0, "now")
    old = _latest_balance(st, d30, "old")

    parts = [orders, cons, refunded, backlog, complaints, adverse, now, old]
    # One flat join chain (SQLite's parser refuses deeply nested subqueries).
    parts = [p.rename(**{f"k{i}": "institution_id"}) for i, p in enumerate(parts)]
    out = base
    for i, part in enumerate(parts):
        out = out.left_join(part, base.institution_id == part[f"k{i}"])
    keep = [c for c in out.columns if not (c.startswith("k") and c[1:].isdigit())]
    out = out.select(*keep)
    fill = {name: 0.0 for name in MONEY if name not in ("risk_reserve",)}
    fill.update(backlog=0, complaints=0, adverse=0)
    return out.fill_null(fill).order_by("institution_id")


def _money(value: Any) -> Decimal:
    if value is None or (isinstance(value, float) and value != value):
        return Decimal(0)
    # Sums of amounts in cents come back as floats on some engines: back to exact cents.
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def _day(value: Any) -> dt.date | None:
    if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return pd.Timestamp(value).date()


def inputs_from_frame(frame: pd.DataFrame, *, on: dt.date) -> dict[int, risk_rules.RiskInput]:
    """RiskInput per institution from the expression's rows (exact decimals, Python dates)."""
    result: dict[int, risk_rules.RiskInput] = {}
    for row in frame.to_dict("records"):
        m = {name: _money(row[name]) for name in MONEY}
        unconsumed = m["sales"] - m["consumed"] - m["refunded"]
        unconsumed_old = m["sales_old"] - m["consumed_old"] - m["refunded_old"]
        last = _day(row["now_day"])
        result[int(row["institution_id"])] = risk_rules.RiskInput(
            unconsumed=unconsumed,
            custody_balance=m["balance_now"] + m["risk_reserve"],
            coverage_30d_ago=risk_rules.coverage_of(unconsumed_old, m["balance_old"] + m["risk_reserve"]),
            sales_30d=m["sales_30"],
            consumed_30d=m["cons_30"],
            consumed_prev_30d=m["cons_prev"],
            refund_backlog=int(row["backlog"]),
            refund_backlog_amount=m["backlog_amount"],
            complaints_30d=int(row["complaints"]),
            adverse_status_90d=int(row["adverse"]),
            closed_with_balance=row["status"] in CLOSED and unconsumed > 0,
            days_since_statement=(on - last).days if last else None,
            custody_mode=str(row["custody_mode"]),
        )
    return result


def compute_inputs(
    *, on: dt.date, institution_ids: list[int] | None = None, ws: Workspace | None = None
) -> dict[int, risk_rules.RiskInput]:
    ws = ws or risk_workspace()
    frame = ws.query(risk_input_table, on=on, institution_ids=institution_ids)
    return inputs_from_frame(frame, on=on)


def scores(
    *, on: dt.date, ws: Workspace | None = None
) -> dict[int, tuple[risk_rules.RiskInput, risk_rules.RiskResult]]:
    """Inputs and score of every institution on `on` (no writes): what the bench measures."""
    return {iid: (data, risk_rules.score(data)) for iid, data in compute_inputs(on=on, ws=ws).items()}
