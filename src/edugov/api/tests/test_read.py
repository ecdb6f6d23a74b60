"""Reading the registry through the API: scope, paging, filters, ordering, masking."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from edugov.accounts.models import Role
from edugov.testing import make_class, make_school

pytestmark = pytest.mark.django_db

LISTS = ["areas", "schools", "campuses", "classes", "teachers", "teaching-assignments"]


def codes(response):
    return [row["code"] for row in response.json()["results"]]


def test_district_admin_lists_every_school_with_paging_envelope(d, api_as):
    body = api_as().get("/api/v1/registry/schools/").json()
    assert body["count"] == 3
    assert body["next"] is None and body["previous"] is None
    assert [r["code"] for r in body["results"]] == sorted([d.school_a.code, d.school_b.code, d.point_a.code])
    first = next(r for r in body["results"] if r["code"] == d.school_b.code)
    assert first["name"] == "乙镇中心小学"
    assert first["locale"] == "town" and first["locale_display"] == "镇区"
    assert first["area_code"] == "310101002"


@pytest.mark.parametrize("role", [Role.SCHOOL_ADMIN, Role.TEACHER, Role.INSPECTOR, "town_officer"])
@pytest.mark.parametrize("resource", LISTS)
def test_town_a_users_never_see_town_b(d, api_as, role, resource):
    text = api_as(role).get(f"/api/v1/registry/{resource}/?page_size=500").content.decode()
    for marker in [d.school_b.name, d.school_b.code, "乙镇赵老师", "310101002"]:
        assert marker not in text


@pytest.mark.parametrize(
    ("resource", "attr"),
    [
        ("schools", "school_b"),
        ("classes", "class_b1"),
        ("teachers", "teacher_b"),
        ("campuses", "campus_b"),
        ("teaching-assignments", "assignment_b"),
        ("areas", "town_b"),
    ],
)
def test_school_admin_gets_404_for_town_b_detail(d, api_as, resource, attr):
    client = api_as(Role.SCHOOL_ADMIN)
    response = client.get(f"/api/v1/registry/{resource}/{getattr(d, attr).pk}/")
    assert response.status_code == 404
    assert response.json()["detail"] == "记录不存在，或不在您的数据范围内"


def test_paging_page_size_and_next_link(d, api_as):
    for n in range(2, 7):
        make_class(school=d.school_a, year=d.year, number=n + 1)
    client = api_as()
    body = client.get("/api/v1/registry/classes/?page_size=2").json()
    assert body["count"] == 3 + 5
    assert len(body["results"]) == 2
    assert "page=2" in body["next"]
    last = client.get("/api/v1/registry/classes/?page_size=2&page=4").json()
    assert len(last["results"]) == 2 and last["next"] is None
    # The page size is capped: 10,000 rows per page is not a way to dump the table.
    assert client.get("/api/v1/registry/classes/?page_size=10000").json()["count"] == 8


@pytest.mark.parametrize("page", ["999999999999999999999", "0", "-1", "abc", "1e9"])
def test_bad_page_numbers_get_404_in_chinese(d, api_as, page):
    response = api_as().get(f"/api/v1/registry/schools/?page={page}")
    assert response.status_code == 404
    assert response.json()["detail"].startswith("页码无效")


def test_school_filters(d, api_as):
    client = api_as()
    make_school(
        town=d.town_b,
        name="乙镇民办幼儿园",
        school_type="kindergarten",
        ownership="private",
        urban_rural_code="220",
    )
    get = lambda q: sorted(r["name"] for r in client.get(f"/api/v1/registry/schools/?{q}").json()["results"])  # noqa: E731
    assert get("town=310101001") == sorted(["甲街道第一小学", "甲街道某村教学点"])
    assert get("area=310101") == sorted(
        ["甲街道第一小学", "甲街道某村教学点", "乙镇中心小学", "乙镇民办幼儿园"]
    )
    assert get("area=3101010") == get("area=310101")
    assert get("area=4401") == []
    assert get("school_type=kindergarten") == ["乙镇民办幼儿园"]
    assert get("ownership=private") == ["乙镇民办幼儿园"]
    assert get("locale=rural") == sorted(["甲街道某村教学点", "乙镇民办幼儿园"])
    assert get("locale=town") == ["乙镇中心小学"]
    assert get("is_teaching_point=true") == ["甲街道某村教学点"]
    assert get("search=中心") == ["乙镇中心小学"]
    assert get(f"search={d.school_a.code}") == ["甲街道第一小学"]


def test_bad_filter_values_are_400_in_chinese(d, api_as):
    response = api_as().get("/api/v1/registry/schools/?school_type=castle")
    assert response.status_code == 400
    assert "castle" in response.json()["school_type"][0]
    assert "选择" in response.json()["school_type"][0] or "选项" in response.json()["school_type"][0]
    response = api_as().get("/api/v1/registry/classes/?min_size=many")
    assert response.status_code == 400
    assert response.json()["min_size"] == ["输入一个数字。"]


def test_class_filters_size_and_ordering(d, api_as):
    client = api_as()
    make_class(school=d.school_a, year=d.year, number=5, boys=30, girls=30)  # 60: oversized
    make_class(school=d.school_a, year=d.year, grade=4, number=1, boys=35, girls=36)  # 71
    body = client.get("/api/v1/registry/classes/?min_size=56&ordering=-size").json()
    assert [r["size"] for r in body["results"]] == [71, 60]
    assert body["results"][0]["boys"] == 35 and body["results"][0]["girls"] == 36
    assert client.get("/api/v1/registry/classes/?grade=4").json()["count"] == 1
    assert client.get("/api/v1/registry/classes/?school_year=2025").json()["count"] == 5
    assert client.get("/api/v1/registry/classes/?school_year=2024").json()["count"] == 0
    assert client.get(f"/api/v1/registry/classes/?school={d.school_b.pk}").json()["count"] == 1
    assert client.get("/api/v1/registry/classes/?town=310101002").json()["count"] == 1
    assert client.get("/api/v1/registry/classes/?max_size=40").json()["count"] == 3


def test_filters_cannot_widen_scope(d, api_as):
    client = api_as(Role.SCHOOL_ADMIN)
    assert client.get(f"/api/v1/registry/classes/?school={d.school_b.pk}").json()["count"] == 0
    assert client.get("/api/v1/registry/schools/?area=31").json()["count"] == 2
    assert client.get("/api/v1/registry/teachers/?town=310101002").json()["count"] == 0


def test_teacher_identifiers_masked_except_for_district_and_own_school_admin(d, api_as):
    def teacher_a(role):
        rows = api_as(role).get(f"/api/v1/registry/teachers/?school={d.school_a.pk}").json()["results"]
        return next(r for r in rows if r["staff_number"] == "T001")

    for role in (Role.DISTRICT_ADMIN, Role.SCHOOL_ADMIN):
        row = teacher_a(role)
        assert (row["id_number"], row["phone"]) == ("310101198001011234", "13800001234")
    for role in (Role.DEPARTMENT_OFFICER, Role.LEADER, Role.INSPECTOR, Role.TEACHER):
        row = teacher_a(role)
        assert row["id_number"] == "310101********1234"
        assert row["phone"] == "138****1234"
    detail = api_as(Role.LEADER).get(f"/api/v1/registry/teachers/{d.teacher_a.pk}/").json()
    assert detail["id_number"] == "310101********1234"


def test_teacher_sees_only_own_classes_and_assignments(d, api_as):
    client = api_as(Role.TEACHER)
    classes = client.get("/api/v1/registry/classes/").json()["results"]
    assert [c["id"] for c in classes] == [d.class_a1.pk]
    assert classes[0]["size"] == 40 and classes[0]["grade_display"] == "三年级"
    assignments = client.get("/api/v1/registry/teaching-assignments/").json()["results"]
    assert [(a["teacher_name"], a["subject"]) for a in assignments] == [("王老师", "语文")]


def test_school_years_with_terms(d, api_as):
    body = api_as(Role.TEACHER).get("/api/v1/registry/school-years/").json()
    assert body["count"] == 1
    year = body["results"][0]
    assert year["name"] == "2025-2026学年" and year["is_current"] is True
    assert [t["number_display"] for t in year["terms"]] == ["第一学期", "第二学期"]
    terms = api_as().get("/api/v1/registry/terms/?school_year=2025").json()
    assert [t["start_date"] for t in terms["results"]] == ["2025-09-01", "2026-02-20"]


def test_institution_operator_sees_no_registry_rows(d, api_as):
    client = api_as(Role.INSTITUTION_OPERATOR)
    for resource in LISTS:
        assert client.get(f"/api/v1/registry/{resource}/").json()["count"] == 0


def test_anonymous_gets_401_in_chinese(d, client):
    response = client.get("/api/v1/registry/schools/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["detail"] == "身份认证信息未提供。"


def test_list_query_count_does_not_grow_with_rows(d, api_as):
    client = api_as()
    with CaptureQueriesContext(connection) as small:
        client.get("/api/v1/registry/classes/")
    for n in range(10):
        make_class(school=d.school_b, year=d.year, number=n + 2)
    with CaptureQueriesContext(connection) as large:
        assert client.get("/api/v1/registry/classes/").json()["count"] == 13
    assert len(large) == len(small)


def test_choice_labels_are_the_models_display_values_for_every_row(d, api_as):
    from edugov.registry.models import School, SchoolClass

    client = api_as()
    schools = {s.pk: s for s in School.objects.all()}
    for row in client.get("/api/v1/registry/schools/").json()["results"]:
        school = schools[row["id"]]
        assert row["school_type_display"] == school.get_school_type_display()
        assert row["ownership_display"] == school.get_ownership_display()
        assert row["locale_display"] == school.get_locale_display()
    classes = {c.pk: c for c in SchoolClass.objects.all()}
    rows = client.get("/api/v1/registry/classes/").json()["results"]
    assert rows
    for row in rows:
        assert row["grade_display"] == classes[row["id"]].get_grade_display()
