from decimal import Decimal

import pytest

from edugov.tutoring.risk import RiskInput, coverage_of, score

D = Decimal


def inp(**kw):
    base = dict(
        unconsumed=D(10000),
        custody_balance=D(10000),
        coverage_30d_ago=1.0,
        sales_30d=D(0),
        consumed_30d=D(1000),
        consumed_prev_30d=D(1000),
        refund_backlog=0,
        refund_backlog_amount=D(0),
        complaints_30d=0,
        adverse_status_90d=0,
        closed_with_balance=False,
        days_since_statement=1,
    )
    base.update(kw)
    return RiskInput(**base)


def test_healthy_institution_scores_zero():
    r = score(inp())
    assert (r.score, r.level, r.reasons, r.coverage) == (0, "low", [], 1.0)


def test_nothing_owed_has_no_coverage():
    assert coverage_of(D(0), D(500)) is None
    assert score(inp(unconsumed=D(0), custody_balance=D(0))).score == 0


@pytest.mark.parametrize(
    ("custody", "points"), [(10000, 0), (9999, 10), (8000, 10), (7999, 25), (5000, 25), (4999, 40)]
)
def test_coverage_bands(custody, points):
    # 100 % -> 0; 99.99 % and exactly 80 % -> 10; 79.99 % and 50 % -> 25; 49.99 % -> 40
    r = score(inp(custody_balance=D(custody), coverage_30d_ago=None))
    assert r.score == points


def test_falling_but_still_covered_adds_nothing():
    # 532 % -> 317 % (a risk reserve far above what is owed): no concern
    assert score(inp(custody_balance=D(31700), coverage_30d_ago=5.32)).score == 0


def test_falling_coverage_adds_ten():
    r = score(inp(custody_balance=D(7000), coverage_30d_ago=0.95))  # 70 %: 25, drop 0.25: 10
    assert r.score == 35 and r.level == "medium"
    assert r.reasons[1] == "资金覆盖率30天内由95%降至70%（+10分）"


def test_everything_at_once_is_capped():
    r = score(
        inp(
            custody_balance=D(1000),
            coverage_30d_ago=0.9,
            sales_30d=D(5000),
            consumed_30d=D(100),
            refund_backlog=12,
            refund_backlog_amount=D(9000),
            complaints_30d=6,
            closed_with_balance=True,
            days_since_statement=30,
        )
    )
    # 40 + 10 + 15 + 15 + 20 + 15 + 30 + 10 = 155 -> 100
    assert r.score == 100 and r.level == "high" and len(r.reasons) == 8


def test_stale_statement_only_for_custody_accounts():
    assert score(inp(days_since_statement=8)).score == 10
    assert score(inp(days_since_statement=7)).score == 0
    assert score(inp(days_since_statement=None, custody_mode="reserve")).score == 0
    assert score(inp(days_since_statement=None)).reasons == ["托管银行从未报送对账单（+10分）"]


def test_refund_and_complaint_bands():
    assert score(inp(refund_backlog=2)).score == 0
    assert score(inp(refund_backlog=3, refund_backlog_amount=D(1500))).reasons == [
        "待退费3笔共1,500元（+10分）"
    ]
    assert score(inp(complaints_30d=5)).score == 15
    assert score(inp(adverse_status_90d=1)).score == 10
