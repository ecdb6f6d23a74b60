"""优质均衡 resource evaluation on a district small enough to compute by hand, on every engine."""

from __future__ import annotations

import math
from decimal import Decimal

import numpy as np
import pytest
from django.db import connection

from edugov.registry.models import SchoolClass, Teacher
from edugov.resources.evaluation import evaluate_balanced
from edugov.resources.models import SchoolFacilities, TeacherYearRecord
from edugov.resources.unit_results import IndicatorResult, _verdicts, school_verdict
from edugov.testing import make_mini_district, make_school

pytestmark = pytest.mark.django_db


def add_classes(school, year, grades_sizes):
    n = 0
    for grade, size, count in grades_sizes:
        for _ in range(count):
            n += 1
            SchoolClass.objects.create(
                school=school, school_year=year, grade=grade, number=n, boys=size // 2, girls=size - size // 2
            )


def add_teachers(
    school,
    year,
    stage,
    *,
    total,
    above,
    backbone=0,
    pe_art=0,
    qualification_above="bachelor",
    qualification_below="secondary",
):
    start = Teacher.objects.filter(school=school).count()
    for i in range(total):
        t = Teacher.objects.create(
            school=school, staff_number=f"{stage}{start + i}", name=f"教师{i}", sex="F"
        )
        TeacherYearRecord.objects.create(
            teacher=t,
            school_year=year,
            stage=stage,
            qualification=qualification_above if i < above else qualification_below,
            backbone_level="county" if i < backbone else "none",
            pe_art_subject="music" if i < pe_art else "",
        )


def add_facilities(school, year, *, aux, sports, equipment, multimedia):
    SchoolFacilities.objects.create(
        school=school,
        school_year=year,
        teaching_aux_area=aux,
        sports_area=sports,
        equipment_value=equipment,
        multimedia_classrooms=multimedia,
    )


@pytest.fixture
def district():
    d = make_mini_district()
    y = d.year
    # P1 (school_a, town A): 400 pupils, meets all seven.
    d.school_a.classes.all().delete()
    add_classes(d.school_a, y, [(3, 40, 10)])
    add_facilities(d.school_a, y, aux=2000, sports=3200, equipment=900_000, multimedia=10)
    add_teachers(
        d.school_a, y, "primary", total=20, above=18, backbone=4, pe_art=4, qualification_above="associate"
    )
    # P2 (town A): 200 pupils, R4 at 4.0 (88.9% of 4.5), the rest met, R6 exactly at 2000.
    p2 = make_school(town=d.town_a, name="甲街道第二小学")
    add_classes(p2, y, [(4, 40, 5)])
    add_facilities(p2, y, aux=800, sports=1600, equipment=400_000, multimedia=5)
    add_teachers(p2, y, "primary", total=10, above=9, backbone=2, pe_art=2)
    # P3 (school_b, town B): 100 pupils, short of nearly everything.
    d.school_b.classes.all().delete()
    add_classes(d.school_b, y, [(5, 50, 2)])
    add_facilities(d.school_b, y, aux=300, sports=500, equipment=150_000, multimedia=2)
    add_teachers(d.school_b, y, "primary", total=5, above=3)
    # N (nine-year, town B): primary 300 pupils (6 x 50), junior 200 (4 x 50).
    n = make_school(town=d.town_b, name="乙镇九年一贯制学校", school_type="nine_year", urban_rural_code="121")
    add_classes(
        n,
        y,
        [
            (1, 50, 1),
            (2, 50, 1),
            (3, 50, 1),
            (4, 50, 1),
            (5, 50, 1),
            (6, 50, 1),
            (7, 50, 2),
            (8, 50, 1),
            (9, 50, 1),
        ],
    )
    add_facilities(n, y, aux=2500, sports=5000, equipment=1_250_000, multimedia=12)
    add_teachers(n, y, "primary", total=15, above=13, backbone=3, pe_art=3, qualification_above="associate")
    add_teachers(
        n,
        y,
        "junior",
        total=12,
        above=10,
        backbone=2,
        pe_art=2,
        qualification_above="bachelor",
        qualification_below="associate",
    )
    # Excluded: the teaching point (30 pupils < 50) and a special-education school.
    add_classes(d.point_a, y, [(1, 30, 1)])
    special = make_school(town=d.town_a, name="特殊教育学校", school_type="special")
    add_classes(special, y, [(3, 10, 3)])
    add_facilities(special, y, aux=10, sports=10, equipment=10, multimedia=0)
    d.p2, d.nine = p2, n
    return d


def own_engine():
    return "postgres" if connection.vendor == "postgresql" else "sqlite"


def by_school(evaluation):
    return {(s.school_name, s.stage): s for s in evaluation.schools}


def test_school_values_verdicts_and_gaps(district):
    ev = evaluate_balanced(school_year=district.year, area=district.district)
    rows = by_school(ev)
    assert set(rows) == {
        ("甲街道第一小学", "primary"),
        ("甲街道第二小学", "primary"),
        ("乙镇中心小学", "primary"),
        ("乙镇九年一贯制学校", "primary"),
        ("乙镇九年一贯制学校", "junior"),
    }  # teaching point under 50 pupils and the special school are not counted

    p1 = rows[("甲街道第一小学", "primary")]
    values = {r.code: r.value for r in p1.indicators}
    assert values["balanced.R1"] == pytest.approx(4.5)  # 18 / 400 * 100
    assert values["balanced.R4"] == pytest.approx(5.0)
    assert values["balanced.R6"] == pytest.approx(2250)
    assert p1.passed is True and p1.met_count == 7

    p2 = rows[("甲街道第二小学", "primary")]
    assert p2.met_count == 6 and p2.passed is True  # R4 = 4.0 is 88.9% of 4.5
    r6 = next(r for r in p2.indicators if r.code == "balanced.R6")
    assert r6.value == 2000 and r6.met is True  # exactly at the standard counts as met

    p3 = rows[("乙镇中心小学", "primary")]
    assert p3.passed is False
    gaps = {r.code: r.gap for r in p3.indicators}
    assert gaps["balanced.R4"] == pytest.approx(150.0)  # 4.5 * 100 - 300 m²
    assert gaps["balanced.R1"] == 2  # 4.2 teachers needed per 100, has 3: 1.2 -> 2 whole teachers
    assert gaps["balanced.R7"] == 1  # 2.3 rooms needed, has 2
    assert gaps["balanced.R6"] == pytest.approx(50_000.0)  # 2000 * 100 - 150000 yuan

    # Nine-year school: facilities split 300:200 by pupils; junior R4 = 1000 / 200 = 5.0 < 5.8.
    nj = rows[("乙镇九年一贯制学校", "junior")]
    njv = {r.code: r.value for r in nj.indicators}
    assert njv["balanced.R4"] == pytest.approx(5.0)
    assert njv["balanced.R1"] == pytest.approx(5.0)  # 10 bachelor+ / 200 * 100
    npri = rows[("乙镇九年一贯制学校", "primary")]
    assert {r.code: r.value for r in npri.indicators}["balanced.R4"] == pytest.approx(5.0)  # 1500 / 300


def test_weighted_cv_by_hand(district):
    ev = evaluate_balanced(school_year=district.year, area=district.district)
    cv = {(c.stage, c.code): c for c in ev.cvs}
    # R4 primary: A = 2000 + 800 + 300 + 1500 = 4600, P = 1000, mean 4.6;
    # terms 0.4*0.4² + 0.2*0.6² + 0.1*1.6² + 0.3*0.4² = 0.44; CV = √0.44 / 4.6
    assert cv[("primary", "balanced.R4")].cv == pytest.approx(math.sqrt(0.44) / 4.6)
    assert cv[("primary", "balanced.R4")].mean == pytest.approx(4.6)
    assert cv[("primary", "balanced.R4")].threshold == 0.5
    assert cv[("primary", "balanced.R4")].met is True
    assert cv[("junior", "balanced.R4")].cv == pytest.approx(0.0)  # a single junior unit


def test_town_and_district_values_sum_numerators(district):
    ev = evaluate_balanced(school_year=district.year, area=district.district)
    towns = {(t.area_name, t.stage): t for t in ev.towns}
    # Town A primary R4: (2000 + 800) / (400 + 200), not the mean of 5.0 and 4.0.
    assert towns[("甲街道", "primary")].values["balanced.R4"] == pytest.approx(2800 / 600)
    district_values = {d.stage: d.values for d in ev.district}
    assert district_values["primary"]["balanced.R4"] == pytest.approx(4.6)
    assert district_values["junior"]["balanced.R4"] == pytest.approx(5.0)


def test_school_admin_sees_only_own_school(district):
    ev = evaluate_balanced(
        school_year=district.year, area=district.district, user=district.users["school_admin"]
    )
    assert {s.school_name for s in ev.schools} == {"甲街道第一小学"}
    assert ev.cvs  # district-level figures are still computed over every counted school


def test_findings_name_missing_data(district):
    TeacherYearRecord.objects.filter(teacher__school=district.p2).update(qualification="")
    SchoolFacilities.objects.filter(school=district.p2).delete()
    ev = evaluate_balanced(school_year=district.year, area=district.district)
    reasons = [f.reason for f in ev.findings if f.school_name == "甲街道第二小学"]
    assert any("办学条件" in r for r in reasons)
    assert any("未填写最高学历" in r for r in reasons)


def _ir(code, value, standard):
    return IndicatorResult(code, code, "", value, standard, value >= standard, value / standard, None, "")


@pytest.mark.parametrize(
    ("ratios", "passed"),
    [
        ([1.0] * 7, True),
        ([1.0] * 6 + [0.85], True),  # exactly 85% of the standard
        ([1.0] * 6 + [0.849], False),
        ([1.0] * 5 + [0.99, 0.99], False),  # only 5 of 7
    ],
)
def test_verdict_boundaries(ratios, passed):
    results = tuple(_ir(f"R{i}", 100 * r, 100) for i, r in enumerate(ratios))
    assert school_verdict(results, min_met=6, remaining_ratio=0.85)[0] is passed


def test_the_verdicts_of_every_unit_at_once_are_school_verdicts():
    """`_verdicts` (a province's units at once) gives `school_verdict`'s met count and verdict for
    each unit: values missing, standards of 0 (no ratio), ratios at and around the remaining share."""
    rng = np.random.default_rng(7)
    names = [f"指标{i}" for i in range(7)]
    standards = rng.choice([0.0, 10.0, 100.0], size=(400, 7), p=[0.05, 0.45, 0.5])
    values = standards * rng.choice([0.5, 0.84, 0.85, 0.9, 1.0, 1.2], size=(400, 7))
    values[rng.random((400, 7)) < 0.01] = np.nan
    counts, verdicts = _verdicts(values, standards, names, min_met=6, remaining_ratio=0.85)
    for row, standard, count, verdict in zip(values, standards, counts, verdicts, strict=True):
        results = tuple(
            IndicatorResult(
                name, name, "", None if math.isnan(v) else v, s, None if math.isnan(v) else v >= s,
                None if s == 0 or math.isnan(v) else v / s, None, "",
            )
            for name, v, s in zip(names, row, standard, strict=True)
        )  # fmt: skip
        assert verdict == school_verdict(results, min_met=6, remaining_ratio=0.85)
        assert count == sum(1 for r in results if r.met)
    assert {v[0] for v in verdicts} == {True, False, None}


@pytest.mark.parametrize("engine", ["own", "duckdb", "spark"])
def test_every_engine_gives_the_same_results(district, engine):
    reference = evaluate_balanced(school_year=district.year, area=district.district, engine=own_engine())
    other = evaluate_balanced(
        school_year=district.year, area=district.district, engine=own_engine() if engine == "own" else engine
    )

    def flat(ev):
        return (
            [
                (s.school_name, s.stage, s.passed, [(r.code, r.value, r.gap) for r in s.indicators])
                for s in ev.schools
            ],
            [(c.stage, c.code, c.cv) for c in ev.cvs],
            [(t.area_name, t.stage, t.values) for t in ev.towns],
        )

    assert other.engine == (own_engine() if engine == "own" else engine)
    assert other.schools and other.cvs
    assert _close(flat(reference), flat(other))


def _close(a, b):
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k]) for k in a)
    return a == b


def test_guarantee_items_name_failing_schools(district):
    from edugov.resources.models import SchoolFacilities

    # P3 has 2 classes of 50 pupils (> 45 in primary) and no music or art room.
    SchoolFacilities.objects.filter(school=district.school_a).update(
        music_rooms=1, music_room_area=100, art_rooms=1, art_room_area=80
    )
    ev = evaluate_balanced(school_year=district.year, area=district.district)
    items = {i.code: i for i in ev.guarantee}
    klass = items["balanced.G5.class_size"]
    failing = {f.school_name: f.detail for f in klass.failures}
    assert "乙镇中心小学" in failing and "2个班" in failing["乙镇中心小学"]
    assert "甲街道第一小学" not in failing  # 40 pupils per class
    rooms = {f.school_name: f.detail for f in items["balanced.G3.rooms_per_classes"].failures}
    # school_a: 10 classes -> 1 room each needed; art room of 80 m² is under 90 m².
    assert rooms["甲街道第一小学"] == "美术教室间均80㎡，低于90㎡"
    assert rooms["乙镇中心小学"].startswith("音乐教室0间，应有1间")
    # Nine-year school: 10 compulsory classes -> 1 room each needed, has none.
    assert "乙镇九年一贯制学校" in rooms
    # No teacher rotated: the district-wide rotation item fails.
    assert not items["balanced.G11.rotation_share"].met


def test_what_if_adding_area_changes_values_cv_and_verdict(district):
    from edugov.resources.evaluation import Adjustment
    from edugov.resources.gaps import gap_list

    before = evaluate_balanced(school_year=district.year, area=district.district)
    p3_before = by_school(before)[("乙镇中心小学", "primary")]
    assert next(r for r in p3_before.indicators if r.code == "balanced.R4").met is False
    after = evaluate_balanced(
        school_year=district.year,
        area=district.district,
        adjustments=[Adjustment(district.school_b.pk, "primary", "teaching_aux_area", 150)],
    )
    p3_after = by_school(after)[("乙镇中心小学", "primary")]
    r4 = next(r for r in p3_after.indicators if r.code == "balanced.R4")
    assert r4.value == pytest.approx(4.5) and r4.met is True  # (300 + 150) / 100
    cv_after = {(c.stage, c.code): c.cv for c in after.cvs}
    # A = 4750, P = 1000, mean 4.75; terms 0.4*0.25² + 0.2*0.75² + 0.1*0.25² + 0.3*0.25² = 0.1625
    assert cv_after[("primary", "balanced.R4")] == pytest.approx(math.sqrt(0.1625) / 4.75)
    # Nothing was written: the next plain evaluation is unchanged.
    again = evaluate_balanced(school_year=district.year, area=district.district)
    assert by_school(again)[("乙镇中心小学", "primary")] == p3_before

    lines, totals, grand = gap_list(before)
    r4_lines = {(line.school_name, line.stage): line for line in lines if line.code == "balanced.R4"}
    # P3 lacks 150 m²; nine-year junior lacks 5.8*200 - 1000 = 160 m²; P2 lacks 4.5*200 - 800 = 100 m².
    assert r4_lines[("乙镇中心小学", "小学")].gap == pytest.approx(150)
    assert r4_lines[("乙镇中心小学", "小学")].cost == pytest.approx(150 * 4000)
    r4_total = next(t for t in totals if t.code == "balanced.R4")
    assert r4_total.gap == pytest.approx(150 + 160 + 100)
    assert grand == pytest.approx(sum(t.cost for t in totals if t.cost is not None))


def test_guarantee_items_size_training_and_certificates_by_hand(district):
    """Each item's test over every school at once names exactly the failing schools, with their
    own figures: school size (primary 2,000), training hours (72 a year), certificates (all)."""
    # P2: 5 + 46 classes of 40 = 2,040 pupils, over 2,000.
    add_classes(district.p2, district.year, [(5, 40, 46)])
    records = TeacherYearRecord.objects.filter(school_year=district.year)
    # Trained: school_a's 20 teachers but 5, and every teacher of the others; untrained by default.
    records.exclude(teacher__school=district.school_a).update(training_hours=72)
    a_ids = records.filter(teacher__school=district.school_a).order_by("pk").values_list("pk", flat=True)
    records.filter(pk__in=list(a_ids)[:15]).update(training_hours=Decimal("72.0"))
    # Two of P2's ten teachers hold no certificate.
    p2_ids = records.filter(teacher__school=district.p2).order_by("pk").values_list("pk", flat=True)
    records.filter(pk__in=list(p2_ids)[:2]).update(has_certificate=False)

    items = {
        i.code: i for i in evaluate_balanced(school_year=district.year, area=district.district).guarantee
    }
    failures = {code: [(f.school_name, f.detail) for f in items[code].failures] for code in items}
    assert failures["balanced.G4.school_size"] == [("甲街道第二小学", "义务教育阶段学生2040人，超过2000人")]
    assert failures["balanced.G9.training_hours_per_year"] == [
        ("甲街道第一小学", "5名教师本学年培训不足72学时")
    ]
    assert failures["balanced.G12.certified_share"] == [("甲街道第二小学", "2名专任教师无教师资格证")]
    # Every counted school with compulsory classes is checked, the 30-pupil teaching point too.
    assert items["balanced.G4.school_size"].checked == 5


def test_a_column_rounds_as_each_value_does():
    """The report rounds a column at a time (numpy) what `_round` rounds one value at a time: the
    float noise of sums and quotients away, counts as they are, missing values None."""
    from edugov.resources.unit_results import _listed, _round, _rounded

    noisy = [
        0.1 + 0.2, 4.5, 2000.0000000000002, 1 / 3, 18 * 100 / 400, 1234567.8900000001, 1e12 / 7,
        12, 0, None, float("nan"), -0.30000000000000004, 9.7e15, 2.675,
    ]  # fmt: skip
    assert _listed(_rounded(noisy)) == [_round(v) for v in noisy]
    assert _listed(_rounded(noisy))[:3] == [0.3, 4.5, 2000.0]
