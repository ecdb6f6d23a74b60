"""The limit line's hand-written DuckDB SQL gives the same numbers as edugov's Ibis definitions over
a tiny warehouse (the small built district of test_module_engines): every class-week of the 双减
weekly compliance and every input of the tutoring risk score, with a few figures checked by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from edugov.burden import weekly
from edugov.burden.selectors import homework_compliance
from edugov.indicators.backends import Workspace, use_warehouse
from edugov.tutoring import risk_inputs
from edugov.warehouse import limit
from edugov.warehouse.tests.test_module_engines import ON, Everything, built  # noqa: F401

pytestmark = pytest.mark.django_db


def _ibis(tables, build, warehouse, **params):
    ws = Workspace.from_warehouse("duckdb", warehouse, tables)
    return ws.execute(build(ws, **params))


def test_homework_limit_sql_equals_the_weekly_definition(built):  # noqa: F811
    md, warehouse = built
    term = md.year.terms.get(number=1)
    with use_warehouse(warehouse):
        question = limit.homework_question(
            lambda: homework_compliance(user=Everything(), term=term, engine="duckdb")
        )
    assert question["school_year_id"] == md.year.pk and question["limits"]
    ours = _ibis(weekly.WEEKLY_TABLES, weekly.class_week_table, warehouse, **question)
    theirs, seconds = limit.limit_frame(limit.homework_sql(warehouse, **question))
    rows, differ = limit.same_frames("homework", ours, theirs)
    assert differ == [] and rows == len(theirs) > 0 and seconds >= 0
    by_week = {(r.school_class_id, dt.date.fromordinal(int(r.week))): r for r in theirs.itertuples()}
    # By hand: class a1 wrote 61 minutes on each of five days, then 40, 50, 60, 70 and 80.
    first = by_week[(md.class_a1.pk, dt.date(2025, 9, 1))]
    second = by_week[(md.class_a1.pk, dt.date(2025, 9, 8))]
    assert (first.written, second.written) == (305, 300)
    sixty = question["limits"].index(60) if 60 in question["limits"] else None
    if sixty is not None:
        assert getattr(first, f"over_{sixty}") == 5 and getattr(second, f"over_{sixty}") == 2
    # The make-up Sunday belongs to the week of 22 September (its Monday).
    assert by_week[(md.class_a1.pk, dt.date(2025, 9, 22))].written == 50
    # The other school year's class is not asked about.
    assert len({r.school_class_id for r in theirs.itertuples()}) == 3


def test_risk_limit_sql_equals_the_risk_input_definition(built):  # noqa: F811
    _, warehouse = built
    ours = _ibis(risk_inputs.RISK_TABLES, risk_inputs.risk_input_table, warehouse, on=ON)
    theirs, _ = limit.limit_frame(limit.risk_sql(warehouse, on=ON))
    rows, differ = limit.same_frames("tutoring", ours, theirs)
    assert differ == [] and rows == 4
    a = theirs.iloc[0]
    # By hand: institution a's orders 4,000.10 (1 May) and 9,000 (1 Oct, within 30 days of 20 Oct);
    # three complaints on 2-4 October; its latest statement by 20 October: 1,500 on 10 October.
    assert float(a.sales) == pytest.approx(13000.10)
    assert float(a.sales_30) == pytest.approx(9000)
    assert (int(a.complaints), float(a.balance_now)) == (3, 1500.0)
