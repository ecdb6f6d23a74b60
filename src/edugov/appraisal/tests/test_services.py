"""Scheme, "N" items, entries, results, routine inspections and surveys through the services:
weights not making 100% are refused with nothing written; a school's card is worked by hand with
its evidence trail; each school keeps only its own "N" items; shortfalls become rectification items."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from edugov.accounts.models import Role
from edugov.appraisal import services
from edugov.appraisal.findings import ROUTINE, routine_failures
from edugov.appraisal.models import (
    Dimension,
    Entry,
    Indicator,
    ResultLine,
    RoutineInspection,
    SatisfactionSurvey,
    Scheme,
    SchoolResult,
)
from edugov.common.errors import DomainError, PermissionDenied
from edugov.rectification.findings import FindingContext
from edugov.rectification.models import RectificationItem

from .conftest import NOW, small_scheme

pytestmark = pytest.mark.django_db
DAY = dt.date(2025, 11, 20)


def inspect(w, school, passed: list[bool]):
    checks = list(w.checklist.checks.order_by("order"))
    return services.inspection_record(
        actor=w.officer,
        school=school,
        checklist=w.checklist,
        inspected_on=DAY,
        marks=[
            services.MarkInput(c.pk, ok, "" if ok else f"{c.text}记录缺失")
            for c, ok in zip(checks, passed, strict=True)
        ],
        now=NOW,
    )


def survey(w, school, respondent, n, ok):
    return services.survey_save(
        actor=w.officer,
        school=school,
        school_year=w.md.year,
        respondent=respondent,
        respondents=n,
        satisfied=ok,
    )


def test_weights_not_making_100_are_refused_and_nothing_is_written(world):
    md = world.md
    Scheme.objects.all().delete()
    with pytest.raises(DomainError) as exc:
        services.scheme_create(
            actor=world.officer,
            area=md.district,
            school_year=md.year,
            name="方案",
            characteristic_weight=D(15),
            dimensions=[
                services.DimensionInput(
                    "core",
                    "教学",
                    [
                        services.IndicatorInput("常规", D(40), "linear", "routine_inspection", D(60), D(100)),
                        services.IndicatorInput("党建", D(40)),
                    ],
                )
            ],
        )
    assert "权重合计应为100%，现为95%" in exc.value.message
    assert not Scheme.objects.exists() and not Dimension.objects.exists() and not Indicator.objects.exists()


@pytest.mark.parametrize(
    ("indicator", "message"),
    [
        (
            services.IndicatorInput("常规", D(85), "linear", "routine_inspection", D(60), D(60)),
            "须填写下限和目标",
        ),
        (
            services.IndicatorInput("常规", D(85), "linear", "no_such_source", D(0), D(1)),
            "数据来源“no_such_source”不存在",
        ),
        (
            services.IndicatorInput("常规", D(85), "threshold", "routine_inspection", thresholds=[[90, 140]]),
            "分档",
        ),
        (services.IndicatorInput("常规", D(85), "entered", "routine_inspection"), "应按线性或分档计分"),
    ],
)
def test_bad_rules_are_refused_in_chinese(world, indicator, message):
    Scheme.objects.all().delete()
    with pytest.raises(DomainError) as exc:
        services.scheme_create(
            actor=world.officer,
            area=world.md.district,
            school_year=world.md.year,
            name="方案",
            characteristic_weight=D(15),
            dimensions=[services.DimensionInput("core", "教学", [indicator])],
        )
    assert message in exc.value.message
    assert not Scheme.objects.exists()


def test_a_second_scheme_for_the_year_is_refused(world):
    with pytest.raises(DomainError, match="已有考核方案"):
        small_scheme(world.md, world.officer)


def test_the_bureau_defines_schemes_and_a_school_may_not(world):
    Scheme.objects.all().delete()
    with pytest.raises(PermissionDenied):
        small_scheme(world.md, world.admin_a)
    with pytest.raises(PermissionDenied):
        small_scheme(world.md, world.md.users["town_officer"])  # writes in town A, not the district


def test_a_school_sets_its_own_n_items_only(world):
    md, scheme = world.md, world.scheme
    items = [services.IndicatorInput("校园足球", D(10)), services.IndicatorInput("书香校园", D(5))]
    saved = services.characteristic_items_save(
        actor=world.admin_a, scheme=scheme, school=md.school_a, items=items
    )
    assert [(i.name, i.school_id) for i in saved] == [
        ("校园足球", md.school_a.pk),
        ("书香校园", md.school_a.pk),
    ]
    with pytest.raises(PermissionDenied):
        services.characteristic_items_save(
            actor=world.admin_a, scheme=scheme, school=md.school_b, items=items
        )
    with pytest.raises(PermissionDenied):  # the bureau defines the scheme, not a school's own items
        services.characteristic_items_save(
            actor=world.officer, scheme=scheme, school=md.school_a, items=items
        )
    with pytest.raises(DomainError, match="特色项目权重合计应为15%，现为10%"):
        services.characteristic_items_save(
            actor=world.admin_a,
            scheme=scheme,
            school=md.school_a,
            items=[services.IndicatorInput("足球", D(10))],
        )
    assert Indicator.objects.filter(school=md.school_a).count() == 2  # unchanged by the refusal
    # a school cannot enter a value for another school's own item
    foot = saved[0]
    with pytest.raises(PermissionDenied):
        services.entry_save(actor=world.admin_a, indicator=foot, school=md.school_b, value=D(90))
    with pytest.raises(DomainError, match="不属于本校"):
        services.entry_save(actor=world.officer, indicator=foot, school=md.school_b, value=D(90))


def test_a_school_card_worked_by_hand_with_its_evidence_trail(world):
    md, scheme = world.md, world.scheme
    # Routine: 3 of 4 checks passed -> 75% -> linear 60..100: (75-60)/40 = 37.5 -> 40% x 37.5 = 15.00
    inspect(world, md.school_a, [True, True, True, False])
    # Satisfaction: parents 90/100 + pupils 96/100 = 186/200 = 93% -> band >=90 -> 90 -> 30% x 90 = 27.00
    survey(world, md.school_a, "parents", 100, 90)
    survey(world, md.school_a, "pupils", 100, 96)
    # Entered: 80 -> 15% x 80 = 12.00, with a PDF as evidence
    party = Indicator.objects.get(dimension__scheme=scheme, name="党建工作")
    pdf = SimpleUploadedFile("党建总结.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    services.entry_save(
        actor=world.admin_a, indicator=party, school=md.school_a, value=D(80), note="年度总结", evidence=pdf
    )
    # "N": the school's own item, 90 -> 15% x 90 = 13.50
    (own,) = services.characteristic_items_save(
        actor=world.admin_a,
        scheme=scheme,
        school=md.school_a,
        items=[services.IndicatorInput("校园足球", D(15))],
    )
    services.entry_save(actor=world.admin_a, indicator=own, school=md.school_a, value=D(90))

    assert services.results_compute(actor=world.officer, scheme=scheme, now=NOW) == 2  # schools A and B
    a = SchoolResult.objects.get(scheme=scheme, school=md.school_a)
    assert a.total == D("67.50")  # 15.00 + 27.00 + 12.00 + 13.50
    assert (a.from_data, a.entered, a.missing) == (2, 2, 0)
    lines = {
        line.indicator.name: line for line in ResultLine.objects.filter(result=a).select_related("indicator")
    }
    routine = lines["教学常规达标率"]
    assert (routine.raw, routine.score, routine.points, routine.origin) == (
        D("75.00"),
        D("37.50"),
        D("15.00"),
        "data",
    )
    assert routine.source_label == "教学常规检查达标率" and routine.as_of == NOW
    assert routine.detail == "1次检查，4项中3项达标"
    sat = lines["课后服务满意率"]
    assert (sat.raw, sat.score, sat.points) == (D("93.00"), D("90.00"), D("27.00"))
    assert sat.detail == "答卷200份，满意186份"
    entered = lines["党建工作"]
    assert (entered.origin, entered.points, entered.source_label) == ("entered", D("12.00"), "学校填报")
    assert "年度总结" in entered.detail and "佐证：党建总结.pdf" in entered.detail
    assert lines["校园足球"].points == D("13.50")
    # School B has no data and entered nothing: every item missing, and B does not see A's own item.
    b = SchoolResult.objects.get(scheme=scheme, school=md.school_b)
    assert (b.total, b.from_data, b.entered, b.missing) == (D("0.00"), 2, 1, 3)
    assert not ResultLine.objects.filter(result=b, indicator=own).exists()
    # A second computation replaces the first
    services.results_compute(actor=world.officer, scheme=scheme, now=NOW)
    assert SchoolResult.objects.filter(scheme=scheme).count() == 2


def test_only_the_bureau_computes(world):
    with pytest.raises(PermissionDenied):
        services.results_compute(actor=world.admin_a, scheme=world.scheme, now=NOW)


def test_evidence_too_large_or_not_what_it_says_is_refused(world):
    party = Indicator.objects.get(dimension__scheme=world.scheme, name="党建工作")
    big = SimpleUploadedFile("大.pdf", b"%PDF" + b"0" * (10 * 1024 * 1024), content_type="application/pdf")
    with pytest.raises(DomainError, match="不能超过10MB"):
        services.entry_save(
            actor=world.admin_a, indicator=party, school=world.md.school_a, value=D(80), evidence=big
        )
    fake = SimpleUploadedFile("假.pdf", b"MZ\x90\x00", content_type="application/pdf")
    with pytest.raises(DomainError):
        services.entry_save(
            actor=world.admin_a, indicator=party, school=world.md.school_a, value=D(80), evidence=fake
        )
    with pytest.raises(DomainError, match="0至100"):
        services.entry_save(actor=world.admin_a, indicator=party, school=world.md.school_a, value=D(101))
    routine = Indicator.objects.get(dimension__scheme=world.scheme, source="routine_inspection")
    with pytest.raises(DomainError, match="由数据生成"):
        services.entry_save(actor=world.admin_a, indicator=routine, school=world.md.school_a, value=D(80))
    assert not Entry.objects.exists()


def test_routine_shortfalls_become_one_rectification_item(world):
    md = world.md
    checks = list(world.checklist.checks.all())
    with pytest.raises(DomainError, match="缺1项"):
        services.inspection_record(
            actor=world.officer,
            school=md.school_a,
            checklist=world.checklist,
            inspected_on=DAY,
            now=NOW,
            marks=[services.MarkInput(c.pk, True) for c in checks[:3]],
        )
    with pytest.raises(DomainError, match="未达标的项目请说明问题"):
        services.inspection_record(
            actor=world.officer,
            school=md.school_a,
            checklist=world.checklist,
            inspected_on=DAY,
            now=NOW,
            marks=[services.MarkInput(c.pk, c != checks[0]) for c in checks],
        )
    with pytest.raises(DomainError, match="不能晚于今天"):
        inspect_on = dt.date(2025, 12, 2)
        services.inspection_record(
            actor=world.officer,
            school=md.school_a,
            checklist=world.checklist,
            inspected_on=inspect_on,
            now=NOW,
            marks=[services.MarkInput(c.pk, True) for c in checks],
        )
    assert not RoutineInspection.objects.exists()
    passed = inspect(world, md.school_b, [True] * 4)
    failed = inspect(world, md.school_a, [True, False, True, False])
    items = RectificationItem.objects.filter(finding_source=ROUTINE)
    (item,) = items
    assert item.school_id == md.school_a.pk and item.cause_key == f"{ROUTINE}:{failed.pk}"
    assert "2项未达标" in item.title and "上课记录缺失" in item.evidence
    # the periodic source yields the same cause key: the next run raises no second item
    keys = [f.cause_key for f in routine_failures(FindingContext(now=NOW, area=md.district))]
    assert keys == [item.cause_key] and passed.pk != failed.pk


def test_inspectors_inspect_in_their_area_only(world):
    md = world.md
    inspector = md.users[Role.INSPECTOR]  # town A
    checks = list(world.checklist.checks.all())
    services.inspection_record(
        actor=inspector,
        school=md.school_a,
        checklist=world.checklist,
        inspected_on=DAY,
        now=NOW,
        marks=[services.MarkInput(c.pk, True) for c in checks],
    )
    with pytest.raises(PermissionDenied):
        services.inspection_record(
            actor=inspector,
            school=md.school_b,
            checklist=world.checklist,
            inspected_on=DAY,
            now=NOW,
            marks=[services.MarkInput(c.pk, True) for c in checks],
        )


def test_survey_counts_are_checked(world):
    with pytest.raises(DomainError, match="满意数不能大于答卷数"):
        survey(world, world.md.school_a, "parents", 10, 11)
    with pytest.raises(PermissionDenied):
        services.survey_save(
            actor=world.admin_a,
            school=world.md.school_b,
            school_year=world.md.year,
            respondent="parents",
            respondents=10,
            satisfied=9,
        )
    assert not SatisfactionSurvey.objects.exists()
    survey(world, world.md.school_a, "parents", 10, 9)
    survey(world, world.md.school_a, "parents", 20, 19)  # replaces
    assert list(SatisfactionSurvey.objects.values_list("respondents", "satisfied")) == [(20, 19)]


def test_the_default_checklist_is_data(world):
    name, source, checks = services.default_checks()
    assert "备讲改辅考研" in name and source
    assert {c for c, _ in checks} == {"preparation", "teaching", "marking", "tutoring", "testing", "research"}
