"""普及普惠 evaluation on two towns and four kindergartens computed by hand; boundaries, findings,
engines, imports, pages per role, exports and the CLI."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from edugov.accounts.models import Role
from edugov.ingest.models import BatchStatus
from edugov.ingest.services import import_file
from edugov.ingest.tests.helpers import write_csv
from edugov.registry.models import SchoolClass, Teacher
from edugov.reports import render_json as report_json
from edugov.resources.exports import preschool_report
from edugov.resources.indicators import ALL_PRESCHOOL_INDICATORS
from edugov.resources.models import InclusiveKindergarten, PreschoolPopulation, TeacherYearRecord
from edugov.resources.preschool import evaluate_preschool, preschool_trend
from edugov.resources.tests.test_balanced import _close
from edugov.testing import make_mini_district, make_school, make_user

pytestmark = pytest.mark.django_db


def kg_class(school, year, grade, number, size, name=""):
    return SchoolClass.objects.create(
        school=school,
        school_year=year,
        grade=grade,
        number=number,
        boys=size // 2,
        girls=size - size // 2,
        name=name or f"{grade}班{number}",
    )


def kg_teachers(school, year, *, full_time, certified, part_time=0):
    for i in range(full_time + part_time):
        t = Teacher.objects.create(
            school=school,
            staff_number=f"K{school.pk}-{i}",
            name=f"教师{i}",
            sex="F",
            is_full_time=i < full_time,
        )
        TeacherYearRecord.objects.create(
            teacher=t, school_year=year, stage="preschool", has_certificate=i < certified or i >= full_time
        )


@pytest.fixture
def pre():
    d = make_mini_district()
    y = d.year
    kg = "kindergarten"
    # K1 public, town A: 25 (small, at the limit), 32 (middle, over 30), 35 (large, at the limit).
    k1 = make_school(town=d.town_a, name="甲街道第一幼儿园", school_type=kg)
    kg_class(k1, y, -2, 1, 25)
    kg_class(k1, y, -1, 1, 32)
    kg_class(k1, y, 0, 1, 35)
    kg_teachers(k1, y, full_time=6, certified=6, part_time=1)
    # K2 private, recognised inclusive, town A: 20 + 28; 4 full-time teachers, 3 certified.
    k2 = make_school(town=d.town_a, name="甲街道阳光幼儿园", school_type=kg, ownership="private")
    kg_class(k2, y, -2, 1, 20)
    kg_class(k2, y, -1, 1, 28)
    kg_teachers(k2, y, full_time=4, certified=3)
    InclusiveKindergarten.objects.create(school=k2, school_year=y, is_inclusive=True)
    # K3 private, not inclusive, town B: large 40 (over 35), a mixed class of 30 (at its limit).
    k3 = make_school(
        town=d.town_b, name="乙镇贝贝幼儿园", school_type=kg, ownership="private", urban_rural_code="121"
    )
    kg_class(k3, y, 0, 1, 40)
    kg_class(k3, y, -1, 2, 30, name="混龄班")
    kg_teachers(k3, y, full_time=5, certified=5)
    InclusiveKindergarten.objects.create(school=k3, school_year=y, is_inclusive=False)
    # K4 private, town B: no classes, no teachers, no recognition record.
    k4 = make_school(
        town=d.town_b, name="乙镇新开幼儿园", school_type=kg, ownership="private", urban_rural_code="121"
    )
    PreschoolPopulation.objects.create(area=d.town_a, school_year=y, population=160)
    PreschoolPopulation.objects.create(area=d.town_b, school_year=y, population=100)
    d.k1, d.k2, d.k3, d.k4 = k1, k2, k3, k4
    d.kg_admin = make_user(Role.SCHOOL_ADMIN, school=k2)
    return d


def own_engine():
    return "postgres" if connection.vendor == "postgresql" else "sqlite"


def values(results):
    return {r.code[-2:]: r.value for r in results}


def test_district_and_town_values_by_hand(pre):
    ev = evaluate_preschool(school_year=pre.year, area=pre.district)
    v = values(ev.district)
    assert v["P1"] == pytest.approx(210 / 260)  # (140 + 70) children / (160 + 100)
    assert v["P2"] == pytest.approx(140 / 210)  # K1 public 92 + K2 inclusive 48
    assert v["P3"] == pytest.approx(92 / 210)
    assert v["P4"] == pytest.approx(5 / 7)  # K1's middle class and K3's large class are over
    assert v["P5"] == pytest.approx(14.0)  # 210 children / 15 full-time teachers
    assert v["P6"] == pytest.approx(14 / 15)
    met = {r.code[-2:]: r.met for r in ev.district}
    assert met == {"P1": False, "P2": False, "P3": False, "P4": False, "P5": True, "P6": False}
    p1 = ev.result("preschool.P1")
    assert (p1.numerator, p1.denominator) == (210, 260)
    assert "县域学前教育普及普惠督导评估办法（教督〔2020〕1号）" in p1.citation and "已核实" in p1.citation

    towns = {t.name: t for t in ev.towns}
    a, b = values(towns["甲街道"].results), values(towns["乙镇"].results)
    assert a == pytest.approx(
        {"P1": 140 / 160, "P2": 1.0, "P3": 92 / 140, "P4": 4 / 5, "P5": 14.0, "P6": 9 / 10}
    )
    assert b == pytest.approx({"P1": 0.7, "P2": 0.0, "P3": 0.0, "P4": 1 / 2, "P5": 14.0, "P6": 1.0})
    assert towns["乙镇"].kindergartens == 2 and towns["乙镇"].population == 100


def test_kindergarten_flags_and_class_problems(pre):
    ev = evaluate_preschool(school_year=pre.year, area=pre.district)
    k = {x.school_name: x for x in ev.kindergartens}
    k1, k2, k3, k4 = (
        k[n] for n in ("甲街道第一幼儿园", "甲街道阳光幼儿园", "乙镇贝贝幼儿园", "乙镇新开幼儿园")
    )
    assert (k1.is_public, k1.is_inclusive, k1.children, k1.classes_over) == (True, True, 92, 1)
    assert k1.class_problems == ("中班1个班超过30人",)
    assert (k1.teachers, k1.fulltime_teachers, k1.certified_teachers) == (7, 6, 6)
    assert (k2.is_public, k2.is_inclusive, k2.inclusive_label) == (False, True, "普惠性民办")
    assert k3.classes_by_level == {"small": 0, "middle": 0, "large": 1, "mixed": 1}
    assert k3.class_problems == ("大班1个班超过35人",) and not k3.is_inclusive
    assert (k4.children, k4.classes, k4.fulltime_teachers) == (0, 0, 0)
    assert values(k4.results) == {"P4": None, "P5": None, "P6": None}  # no division by zero
    reasons = [f.reason for f in ev.findings if f.school_code == pre.k4.code]
    assert any("在园幼儿数为0" in r for r in reasons)
    assert any("未填报本学年幼儿园教师信息" in r for r in reasons)
    assert any("未填报本学年普惠性认定情况" in r for r in reasons)
    assert not [f for f in ev.findings if f.school_code in (pre.k1.code, pre.k2.code, pre.k3.code)]


def test_oversize_kindergarten(pre):
    for n in range(2, 12):
        kg_class(pre.k1, pre.year, 0, n, 30)  # 92 + 300 = 392 > 360
    ev = evaluate_preschool(school_year=pre.year, area=pre.district)
    assert [k.school_name for k in ev.oversize] == ["甲街道第一幼儿园"]
    assert "幼儿园工作规程（教育部令第39号） 第十一条" in ev.size_citation


@pytest.mark.parametrize("large_size,met", [(34, True), (33, False)])
def test_enrolment_verdict_at_exactly_85_percent(pre, large_size, met):
    # K3's large class of 34 gives 204 children over 240 = exactly 85%; 33 gives 84.6%.
    SchoolClass.objects.filter(school=pre.k3, grade=0).update(
        boys=large_size // 2, girls=large_size - large_size // 2
    )
    PreschoolPopulation.objects.filter(area=pre.town_b).update(population=80)
    p1 = evaluate_preschool(school_year=pre.year, area=pre.district).result("preschool.P1")
    assert p1.met is met
    assert p1.value == pytest.approx((170 + large_size) / 240)


def test_missing_population_is_a_finding_not_a_crash(pre):
    PreschoolPopulation.objects.filter(area=pre.town_b).delete()
    ev = evaluate_preschool(school_year=pre.year, area=pre.district)
    p1 = ev.result("preschool.P1")
    assert p1.value == pytest.approx(140 / 160) and p1.met is None and "乙镇" in p1.note
    town_b = next(t for t in ev.towns if t.name == "乙镇")
    assert town_b.population is None and town_b.results[0].value is None
    assert any(f.subject == "乙镇" and "未填报本学年3-5岁常住人口" in f.reason for f in ev.findings)
    PreschoolPopulation.objects.all().delete()
    assert evaluate_preschool(school_year=pre.year, area=pre.district).result("preschool.P1").value is None


def test_empty_district_gives_no_values_and_no_crash(pre):
    SchoolClass.objects.filter(school__school_type="kindergarten").delete()
    ev = evaluate_preschool(school_year=pre.year, area=pre.district)
    assert {r.code[-2:]: r.value for r in ev.district}["P2"] is None
    assert all(r.met is None for r in ev.district if r.code[-2:] in ("P2", "P3", "P4"))


def flat(ev):
    return (
        [(r.code, r.value, r.numerator, r.denominator, r.met) for r in ev.district],
        [(t.name, t.children, t.population, [x.value for x in t.results]) for t in ev.towns],
        [
            (k.school_code, k.children, k.classes_over, k.is_inclusive, k.certified_teachers)
            for k in ev.kindergartens
        ],
        [f.reason for f in ev.findings],
    )


@pytest.mark.parametrize("engine", ["duckdb", pytest.param("spark", id="spark")])
def test_every_engine_gives_the_same_results(pre, engine):
    """Spark reuses the one process-wide session (indicators.backends.spark_session)."""
    if engine == "spark":
        pytest.importorskip("pyspark")
    reference = evaluate_preschool(school_year=pre.year, area=pre.district, engine=own_engine())
    other = evaluate_preschool(school_year=pre.year, area=pre.district, engine=engine)
    assert other.engine == engine
    assert _close(flat(reference), flat(other))


def test_trend_matches_the_yearly_evaluation(pre):
    trend = preschool_trend(area=pre.district, years=[pre.year])
    ev = evaluate_preschool(school_year=pre.year, area=pre.district)
    assert {code: v for (_, code), v in trend.items()} == pytest.approx(
        {r.code: r.value for r in ev.district}
    )


# ---- imports -------------------------------------------------------------------------------------


def run(tmp_path, kind, headers, rows, user):
    path = write_csv(tmp_path / f"{kind}.csv", rows, headers=headers)
    return import_file(kind=kind, path=path, original_name=path.name, user=user)


POP_HEADERS = ["区划代码", "学年", "3-5岁常住人口"]
INC_HEADERS = ["学校标识码", "学年", "是否普惠性民办幼儿园", "认定文号"]


def test_population_import_good_then_update(tmp_path, pre):
    admin = pre.users[Role.DISTRICT_ADMIN]
    batch = run(tmp_path, "preschool_population", POP_HEADERS, [["310101001", "2025-2026", "170"]], admin)
    assert batch.status == BatchStatus.SUCCEEDED, batch.errors
    assert PreschoolPopulation.objects.get(area=pre.town_a).population == 170
    assert (batch.created_count, batch.updated_count) == (0, 1)


@pytest.mark.parametrize(
    "row,reason",
    [
        (["310101", "2025", "100"], "不是乡镇（街道）级"),
        (["310101999", "2025", "100"], "不存在"),
        (["310101001", "2025", "-5"], "不能为负数"),
        (["310101001", "2030", "100"], "学年在系统中不存在"),
        (["310101001", "2025", "abc"], ""),
    ],
)
def test_population_import_bad_rows_change_nothing(tmp_path, pre, row, reason):
    admin = pre.users[Role.DISTRICT_ADMIN]
    rows = [["310101002", "2025", "90"], row]
    batch = run(tmp_path, "preschool_population", POP_HEADERS, rows, admin)
    assert batch.status == BatchStatus.REJECTED
    assert any(e["row"] == 3 and reason in e["reason"] for e in batch.errors), batch.errors
    assert PreschoolPopulation.objects.get(area=pre.town_b).population == 100  # all or nothing


def test_inclusive_import_good_and_bad(tmp_path, pre):
    admin = pre.users[Role.DISTRICT_ADMIN]
    good = run(
        tmp_path,
        "inclusive_kindergartens",
        INC_HEADERS,
        [[pre.k4.code, "2025", "是", "测教〔2025〕3号"]],
        admin,
    )
    assert good.status == BatchStatus.SUCCEEDED, good.errors
    rec = InclusiveKindergarten.objects.get(school=pre.k4)
    assert rec.is_inclusive and rec.document == "测教〔2025〕3号"
    for row, reason in (
        ([pre.school_a.code, "2025", "是", ""], "不是幼儿园"),
        ([pre.k1.code, "2025", "否", ""], "公办幼儿园"),
        ([pre.k3.code, "2025", "也许", ""], ""),
    ):
        bad = run(
            tmp_path, "inclusive_kindergartens", INC_HEADERS, [[pre.k2.code, "2025", "否", ""], row], admin
        )
        assert bad.status == BatchStatus.REJECTED
        assert any(reason in e["reason"] for e in bad.errors), bad.errors
    assert InclusiveKindergarten.objects.get(school=pre.k2).is_inclusive  # unchanged


def test_school_admin_cannot_import_recognition(tmp_path, pre):
    with pytest.raises(Exception):  # noqa: B017  (the ingest permission error)
        run(tmp_path, "inclusive_kindergartens", INC_HEADERS, [[pre.k2.code, "2025", "是", ""]], pre.kg_admin)
    assert InclusiveKindergarten.objects.get(school=pre.k2).is_inclusive


# ---- pages, exports, CLI ---------------------------------------------------------------------------


def client_for(user):
    c = Client()
    c.force_login(user)
    return c


@pytest.mark.parametrize("role", [Role.DISTRICT_ADMIN, Role.LEADER, Role.DEPARTMENT_OFFICER])
def test_district_page_for_district_roles(pre, role):
    body = client_for(pre.users[role]).get(reverse("resources:preschool"), {"year": "2025"}).content.decode()
    assert "测试区 学前教育普及普惠评估" in body
    assert (
        "县域学前教育普及普惠督导评估办法（教督〔2020〕1号） 普及普惠水平"
        '<span class="muted">（核实状态：已核实）</span>'
    ) in body
    assert "80.8%" in body and "1:14.0" in body  # P1 = 210/260; K1's teacher-child ratio
    assert "中班1个班超过30人" in body and "乙镇新开幼儿园" in body
    assert 'id="balanced-charts"' in body and "trend_P1" in body and "town_P4" in body
    assert ">普及普惠<" in body  # the navigation item


def test_town_drill_down(pre):
    body = (
        client_for(pre.users[Role.LEADER])
        .get(reverse("resources:preschool"), {"town": "乙镇"})
        .content.decode()
    )
    section = body.split('id="town"')[1]
    assert "乙镇贝贝幼儿园" in section and "甲街道阳光幼儿园" not in section


@pytest.mark.parametrize("role", [Role.INSPECTOR, Role.TEACHER, Role.INSTITUTION_OPERATOR])
def test_other_roles_are_refused(pre, role):
    assert client_for(pre.users[role]).get(reverse("resources:preschool")).status_code == 403


def test_kindergarten_admin_sees_only_own_card(pre):
    c = client_for(pre.kg_admin)
    r = c.get(reverse("resources:preschool"), follow=True)
    assert r.redirect_chain[-1][0] == reverse("resources:kindergarten_card", args=[pre.k2.pk])
    body = r.content.decode()
    assert "甲街道阳光幼儿园" in body and "普惠性民办" in body and "75.0%" in body  # 3 of 4 certified
    assert "乙镇贝贝幼儿园" not in body and "甲街道第一幼儿园" not in body
    assert c.get(reverse("resources:kindergarten_card", args=[pre.k1.pk])).status_code == 403
    assert c.get(reverse("resources:preschool_export")).status_code == 403


def test_bad_parameters_never_500(pre):
    c = client_for(pre.users[Role.DISTRICT_ADMIN])
    assert c.get(reverse("resources:preschool"), {"year": "abc"}).status_code == 400
    assert c.get(reverse("resources:preschool"), {"town": "x" * 500}).status_code == 200
    assert c.get(reverse("resources:preschool_export"), {"fmt": "doc"}).status_code == 400
    assert c.get(reverse("resources:kindergarten_card", args=[pre.school_a.pk])).status_code == 400
    assert c.get(reverse("resources:kindergarten_card", args=[999999])).status_code == 403


def test_xlsx_export_contains_the_figures(pre):
    r = client_for(pre.users[Role.DISTRICT_ADMIN]).get(reverse("resources:preschool_export"), {"fmt": "xlsx"})
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.content))
    rows = list(wb["全区指标"].values)
    header = rows[2]
    name = next(i.name for i in ALL_PRESCHOOL_INDICATORS if i.code == "preschool.P1")
    p1 = next(row for row in rows if row[0] == name)
    assert p1[header.index("分子")] == 210 and p1[header.index("分母")] == 260
    assert (
        p1[header.index("全区值")] == pytest.approx(80.77, abs=0.01) and p1[header.index("结论")] == "未达标"
    )
    kgs = list(wb["幼儿园"].values)
    k1 = next(row for row in kgs if row[0] == pre.k1.code)
    assert k1[kgs[1].index("在园幼儿")] == 92 and k1[kgs[1].index("班额问题")] == "中班1个班超过30人"


def test_pdf_export_opens(pre):
    r = client_for(pre.users[Role.LEADER]).get(reverse("resources:preschool_export"), {"fmt": "pdf"})
    assert r.status_code == 200 and r.content.startswith(b"%PDF") and len(r.content) > 3000


def test_cli_json_equals_the_evaluation(pre):
    out = io.StringIO()
    call_command(
        "evaluate", "preschool", "--year", "2025", "--area", "310101", "--format", "json", stdout=out
    )
    printed = json.loads(out.getvalue())
    expected = json.loads(
        report_json(preschool_report(evaluate_preschool(school_year=pre.year, area=pre.district)))
    )
    assert printed == expected
    name = next(i.name for i in ALL_PRESCHOOL_INDICATORS if i.code == "preschool.P1")  # no codes in reports
    p1 = next(r for r in printed["sections"]["district"]["rows"] if r[0] == name)
    assert p1[1:3] == [210.0, 260.0]
