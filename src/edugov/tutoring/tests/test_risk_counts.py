"""Risk-level counts on the dashboard and the supervision report: one per institution, not per score.

The latest-risk queryset is ordered by score; a grouped count over it must clear that ordering, or
Django puts the score into GROUP BY and every distinct score becomes its own group of one.
"""

import datetime as dt

import pytest

from edugov.testing import make_mini_district
from edugov.tutoring import exports, selectors
from edugov.tutoring.models import RiskSnapshot

from .factories import make_institution, officer

pytestmark = pytest.mark.django_db
ON = dt.date(2025, 8, 31)
# level -> distinct scores: 3 high, 4 medium, 2 low (counted by hand), no two institutions alike
SCORES = {"high": [90, 81, 75], "medium": [60, 55, 50, 45], "low": [20, 5]}


def _snapshot(inst, *, score: int, level: str, date: dt.date = ON) -> RiskSnapshot:
    return RiskSnapshot.objects.create(
        institution=inst,
        date=date,
        unconsumed=0,
        custody_balance=0,
        sales_30d=0,
        consumed_30d=0,
        consumed_prev_30d=0,
        refund_backlog=0,
        refund_backlog_amount=0,
        complaints_30d=0,
        status_changes_90d=0,
        score=score,
        level=level,
        reasons=[],
    )


@pytest.fixture
def px():
    md = make_mini_district()
    px = officer(md)
    for level, scores in SCORES.items():
        for score in scores:
            inst = make_institution(md, px)
            _snapshot(inst, score=score, level=level)
            _snapshot(inst, score=0, level="low", date=ON - dt.timedelta(days=1))  # an older day: not counted
    return px


def test_dashboard_counts_institutions_per_level(px):
    data = selectors.dashboard(user=px, today=ON)
    assert data["levels"] == {"high": 3, "medium": 4, "low": 2}
    assert sum(data["levels"].values()) == selectors.latest_risk(user=px).count() == 9


def test_supervision_report_counts_institutions_per_level(px):
    report = exports.supervision_report(actor=px, today=ON, start=dt.date(2025, 1, 1), end=ON)
    assert dict(report.summary)["风险等级"] == "高3家，中4家，低2家"
