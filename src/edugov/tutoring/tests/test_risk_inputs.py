import datetime as dt
from decimal import Decimal

import pytest

from edugov.testing import make_mini_district
from edugov.tutoring import risk_inputs, services
from edugov.tutoring.models import CustodyStatement, Refund

from .factories import make_institution, officer

pytestmark = pytest.mark.django_db
ON = dt.date(2025, 8, 31)


@pytest.fixture
def insts():
    md = make_mini_district()
    px = officer(md)
    a = make_institution(md, px, category="subject")
    b = make_institution(md, px, custody_mode="reserve", risk_reserve=Decimal("1000"))
    c = make_institution(md, px)  # nothing at all
    o = services.order_create(
        actor=px,
        institution=a,
        data={
            "pupil_name": "甲",
            "lessons": 40,
            "amount": Decimal("4000.10"),
            "paid_on": dt.date(2025, 5, 1),
        },
    )
    services.consumption_record(actor=px, order=o, date=dt.date(2025, 6, 10), lessons=10)  # 1000.03
    services.consumption_record(actor=px, order=o, date=dt.date(2025, 8, 10), lessons=4)  # 400.01
    for day in (dt.date(2025, 7, 1), dt.date(2025, 8, 20)):
        CustodyStatement.objects.create(institution=a, account="1", date=day, balance=Decimal(day.day * 100))
    Refund.objects.create(institution=a, order=o, requested_on=dt.date(2025, 8, 1), amount=Decimal("50"))
    Refund.objects.create(
        institution=a,
        order=o,
        requested_on=dt.date(2025, 6, 1),
        amount=Decimal("100"),
        status="paid",
        paid_on=dt.date(2025, 6, 5),
    )
    ob = services.order_create(
        actor=px,
        institution=b,
        data={"pupil_name": "乙", "lessons": 10, "amount": Decimal("900"), "paid_on": dt.date(2025, 8, 25)},
    )
    assert ob.pk
    return a, b, c


def test_inputs_by_hand(insts):
    a, b, c = insts
    got = risk_inputs.compute_inputs(on=ON)
    ia = got[a.pk]
    # 4000.10 - (1000.03 + 400.01) consumed - 100 refunded = 2500.06
    assert ia.unconsumed == Decimal("2500.06")
    assert ia.custody_balance == Decimal("2000")  # the 20 August statement
    assert ia.days_since_statement == 11
    assert ia.consumed_30d == Decimal("400.01") and ia.consumed_prev_30d == Decimal("0")
    assert ia.sales_30d == Decimal("0")
    assert (ia.refund_backlog, ia.refund_backlog_amount) == (1, Decimal("50"))
    # 30 days ago (1 August): 4000.10 - 1000.03 - 100 = 2900.07 against the 1 July statement (100)
    assert ia.coverage_30d_ago == pytest.approx(100 / 2900.07)
    ib = got[b.pk]
    assert ib.unconsumed == Decimal("900") and ib.custody_balance == Decimal("1000")
    assert ib.days_since_statement is None and ib.custody_mode == "reserve"
    ic = got[c.pk]
    assert ic.unconsumed == 0 and ic.custody_balance == 0 and ic.coverage_30d_ago is None


def test_same_inputs_on_duckdb(insts):
    ours = risk_inputs.compute_inputs(on=ON)
    duck = risk_inputs.compute_inputs(on=ON, ws=risk_inputs.risk_workspace("duckdb"))
    assert duck == ours


def test_only_the_institutions_asked_for(insts):
    a, _, _ = insts
    assert list(risk_inputs.compute_inputs(on=ON, institution_ids=[a.pk])) == [a.pk]
