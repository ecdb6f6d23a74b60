"""优质均衡 pages per role, bad parameters, exports and the CLI on the hand-computed district."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from edugov.accounts.models import Role
from edugov.resources.evaluation import evaluate_balanced
from edugov.resources.exports import balanced_report
from edugov.resources.tests.test_balanced import district  # noqa: F401  (the shared fixture)
from edugov.testing import make_user

pytestmark = pytest.mark.django_db

PAGES = ["balanced", "guarantee", "gaps", "whatif", "findings"]


def client_for(user):
    c = Client()
    c.force_login(user)
    return c


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("role", [Role.DISTRICT_ADMIN, Role.LEADER, Role.DEPARTMENT_OFFICER])
def test_district_pages_for_district_roles(district, name, role):  # noqa: F811
    r = client_for(district.users[role]).get(reverse(f"resources:{name}"), {"year": "2025"})
    assert r.status_code == 200
    assert "测试区" in r.content.decode()


def test_overview_names_the_standard_and_charts(district):  # noqa: F811
    body = client_for(district.users[Role.DISTRICT_ADMIN]).get(reverse("resources:balanced")).content.decode()
    # the source and its status behind a disclosure, not an inline tag; indicators by name
    assert (
        '<details class="source-info"><summary>依据</summary><ul class="plain"><li>'
        "县域义务教育优质均衡发展督导评估办法（教督〔2017〕6号） 第九条(一)"
        '<span class="muted">（核实状态：已核实）</span></li>'
    ) in body
    assert "第九条(一)（已核实）" not in body and ">R1 " not in body
    assert "每百名学生拥有高于规定学历教师数" in body
    assert 'id="balanced-charts"' in body and "dist_primary_R4" in body and "trend_junior" in body
    assert "甲街道第二小学" in body


@pytest.mark.parametrize("role", [Role.INSPECTOR, Role.TEACHER, Role.INSTITUTION_OPERATOR])
def test_other_roles_are_refused(district, role):  # noqa: F811
    r = client_for(district.users[role]).get(reverse("resources:balanced"))
    assert r.status_code == 403


def test_tutoring_officer_is_refused(district):  # noqa: F811
    officer = make_user(Role.DEPARTMENT_OFFICER, area=district.district, department="tutoring_supervision")
    assert client_for(officer).get(reverse("resources:gaps")).status_code == 403


def test_school_admin_sees_only_own_card(district):  # noqa: F811
    c = client_for(district.users[Role.SCHOOL_ADMIN])
    r = c.get(reverse("resources:balanced"), follow=True)
    assert r.redirect_chain[-1][0] == reverse("resources:school_card", args=[district.school_a.pk])
    body = r.content.decode()
    assert "甲街道第一小学" in body and "生均教学及辅助用房面积" in body
    assert "乙镇中心小学" not in body and "甲街道第二小学" not in body
    assert c.get(reverse("resources:school_card", args=[district.school_b.pk])).status_code == 403
    for name in ("gaps", "guarantee", "whatif", "findings", "export"):
        assert c.get(reverse(f"resources:{name}")).status_code == 403


def test_officer_sees_any_card_and_its_gaps(district):  # noqa: F811
    c = client_for(district.users[Role.DEPARTMENT_OFFICER])
    body = c.get(reverse("resources:school_card", args=[district.school_b.pk])).content.decode()
    assert "乙镇中心小学" in body and "缺" in body


@pytest.mark.parametrize(
    "url,params,status",
    [
        ("resources:balanced", {"year": "abc"}, 400),
        ("resources:balanced", {"year": "1999"}, 400),
        ("resources:balanced", {"town": "x" * 500}, 200),
        ("resources:gaps", {"year": "2025-2026"}, 200),
        ("resources:whatif", {"run": "1", "unit_1": "zz", "amount_1": "abc"}, 400),
        ("resources:whatif", {"run": "1"}, 400),
        ("resources:export", {"fmt": "docx"}, 400),
    ],
)
def test_bad_parameters_never_500(district, url, params, status):  # noqa: F811
    r = client_for(district.users[Role.DISTRICT_ADMIN]).get(reverse(url), params)
    assert r.status_code == status


def test_school_card_bad_ids(district):  # noqa: F811
    c = client_for(district.users[Role.DISTRICT_ADMIN])
    assert c.get(reverse("resources:school_card", args=[999999])).status_code == 403
    # The teaching point (< 50 pupils) is not evaluated: a clear message, not a crash.
    r = c.get(reverse("resources:school_card", args=[district.point_a.pk]))
    assert r.status_code == 400 and "不在本学年的优质均衡评估范围内" in r.content.decode()


def test_whatif_shows_new_values_and_writes_nothing(district):  # noqa: F811
    from edugov.resources.models import SchoolFacilities

    before = list(SchoolFacilities.objects.values_list("pk", "teaching_aux_area"))
    c = client_for(district.users[Role.DISTRICT_ADMIN])
    # P2: 200 pupils, 800 m² (4.0 per pupil); +100 m² gives 4.5, the standard.
    r = c.get(
        reverse("resources:whatif"),
        {"run": "1", "unit_1": f"{district.p2.pk}:primary", "item_1": "teaching_aux_area", "amount_1": "100"},
    )
    assert r.status_code == 200
    body = r.content.decode()
    assert "4.00" in body and "4.50" in body
    assert list(SchoolFacilities.objects.values_list("pk", "teaching_aux_area")) == before


def test_xlsx_export_contains_the_figures(district):  # noqa: F811
    r = client_for(district.users[Role.DISTRICT_ADMIN]).get(reverse("resources:export"), {"fmt": "xlsx"})
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.content))
    assert {
        "各校指标",
        "校际差异系数",
        "政府保障项目",
        "补短板清单与经费估算",
        "所用标准及出处",
    } <= set(wb.sheetnames)
    rows = list(wb["各校指标"].values)
    header = rows[2]
    p2 = next(r for r in rows if r[1] == "甲街道第二小学")
    assert p2[0] == district.p2.code and p2[header.index("学生数")] == 200
    area = "生均教学及辅助用房（平方米）"  # R4, named in words
    assert p2[header.index(f"{area}分子")] == 800 and p2[header.index(area)] == 4.0
    standards = [r[0] for r in wb["所用标准及出处"].values]
    assert "balanced.cv_max" in standards


def test_pdf_export_opens(district):  # noqa: F811
    r = client_for(district.users[Role.LEADER]).get(reverse("resources:export"), {"fmt": "pdf"})
    assert r.status_code == 200 and r.content.startswith(b"%PDF") and len(r.content) > 5000


def test_cli_json_equals_the_evaluation(district):  # noqa: F811
    out = io.StringIO()
    call_command("evaluate", "balanced", "--year", "2025", "--area", "310101", "--format", "json", stdout=out)
    printed = json.loads(out.getvalue())
    expected = json.loads(
        json.dumps(
            balanced_report(evaluate_balanced(school_year=district.year, area=district.district)).as_dict()
        )
    )
    assert printed == expected
    cvs = printed["sections"]["cvs"]["rows"]
    assert {r[1] for r in cvs} >= {"每百名学生拥有高于规定学历教师数", "每百名学生拥有网络多媒体教室数"}


def test_cli_writes_xlsx_and_rejects_bad_year(district, tmp_path):  # noqa: F811
    from django.core.management.base import CommandError

    target = tmp_path / "r.xlsx"
    call_command("evaluate", "balanced", "--format", "xlsx", "--output", str(target), stderr=io.StringIO())
    assert load_workbook(target).sheetnames[0] == "封面"
    with pytest.raises(CommandError, match="1990学年在系统中不存在"):
        call_command("evaluate", "balanced", "--year", "1990")
