"""The appraisal policy tried for every identity of the mini district (the role x action matrix
from the declaration via edugov.testing.policy_expects); the pages, the report and the API answer
as it says; bad input is a Chinese 400 with nothing written, never a 500."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from edugov.accounts.models import Role
from edugov.accounts.policy import can
from edugov.appraisal import services
from edugov.appraisal.models import (
    Entry,
    Indicator,
    RoutineInspection,
    SatisfactionSurvey,
    Scheme,
    SchoolResult,
)
from edugov.appraisal.permissions import POLICY
from edugov.testing import login, policy_expects

from .conftest import NOW

pytestmark = pytest.mark.django_db
ACTIONS = sorted(POLICY.rules)
AREA_ACTIONS = {"scheme_edit", "compute", "checklist_edit"}


def _target(md, name):
    return md.district if name in AREA_ACTIONS else md.school_a


def test_can_follows_the_declaration(world):
    md = world.md
    wrong = [
        (identity, name)
        for identity, user in md.users.items()
        for name in ACTIONS
        if can(user, f"appraisal.{name}", _target(md, name))
        != policy_expects(user, f"appraisal.{name}", _target(md, name))
    ]
    assert not wrong
    for name in ACTIONS:
        answers = {policy_expects(u, f"appraisal.{name}", _target(md, name)) for u in md.users.values()}
        assert answers == {True, False}, name


def test_pages_answer_as_the_policy_says(world):
    md = world.md
    services.results_compute(actor=world.officer, scheme=world.scheme, now=NOW)
    for identity, user in md.users.items():
        client = login(Client(raise_request_exception=False), user)
        page = client.get(reverse("appraisal:district"))
        assert page.status_code == (200 if policy_expects(user, "appraisal.view") else 403), identity
        school = client.get(reverse("appraisal:school", kwargs={"pk": md.school_a.pk})).status_code
        readable = policy_expects(user, "appraisal.view", md.school_a) or policy_expects(
            user, "appraisal.school_view", md.school_a
        )
        assert school in ((200,) if readable else (403, 404)), (identity, school)
        routine = client.get(reverse("appraisal:routine")).status_code
        may = policy_expects(user, "appraisal.view") or policy_expects(user, "appraisal.inspect")
        assert routine == (200 if may else 403), (identity, routine)
    page = login(Client(), world.officer).get(reverse("appraisal:district")).content.decode()
    assert "测试区学校考核方案" in page and "甲街道第一小学" in page and "待改进" in page


def test_the_school_enters_on_its_page_and_refusals_write_nothing(world):
    md = world.md
    client = login(Client(), world.admin_a)
    url = reverse("appraisal:school", kwargs={"pk": md.school_a.pk})
    party = Indicator.objects.get(dimension__scheme=world.scheme, name="党建工作")
    pdf = SimpleUploadedFile("总结.pdf", b"%PDF-1.4 x", content_type="application/pdf")
    response = client.post(
        url, {"form": "entry", "indicator": party.pk, "value": "85", "note": "好", "evidence": pdf}
    )
    assert response.status_code == 302
    entry = Entry.objects.get()
    assert (entry.value, entry.evidence_name) == (85, "总结.pdf")
    assert client.get(reverse("appraisal:evidence", kwargs={"pk": entry.pk})).status_code == 200
    # N items whose weights do not make the scheme's 15%: a Chinese 400, nothing written
    bad = client.post(url, {"form": "n_items", "n_name_0": "足球", "n_weight_0": "10"})
    assert bad.status_code == 400 and "特色项目权重合计应为15%" in bad.content.decode()
    assert not Indicator.objects.filter(school=md.school_a).exists()
    assert client.post(url, {"form": "n_items", "n_name_0": "足球", "n_weight_0": "15"}).status_code == 302
    bad = client.post(
        url, {"form": "survey", "respondent": "parents", "respondents": "10", "satisfied": "abc"}
    )
    assert bad.status_code == 400 and "应为整数" in bad.content.decode()
    assert not SatisfactionSurvey.objects.exists()
    # a school never reaches another school's page
    other = client.post(reverse("appraisal:school", kwargs={"pk": md.school_b.pk}), {"form": "survey"})
    assert other.status_code == 404


def test_the_bureau_defines_a_scheme_on_the_page(world):
    md = world.md
    Scheme.objects.all().delete()
    client = login(Client(), world.officer)
    form = client.get(reverse("appraisal:district")).content.decode()
    assert "制定" in form and "书面作业时长达标率" in form  # the 1+4+N template is offered
    post = {
        "form": "scheme",
        "scheme_name": "方案",
        "n_weight": "15",
        "year": str(md.year.start_year),
        "kind_0": "core",
        "dimension_0": "教学",
        "name_0": "常规",
        "source_0": "routine_inspection",
        "rule_0": "linear",
        "floor_0": "60",
        "target_0": "100",
        "weight_0": "80",
    }
    bad = client.post(reverse("appraisal:district"), post)
    assert bad.status_code == 400 and "权重合计应为100%，现为95%" in bad.content.decode()
    assert not Scheme.objects.exists()
    post["weight_0"] = "85"
    assert client.post(reverse("appraisal:district"), post).status_code == 302
    assert Indicator.objects.get().name == "常规"
    assert client.post(reverse("appraisal:district"), {"form": "compute"}).status_code == 302
    assert SchoolResult.objects.count() == 2


def test_routine_page_records_an_inspection(world):
    md = world.md
    client = login(Client(), md.users[Role.INSPECTOR])
    checks = list(world.checklist.checks.all())
    page = client.get(
        reverse("appraisal:routine"), {"school": md.school_a.pk, "checklist": world.checklist.pk}
    )
    assert page.status_code == 200 and checks[0].text in page.content.decode()
    post = {"school": md.school_a.pk, "checklist": world.checklist.pk, "inspected_on": "2025-11-20"}
    post.update({f"mark_{c.pk}": "pass" for c in checks})
    post[f"mark_{checks[1].pk}"] = "fail"
    bad = client.post(reverse("appraisal:routine"), post)
    assert bad.status_code == 400 and "未达标的项目请说明问题" in bad.content.decode()
    post[f"note_{checks[1].pk}"] = "教案不全"
    assert client.post(reverse("appraisal:routine"), post).status_code == 302
    assert RoutineInspection.objects.get().marks.filter(passed=False).count() == 1
    post["school"] = md.school_b.pk  # outside the inspector's town
    assert client.post(reverse("appraisal:routine"), post).status_code == 400
    assert RoutineInspection.objects.count() == 1


def test_api_schemes_entries_and_results(world):
    md = world.md
    api = APIClient()
    api.force_authenticate(world.officer)
    Scheme.objects.all().delete()
    body = {
        "area": md.district.pk,
        "school_year": md.year.pk,
        "name": "方案",
        "characteristic_weight": "10",
        "dimensions": [
            {
                "kind": "core",
                "name": "教学",
                "indicators": [
                    {
                        "name": "常规",
                        "weight": "80",
                        "rule": "linear",
                        "source_code": "routine_inspection",
                        "floor": "60",
                        "target": "100",
                    },
                    {"name": "党建", "weight": "5", "rule": "entered"},
                ],
            }
        ],
    }
    bad = api.post("/api/v1/appraisal/schemes/", body, format="json")
    assert bad.status_code == 400 and "权重合计应为100%" in str(bad.json())
    assert not Scheme.objects.exists()
    body["dimensions"][0]["indicators"][1]["weight"] = "10"
    assert api.post("/api/v1/appraisal/schemes/", body, format="json").status_code == 201
    party = Indicator.objects.get(name="党建")
    school_api = APIClient()
    school_api.force_authenticate(world.admin_a)
    ok = school_api.post(
        "/api/v1/appraisal/entries/",
        {"school": md.school_a.pk, "indicator": party.pk, "value": "90"},
        format="json",
    )
    assert ok.status_code == 201, ok.json()
    other = school_api.post(
        "/api/v1/appraisal/entries/",
        {"school": md.school_b.pk, "indicator": party.pk, "value": "90"},
        format="json",
    )
    assert other.status_code == 400 and Entry.objects.count() == 1  # school B is not the school's to write
    assert school_api.post("/api/v1/appraisal/results/", {}, format="json").status_code == 403
    done = api.post(
        "/api/v1/appraisal/results/", {"area": md.district.pk, "school_year": md.year.pk}, format="json"
    )
    assert done.status_code == 201 and done.json()["schools"] == 2
    rows = school_api.get("/api/v1/appraisal/results/").json()["results"]
    assert [r["school"] for r in rows] == [md.school_a.pk]  # its own card only
    assert {line["indicator_name"] for line in rows[0]["lines"]} == {"常规", "党建"}
    assert rows[0]["total"] == "9.00"  # routine missing (0); party 90 x 10% = 9


def test_results_report_lists_schools_with_their_evidence(world):
    from edugov.reports import build_report

    services.results_compute(actor=world.officer, scheme=world.scheme, now=NOW)
    doc = build_report(world.officer, "appraisal.results", {"year": str(world.md.year.start_year)})
    schools = next(s for s in doc.sections if s.key == "schools")
    assert [r[1] for r in schools.rows] == ["甲街道第一小学", "乙镇中心小学"]
    lines = next(s for s in doc.sections if s.key == "lines")
    assert len(lines.rows) == 6 and all(r[7] for r in lines.rows)
    assert ("参评学校", "2所") in doc.summary


def test_district_page_queries_do_not_grow_with_schools(world, django_assert_max_num_queries):
    from edugov.testing import make_school

    for i in range(5):
        make_school(town=world.md.town_b, name=f"乙镇第{i}小学")
    services.results_compute(actor=world.officer, scheme=world.scheme, now=NOW)
    client = login(Client(), world.officer)
    client.get(reverse("appraisal:district"))  # warm the session and caches
    with django_assert_max_num_queries(16):
        assert client.get(reverse("appraisal:district")).status_code == 200
