"""The 双减 weekly homework compliance and the tutoring collapse-risk score give the same results on
the operational database (SQLite, or PostgreSQL when DATABASE_URL points at it), on DuckDB and on
Spark (local), over the warehouse's Parquet files and, for DuckDB, over the database's tables.

A small built district: three classes with homework around the National Day holidays (a make-up
Sunday, a two-day week, classes over and within the limit), a class of another school year, and
four tutoring institutions with orders, lessons, refunds, statements, complaints and a closure."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from edugov.burden.models import Homework, HomeworkType
from edugov.burden.selectors import homework_compliance
from edugov.indicators.backends import Workspace, use_warehouse
from edugov.registry.models import CalendarException
from edugov.testing import make_class, make_mini_district, make_school_year
from edugov.tutoring import risk_inputs, services
from edugov.tutoring.models import Complaint, CustodyStatement, Refund, StatusChange
from edugov.tutoring.tests.factories import make_institution, officer
from edugov.warehouse.export import warehouse_export

pytestmark = pytest.mark.django_db
D = dt.date
ON = D(2025, 10, 20)  # the risk score's day
OWN = "postgres" if connection.vendor == "postgresql" else "sqlite"
VARIANTS = [("duckdb", True), ("spark", True), ("duckdb", False)]  # (engine, over the warehouse)


class Everything:
    """Reads the whole database, as the command-line reports do."""

    is_authenticated = is_active = is_superuser = True
    role = "district_admin"
    area = None
    school_id = teacher_id = institution_id = None


def _homework(md):
    rows = []

    def add(cls, day, minutes, kind=HomeworkType.WRITTEN, subject="数学"):
        rows.append(
            Homework(
                school_class=cls,
                date=day,
                subject=subject,
                homework_type=kind,
                content="练习",
                estimated_minutes=minutes,
            )
        )

    for i in range(5):
        add(md.class_a1, D(2025, 9, 1) + dt.timedelta(days=i), 61)  # 61.0 a day: over 60
        add(md.class_a1, D(2025, 9, 1) + dt.timedelta(days=i), 20, HomeworkType.ORAL)
        add(md.class_a2, D(2025, 9, 1) + dt.timedelta(days=i), 60)  # 60.0: within
        add(md.class_a1, D(2025, 9, 8) + dt.timedelta(days=i), 40 + 10 * i)  # 70 and 80 over 60; week 60.0
        add(md.class_a1, D(2025, 9, 8) + dt.timedelta(days=i), 35, HomeworkType.ORAL, subject="语文")
    add(md.class_a1, D(2025, 9, 28), 50)  # make-up Sunday: week of 22 Sep has 6 school days
    add(md.class_a1, D(2025, 9, 29), 100)
    add(md.class_a1, D(2025, 9, 30), 21)  # week of 29 Sep: 2 school days, 121 / 2 = 60.5
    add(md.class_b1, D(2025, 10, 9), 20, HomeworkType.ORAL)
    add(md.class_b1, D(2025, 10, 10), 155)  # the open-ended bin
    add(md.class_b1, D(2025, 12, 29), 30)  # a week across the new year
    add(md.class_b1, D(2026, 1, 2), 30)
    older = make_school_year(start_year=2024, current=False)
    add(make_class(school=md.school_a, year=older, number=1), D(2025, 5, 6), 90)  # another school year
    Homework.objects.bulk_create(rows)


def _calendar():
    day = D(2025, 10, 1)
    while day <= D(2025, 10, 8):
        CalendarException.objects.create(date=day, name="国庆节、中秋节", is_school_day=False)
        day += dt.timedelta(days=1)
    CalendarException.objects.create(date=D(2025, 9, 28), name="调休上课", is_school_day=True)
    CalendarException.objects.create(date=D(2025, 10, 11), name="调休上课", is_school_day=True)


def _tutoring(md):
    px = officer(md)
    a = make_institution(md, px, category="subject")
    b = make_institution(md, px, custody_mode="reserve", risk_reserve=Decimal("1000.50"), town=md.town_b)
    c = make_institution(md, px)  # closes with money unconsumed
    make_institution(md, px)  # nothing at all

    def order(inst, amount, paid_on, lessons=40):
        data = {"pupil_name": "甲", "parent_phone": "13900001111", "lessons": lessons}
        return services.order_create(
            actor=px, institution=inst, data={**data, "amount": Decimal(amount), "paid_on": paid_on}
        )

    orders = ((a, "4000.10", D(2025, 5, 1)), (a, "9000", D(2025, 10, 1)), (c, "3000", D(2024, 12, 30)))
    for inst, amount, paid_on in orders:
        o = order(inst, amount, paid_on)
        services.consumption_record(actor=px, order=o, date=paid_on + dt.timedelta(days=3), lessons=10)
        services.consumption_record(actor=px, order=o, date=paid_on + dt.timedelta(days=20), lessons=4)
        Refund.objects.create(institution=inst, order=o, requested_on=D(2025, 10, 1), amount=Decimal("50"))
    Refund.objects.create(
        institution=a,
        order=o,
        requested_on=D(2025, 6, 1),
        amount=Decimal("100"),
        status="paid",
        paid_on=D(2025, 6, 5),
    )
    ob = order(b, "900.33", D(2025, 10, 12), lessons=10)
    services.consumption_record(actor=px, order=ob, date=D(2025, 10, 15), lessons=1)
    for day, balance in ((D(2025, 9, 1), "100"), (D(2025, 9, 25), "2000.07"), (D(2025, 10, 10), "1500")):
        CustodyStatement.objects.create(institution=a, account="1", date=day, balance=Decimal(balance))
    for i in range(3):
        Complaint.objects.create(
            institution=a,
            area=md.town_a,
            topic="退费",
            content="不退费",
            contact_name="丙",
            contact_phone="13700000000",
            submitted_on=D(2025, 10, 2 + i),
            deadline=D(2025, 11, 2),
            tracking_code=f"T{i}",
        )
    for inst, to_status, day in ((a, "rectifying", D(2025, 9, 1)), (c, "closed", D(2025, 10, 1))):
        StatusChange.objects.create(
            institution=inst, from_status="licensed", to_status=to_status, reason="检查", changed_on=day
        )
    c.status = "closed"
    c.save(update_fields=["status"])


@pytest.fixture
def built(tmp_path):
    md = make_mini_district()
    tiny_rows(md)
    warehouse_export(directory=tmp_path)
    return md, tmp_path


def tiny_rows(md):
    """The calendar, homework and tutoring rows above, on a mini district."""
    _calendar()
    _homework(md)
    _tutoring(md)


def flat_compliance(report):
    groups = lambda gs: [(g.key, g.class_weeks, g.over_weeks, g.rate, g.mean_average, g.max_excess,  # noqa: E731
                          sorted(g.classes), sorted(g.classes_over)) for g in gs]  # fmt: skip
    return (
        report.weeks,
        report.class_weeks,
        groups([report.total, *report.by_grade, *report.by_school, *report.by_town, *report.by_week]),
        report.over_classes,
        report.daily_bins,
        (report.classes_total, report.classes_publishing),
    )


def compliance_on(md, engine, warehouse=None):
    term = md.year.terms.get(number=1)
    if warehouse is None:
        return homework_compliance(user=Everything(), term=term, engine=engine)
    with use_warehouse(warehouse):
        return homework_compliance(user=Everything(), term=term, engine=engine)


@pytest.mark.parametrize(("engine", "over_warehouse"), VARIANTS)
def test_weekly_compliance_is_the_same_on_every_engine(built, engine, over_warehouse):
    md, warehouse = built
    reference = compliance_on(md, OWN)
    weeks = {(c.class_id, c.week_start): c for c in reference.class_weeks}
    assert weeks[(md.class_a1.pk, D(2025, 9, 22))].school_days == 6
    assert weeks[(md.class_a1.pk, D(2025, 9, 29))].average == Decimal("60.5")
    assert weeks[(md.class_a1.pk, D(2025, 9, 8))].days_over == 2
    assert weeks[(md.class_b1.pk, D(2025, 12, 29))].written_minutes == 60
    assert reference.daily_bins[md.class_b1.grade][150] == 1 and reference.over_classes
    other = compliance_on(md, engine, warehouse if over_warehouse else None)
    assert flat_compliance(other) == flat_compliance(reference)


@pytest.mark.parametrize(("engine", "over_warehouse"), VARIANTS)
def test_risk_scores_are_the_same_on_every_engine(built, engine, over_warehouse):
    _md, warehouse = built
    reference = risk_inputs.scores(on=ON)
    levels = {r.level for _, r in reference.values()}
    assert len(reference) == 4 and "low" in levels and levels & {"medium", "high"}
    if over_warehouse:
        ws = Workspace.from_warehouse(engine, warehouse, risk_inputs.RISK_TABLES)
    else:
        ws = risk_inputs.risk_workspace(engine)
    assert risk_inputs.scores(on=ON, ws=ws) == reference


COMMANDS = [
    ("homework_compliance", "--year", "2025", "--term", "1", "--area", "310101"),
    ("tutoring_risk_report", "--date", ON.isoformat(), "--area", "310101"),
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_commands_print_the_same_figures_from_the_warehouse(built, command):
    _md, warehouse = built

    def run(*extra):
        out = io.StringIO()
        call_command(*command, "--format", "json", *extra, stdout=out, stderr=io.StringIO())
        return json.loads(out.getvalue())

    own = run()
    duck = run("--engine", "duckdb", "--warehouse", str(warehouse))
    assert (own.pop("engine"), duck.pop("engine")) == (OWN, "duckdb")
    assert own == duck
    assert own.get("over_classes") or own.get("levels", {}).get("high")
    with pytest.raises(CommandError, match="--warehouse"):
        call_command(*command, "--engine", OWN, "--warehouse", str(warehouse), stdout=io.StringIO())
