"""Registry pages as every role of the mini district: scope, masking, editing, bad input, exports."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from edugov.accounts.models import Role
from edugov.audit.models import AuditAction, AuditEvent
from edugov.registry.models import School
from edugov.testing import make_class, make_mini_district, make_school

pytestmark = pytest.mark.django_db

OTHER_TOWN_SCHOOL = "乙镇中心小学"
FULL_ID = "310101198001011234"
MASKED_ID = "310101********1234"
FULL_PHONE = "13800001234"
MASKED_PHONE = "138****1234"

ALL_ROLES = [
    Role.DISTRICT_ADMIN,
    Role.DEPARTMENT_OFFICER,
    "town_officer",
    Role.INSPECTOR,
    Role.LEADER,
    Role.SCHOOL_ADMIN,
    Role.TEACHER,
    Role.INSTITUTION_OPERATOR,
]
ANCHORED_AT_A = ["town_officer", Role.INSPECTOR, Role.SCHOOL_ADMIN, Role.TEACHER]


@pytest.fixture
def d():
    return make_mini_district()


def login(client, d, role):
    client.force_login(d.users[role])
    return client


def list_urls():
    return [
        reverse("registry:area_list"),
        reverse("registry:school_list"),
        reverse("registry:class_list"),
        reverse("registry:teacher_list"),
        reverse("registry:school_export") + "?fmt=csv",
        reverse("registry:class_export") + "?fmt=csv",
    ]


@pytest.mark.parametrize("role", ALL_ROLES)
def test_every_list_page_answers_for_every_role(client, d, role):
    login(client, d, role)
    for url in list_urls():
        assert client.get(url).status_code == 200, url


def test_anonymous_users_are_sent_to_login(client, d):
    for url in [*list_urls(), reverse("registry:school_detail", args=[d.school_a.pk])]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("role", ANCHORED_AT_A)
def test_pages_never_show_the_other_towns_school(client, d, role):
    login(client, d, role)
    urls = [*list_urls(), reverse("registry:school_detail", args=[d.school_a.pk]), reverse("web:home")]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200
        assert OTHER_TOWN_SCHOOL not in response.content.decode(), url


@pytest.mark.parametrize("role", [*ANCHORED_AT_A, Role.INSTITUTION_OPERATOR])
def test_other_towns_school_detail_is_not_found(client, d, role):
    login(client, d, role)
    assert client.get(reverse("registry:school_detail", args=[d.school_b.pk])).status_code == 404
    assert client.get(reverse("registry:school_edit", args=[d.school_b.pk])).status_code == 404


def test_district_roles_see_both_towns(client, d):
    login(client, d, Role.DEPARTMENT_OFFICER)
    body = client.get(reverse("registry:school_list")).content.decode()
    assert "甲街道第一小学" in body and OTHER_TOWN_SCHOOL in body and "甲街道某村教学点" in body


@pytest.mark.parametrize(
    ("role", "clear"),
    [
        (Role.DISTRICT_ADMIN, True),
        (Role.SCHOOL_ADMIN, True),
        (Role.DEPARTMENT_OFFICER, False),
        ("town_officer", False),
        (Role.LEADER, False),
        (Role.INSPECTOR, False),
    ],
)
def test_identifiers_masked_unless_district_admin_or_own_school(client, d, role, clear):
    login(client, d, role)
    for url in (reverse("registry:teacher_list"), reverse("registry:school_detail", args=[d.school_a.pk])):
        body = client.get(url).content.decode()
        assert "王老师" in body
        if clear:
            assert FULL_ID in body and FULL_PHONE in body
        else:
            assert FULL_ID not in body and FULL_PHONE not in body
            assert MASKED_ID in body and MASKED_PHONE in body


def test_teacher_sees_own_classes_only(client, d):
    login(client, d, Role.TEACHER)
    body = client.get(reverse("registry:class_list")).content.decode()
    assert "3年级1班" in body and "3年级2班" not in body


def test_school_admin_edits_own_school_and_it_is_audited(client, d):
    login(client, d, Role.SCHOOL_ADMIN)
    url = reverse("registry:school_edit", args=[d.school_a.pk])
    assert client.get(url).status_code == 200
    data = {
        "name": "甲街道第一小学（新）",
        "school_type": "primary",
        "ownership": "public",
        "urban_rural_code": "111",
        "area": d.town_a.pk,
        "address": "甲街道1号",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    d.school_a.refresh_from_db()
    assert d.school_a.name == "甲街道第一小学（新）" and d.school_a.address == "甲街道1号"
    event = AuditEvent.objects.filter(action=AuditAction.UPDATE, model="registry.School").latest("id")
    assert event.changes["name"] == ["甲街道第一小学", "甲街道第一小学（新）"]
    assert event.source == "web" and event.actor == d.users[Role.SCHOOL_ADMIN]


def test_edit_validation_errors_are_chinese_and_change_nothing(client, d):
    login(client, d, Role.DISTRICT_ADMIN)
    url = reverse("registry:school_edit", args=[d.school_a.pk])
    response = client.post(
        url,
        {
            "name": "",
            "school_type": "nope",
            "ownership": "public",
            "urban_rural_code": "111",
            "area": d.town_a.pk,
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "该字段是必填项" in body and "选择一个有效的选项" in body
    d.school_a.refresh_from_db()
    assert d.school_a.name == "甲街道第一小学"


def test_teaching_point_needs_its_central_school(client, d):
    login(client, d, Role.DISTRICT_ADMIN)
    url = reverse("registry:school_edit", args=[d.school_a.pk])
    data = {
        "name": "甲街道第一小学",
        "school_type": "primary",
        "ownership": "public",
        "urban_rural_code": "111",
        "area": d.town_a.pk,
        "is_teaching_point": "on",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "教学点必须指定所属中心校" in response.content.decode()
    d.school_a.refresh_from_db()
    assert d.school_a.is_teaching_point is False


@pytest.mark.parametrize(
    ("role", "message"),
    [
        (Role.LEADER, "您的账号为只读账号"),
        (Role.TEACHER, "您的账号无权执行“修改学校信息”"),
        (Role.INSPECTOR, "您的账号无权执行“修改学校信息”"),
    ],
)
def test_edit_denied_with_chinese_403(client, d, role, message):
    login(client, d, role)
    url = reverse("registry:school_edit", args=[d.school_a.pk])
    for response in (client.get(url), client.post(url, {"name": "改名"})):
        assert response.status_code == 403
        assert message in response.content.decode()
    d.school_a.refresh_from_db()
    assert d.school_a.name == "甲街道第一小学"


def test_leader_sees_no_edit_button(client, d):
    login(client, d, Role.LEADER)
    body = client.get(reverse("registry:school_detail", args=[d.school_a.pk])).content.decode()
    assert "编辑基本信息" not in body


@pytest.mark.parametrize(
    "query",
    [
        "?page=abc",
        "?page=-1",
        "?page=99999",
        "?school_type=spaceship",
        "?town=999999",
        "?town=abc",
        "?locale=x&ownership=y",
        "?q=" + "长" * 500,
        "?year=abc&grade=99&school=abc&oversized=maybe",
        "?year=999999&grade=abc",
    ],
)
def test_bad_query_parameters_never_fail(client, d, query):
    login(client, d, Role.DISTRICT_ADMIN)
    for name in ("registry:school_list", "registry:class_list", "registry:teacher_list"):
        response = client.get(reverse(name) + query)
        assert response.status_code == 200, (name, query)


def test_unknown_filter_value_is_reported(client, d):
    login(client, d, Role.DISTRICT_ADMIN)
    body = client.get(reverse("registry:school_list") + "?school_type=spaceship").content.decode()
    assert "以下筛选条件无效" in body and OTHER_TOWN_SCHOOL in body


def test_nonexistent_pk_is_404(client, d):
    login(client, d, Role.DISTRICT_ADMIN)
    assert client.get(reverse("registry:school_detail", args=[999999])).status_code == 404
    assert client.get(reverse("registry:school_edit", args=[999999])).status_code == 404
    assert client.get("/registry/schools/abc/").status_code == 404


def test_filters_and_htmx_partial(client, d):
    login(client, d, Role.DISTRICT_ADMIN)
    url = reverse("registry:school_list") + f"?town={d.town_b.pk}"
    response = client.get(url, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert OTHER_TOWN_SCHOOL in body and "甲街道第一小学" not in body
    body = client.get(reverse("registry:school_list") + "?q=教学点").content.decode()
    assert "甲街道某村教学点" in body and OTHER_TOWN_SCHOOL not in body


def test_oversized_filter(client, d):
    make_class(school=d.school_a, year=d.year, grade=4, number=1, boys=30, girls=28)  # 58: oversized
    make_class(school=d.school_b, year=d.year, grade=4, number=1, boys=35, girls=33)  # 68: very oversized
    login(client, d, Role.DISTRICT_ADMIN)
    body = client.get(reverse("registry:class_list") + "?oversized=on").content.decode()
    assert "4年级1班" in body and "3年级1班" not in body
    assert "大班额" in body and "超大班额" in body


def test_school_export_csv_neutralises_formulas_and_is_audited(client, d):
    make_school(town=d.town_a, name='=HYPERLINK("http://x")', address="+86 @home")
    login(client, d, "town_officer")
    response = client.get(reverse("registry:school_export") + "?fmt=csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["学校标识码", "学校名称"]
    names = sorted(r[1] for r in rows[1:])
    assert names == sorted(['\'=HYPERLINK("http://x")', "甲街道第一小学", "甲街道某村教学点"])
    assert any(r[7] == "'+86 @home" for r in rows[1:])
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert (
        event.model == "registry.School" and event.changes["rows"] == 3 and event.changes["format"] == "csv"
    )
    assert event.area_path == d.town_a.path


def test_class_export_xlsx_follows_the_filter(client, d):
    login(client, d, Role.DISTRICT_ADMIN)
    response = client.get(reverse("registry:class_export") + f"?fmt=xlsx&school={d.school_b.pk}")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][2] == "学校名称"
    assert [(r[2], r[8]) for r in rows[1:]] == [(OTHER_TOWN_SCHOOL, 40)]
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, model="registry.SchoolClass").count() == 1


def test_export_unknown_format_is_a_chinese_400(client, d):
    login(client, d, Role.DISTRICT_ADMIN)
    response = client.get(reverse("registry:school_export") + "?fmt=pdf")
    assert response.status_code == 400 and "不支持的导出格式" in response.content.decode()
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_area_tree_counts_schools(client, d):
    login(client, d, Role.DISTRICT_ADMIN)
    body = client.get(reverse("registry:area_list")).content.decode()
    assert "甲街道" in body and "乙镇" in body and "2 所学校" in body and "1 所学校" in body


@pytest.mark.parametrize("name", ["registry:school_list", "registry:class_list", "registry:teacher_list"])
def test_list_query_counts_do_not_grow_with_rows(client, d, django_assert_max_num_queries, name):
    for i in range(25):
        school = make_school(town=d.town_a, name=f"加测学校{i}")
        make_class(school=school, year=d.year)
        school.teachers.create(staff_number=f"X{i}", name=f"教师{i}", sex="M")
    login(client, d, Role.DISTRICT_ADMIN)
    with django_assert_max_num_queries(14):
        assert client.get(reverse(name)).status_code == 200


def test_school_detail_query_count(client, d, django_assert_max_num_queries):
    for n in range(3, 12):
        make_class(school=d.school_a, year=d.year, number=n)
    login(client, d, Role.DISTRICT_ADMIN)
    # 17: the edit button asks the policy whether the school is in the write scope (one query).
    with django_assert_max_num_queries(17):
        assert client.get(reverse("registry:school_detail", args=[d.school_a.pk])).status_code == 200


def test_archived_school_is_marked(client, d):
    School.objects.filter(pk=d.point_a.pk).update(archived_at="2026-01-01T00:00:00Z")
    login(client, d, Role.DISTRICT_ADMIN)
    body = client.get(reverse("registry:school_detail", args=[d.point_a.pk])).content.decode()
    assert "已归档" in body and "编辑基本信息" not in body
