"""Each wired data source worked out by hand on a small fixture of the mini district, read as the
bureau of the district, through the owning module's public selectors."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from typing import Any

import pytest

from edugov.accounts.models import Role
from edugov.appraisal import inputs
from edugov.appraisal.sources import SourceContext, get_source, indicator_sources
from edugov.burden.models import AfterSchoolService, Homework
from edugov.rectification import services as rectification
from edugov.rectification.findings import BureauReader, Finding, Unit
from edugov.rectification.models import RectificationItem
from edugov.testing import make_mini_district

pytestmark = pytest.mark.django_db
AS_OF = dt.datetime(2025, 12, 1, 12, tzinfo=dt.UTC)


@pytest.fixture
def md(db):
    return make_mini_district()


def ctx(md, as_of=AS_OF):
    return SourceContext(
        reader=BureauReader(area=md.district),
        school_year=md.year,
        school_ids=(md.school_a.pk, md.school_b.pk),
        as_of=as_of,
    )


def item(md, school, key, *, source="test.source", created, days):
    return rectification.item_create_system(
        finding=Finding(
            cause_key=key,
            source=source,
            unit=Unit.school(school.pk),
            title=key,
            evidence="测试",
            severity="medium",
            required_action="整改",
            department="basic_education",
            deadline_days=days,
        ),
        now=created,
    )


def test_every_wired_source_is_registered():
    codes = {s.code for s in indicator_sources()}
    assert {
        "routine_inspection",
        "after_school_satisfaction",
        "rectification_on_time",
        "safety_hazards_open",
        "after_school_coverage",
        "homework_compliance",
        "value_added",
    } <= codes
    hazards = get_source("safety_hazards_open")
    assert hazards is not None and hazards.lower_is_better


def test_rectification_on_time(md):
    created = dt.datetime(2025, 9, 10, 9, tzinfo=dt.UTC)
    # School A: three items due by Dec 1 (two closed on time, one still open), one due later.
    ids = [item(md, md.school_a, f"k{i}", created=created, days=30).pk for i in range(3)]
    item(md, md.school_a, "later", created=created, days=120)
    RectificationItem.objects.filter(pk__in=ids[:2]).update(status="closed", closed_on_time=True)
    # School B: one item closed late.
    late = item(md, md.school_b, "b", created=created, days=30)
    RectificationItem.objects.filter(pk=late.pk).update(status="closed", closed_on_time=False)
    values = inputs.rectification_on_time(ctx(md))
    assert values[md.school_a.pk].value == D("66.67")  # 2 / 3
    assert values[md.school_a.pk].detail == "到期整改3项，按期销号2项"
    assert values[md.school_b.pk].value == D("0.00")
    # before any deadline falls due, no school has an item due: fully on time
    early = inputs.rectification_on_time(ctx(md, as_of=dt.datetime(2025, 9, 15, tzinfo=dt.UTC)))
    assert {v.value for v in early.values()} == {D(100)}
    assert early[md.school_a.pk].detail == "无到期整改事项"


def test_safety_hazards_open(md):
    created = dt.datetime(2025, 10, 10, 9, tzinfo=dt.UTC)
    for i in range(3):
        item(md, md.school_a, f"h{i}", source=inputs.HAZARD_SOURCE, created=created, days=7)
    item(md, md.school_a, "other", created=created, days=7)  # not a hazard
    closed = RectificationItem.objects.filter(cause_key="h0")
    closed.update(status="closed")
    values = inputs.safety_hazards_open(ctx(md))
    assert values[md.school_a.pk].value == D(2)
    assert values[md.school_b.pk].value == D(0)  # no hazard: none open


def test_after_school_coverage(md):
    term = md.year.terms.get(number=1)
    AfterSchoolService.objects.create(
        school=md.school_a,
        term=term,
        days_per_week=5,
        start_time=dt.time(15, 30),
        end_time=dt.time(17, 30),
        pupils_total=400,
        pupils_requested=320,
        pupils_enrolled=300,
        average_attendance=290,
    )
    values = inputs.after_school_coverage(ctx(md))
    assert values[md.school_a.pk].value == D("75.00")  # 300 / 400
    assert values[md.school_b.pk].value == D(0)  # no service recorded for the term


def test_homework_compliance(md):
    def hw(c, day, minutes):
        Homework.objects.create(
            school_class=c,
            date=day,
            subject="数学",
            homework_type="written",
            content="练习",
            estimated_minutes=minutes,
        )

    # Grade-3 classes (60 minutes a day): class A1 within in the week of Sep 8 (5 x 50), over in
    # the week of Sep 15 (5 x 70); class A2 within in the week of Sep 8 (5 x 30): 3 class-weeks,
    # 1 over -> 66.67%. School B published nothing: no value.
    for d in range(8, 13):
        hw(md.class_a1, dt.date(2025, 9, d), 50)
        hw(md.class_a2, dt.date(2025, 9, d), 30)
    for d in range(15, 20):
        hw(md.class_a1, dt.date(2025, 9, d), 70)
    values = inputs.homework_compliance(ctx(md, as_of=dt.datetime(2025, 9, 30, 12, tzinfo=dt.UTC)))
    assert values[md.school_a.pk].value == D("66.67")
    assert values[md.school_a.pk].detail == "3个班·周，2个未超时"
    assert md.school_b.pk not in values


def test_value_added_is_the_quality_modules_estimate(md, tmp_path):
    from edugov.quality import selectors as quality
    from edugov.quality.tests.rows import build_pair

    build_pair(md, tmp_path, md.users[Role.DISTRICT_ADMIN], boost={md.school_b.code: 6.0})
    values = inputs.value_added(ctx(md, as_of=dt.datetime(2026, 7, 1, tzinfo=dt.UTC)))
    reader: Any = BureauReader(area=md.district)
    pair = quality.default_pair(list(quality.assessment_list(actor=reader)))
    assert pair is not None
    prior, post = pair
    view = quality.value_added(actor=reader, prior=prior, post=post)
    effects = {r.unit_id: r for r in view.rows}
    for school in (md.school_a, md.school_b):
        assert values[school.pk].value == D(str(round(effects[school.pk].effect, 2)))
        assert "95%区间" in values[school.pk].detail
    # school B's pupils gained 6 points more: it adds more than school A
    a, b = values[md.school_a.pk].value, values[md.school_b.pk].value
    assert a is not None and b is not None and b > a


def test_fitness_pass_rate(md):
    from edugov.quality.models import FitnessResult
    from edugov.quality.pupil_key import pupil_key

    # School A: 8 pupils tested, 2 failed -> 6 / 8 = 75.0% at pass or better. School B: none tested.
    for k, band in enumerate(["excellent", "good", "pass", "pass", "pass", "good", "fail", "fail"]):
        FitnessResult.objects.create(
            school_year=md.year,
            pupil_key=pupil_key(f"GA{k:07d}"),
            school=md.school_a,
            school_class=md.class_a1,
            grade=3,
            sex="F",
            height_cm=D(130),
            weight_kg=D(27),
            bmi=D("16.0"),
            item_scores={"bmi": 100},
            standard_score=D(70),
            total=D(70),
            band=band,
        )
    values = inputs.fitness_pass_rate(ctx(md))
    assert values[md.school_a.pk].value == D("75.0")
    assert "8人" in values[md.school_a.pk].detail
    assert md.school_b.pk not in values
