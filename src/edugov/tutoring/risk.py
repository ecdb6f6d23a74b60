"""The collapse-risk (跑路) early-warning score: a points-based rule set over one institution's
daily figures. Documented in docs/tutoring-risk-score.md; each rule adds points and a reason in
Chinese, the total is capped at 100. Pure functions: the daily computation lives in services."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

HIGH_FROM = 60
MEDIUM_FROM = 30
STALE_STATEMENT_DAYS = 7


@dataclass(frozen=True)
class RiskInput:
    unconsumed: Decimal  # prepaid received - consumed - refunded, up to the day
    custody_balance: Decimal  # custody account balance (latest statement) + risk reserve
    coverage_30d_ago: float | None
    sales_30d: Decimal
    consumed_30d: Decimal
    consumed_prev_30d: Decimal
    refund_backlog: int
    refund_backlog_amount: Decimal
    complaints_30d: int
    adverse_status_90d: int  # changes to rectifying / suspended in the last 90 days
    closed_with_balance: bool  # revoked or closed while prepaid money is unconsumed
    days_since_statement: int | None  # None: never a statement
    custody_mode: str = "custody"


@dataclass
class RiskResult:
    coverage: float | None
    score: int = 0
    reasons: list[str] = field(default_factory=list)

    @property
    def level(self) -> str:
        if self.score >= HIGH_FROM:
            return "high"
        if self.score >= MEDIUM_FROM:
            return "medium"
        return "low"

    def add(self, points: int, reason: str) -> None:
        self.score += points
        self.reasons.append(f"{reason}（+{points}分）")


def coverage_of(unconsumed: Decimal, custody_balance: Decimal) -> float | None:
    """Custody balance ÷ unconsumed prepaid balance; None when nothing is owed to parents."""
    if unconsumed <= 0:
        return None
    return float(custody_balance / unconsumed)


def _yuan(value: Decimal) -> str:
    return f"{value:,.0f}元"


def score(data: RiskInput) -> RiskResult:
    cov = coverage_of(data.unconsumed, data.custody_balance)
    r = RiskResult(coverage=cov)
    # R1 coverage: the money parents prepaid that the bank does not hold.
    if cov is not None:
        pct = f"{cov * 100:.0f}%"
        if cov < 0.5:
            r.add(
                40,
                f"资金覆盖率仅{pct}（未消课余额{_yuan(data.unconsumed)}，监管资金{_yuan(data.custody_balance)}）",
            )
        elif cov < 0.8:
            r.add(25, f"资金覆盖率{pct}，低于80%")
        elif cov < 1.0:
            r.add(10, f"资金覆盖率{pct}，未全额监管")
        # R2 falling coverage: below 100 % and 20 points or more lower than 30 days ago.
        if cov < 1.0 and data.coverage_30d_ago is not None and data.coverage_30d_ago - cov >= 0.2:
            r.add(10, f"资金覆盖率30天内由{data.coverage_30d_ago * 100:.0f}%降至{pct}")
    # R3 selling far faster than teaching: new prepaid money more than twice the lessons consumed.
    if data.sales_30d > 0 and data.sales_30d > 2 * data.consumed_30d:
        r.add(15, f"近30天收费{_yuan(data.sales_30d)}，超过课消{_yuan(data.consumed_30d)}的2倍")
    # R4 lessons stopping: consumption fell below half of the 30 days before.
    if data.consumed_prev_30d > 0 and data.consumed_30d < data.consumed_prev_30d / 2:
        r.add(15, f"近30天课消{_yuan(data.consumed_30d)}，不足前30天{_yuan(data.consumed_prev_30d)}的一半")
    # R5 refunds piling up.
    if data.refund_backlog >= 10:
        r.add(20, f"待退费{data.refund_backlog}笔共{_yuan(data.refund_backlog_amount)}")
    elif data.refund_backlog >= 3:
        r.add(10, f"待退费{data.refund_backlog}笔共{_yuan(data.refund_backlog_amount)}")
    # R6 complaints.
    if data.complaints_30d >= 5:
        r.add(15, f"近30天投诉{data.complaints_30d}件")
    elif data.complaints_30d >= 2:
        r.add(8, f"近30天投诉{data.complaints_30d}件")
    # R7 adverse status changes.
    if data.closed_with_balance:
        r.add(30, "机构已被吊销许可或关闭，仍有未消课预收费")
    elif data.adverse_status_90d:
        r.add(10, f"近90天被责令整改或停业整顿{data.adverse_status_90d}次")
    # R8 the bank stopped reporting.
    if data.unconsumed > 0 and data.custody_mode == "custody":
        if data.days_since_statement is None:
            r.add(10, "托管银行从未报送对账单")
        elif data.days_since_statement > STALE_STATEMENT_DAYS:
            r.add(10, f"托管账户对账单已{data.days_since_statement}天未更新")
    r.score = min(r.score, 100)
    return r
