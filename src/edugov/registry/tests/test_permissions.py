"""The registry policy as a role x action matrix generated from its declaration: every action is
called through its entry point (service, importer check, page) as every identity of the mini
district; what the declaration allows succeeds and the rest is refused. Plus the holes of issue 12:
a school administrator cannot move its school out of its write scope (page and API)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django import forms
from django.test import Client
from django.urls import reverse

from edugov.accounts.models import Role
from edugov.accounts.policy import can
from edugov.accounts.scope import write_scoped
from edugov.common.errors import PermissionDenied
from edugov.ingest.services import check_can_import
from edugov.registry import services
from edugov.registry.models import Area, AreaLevel, School
from edugov.registry.permissions import POLICY, identifier_reader
from edugov.testing import MINI_DISTRICT_USERS, MiniDistrict, login, make_mini_district, policy_expects

pytestmark = pytest.mark.django_db

REFERENCE_MESSAGE = "所选的记录不在您可修改的范围内"


class Refused(Exception):
    """An entry point that answers rather than raises (a page's 403, a masked identifier)."""


REFUSALS = (PermissionDenied, Refused)


@pytest.fixture
def d() -> MiniDistrict:
    return make_mini_district()


def _page(url_name: str, query: str = "") -> Callable[[MiniDistrict, Any], Any]:
    def call(d: MiniDistrict, user: Any) -> None:
        response = login(Client(), user).get(reverse(url_name) + query)
        if response.status_code == 403:
            raise Refused(response.content.decode()[:200])
        assert response.status_code == 200

    return call


def _import(kind: str) -> Callable[[MiniDistrict, Any], Any]:
    def call(d: MiniDistrict, user: Any) -> None:
        check_can_import(kind=kind, user=user)

    return call


def _identifiers(d: MiniDistrict, user: Any) -> None:
    if not identifier_reader(user)(d.teacher_a):
        raise Refused("masked")


# Each action's entry point and the row it acts on (None: a create, checked on its references).
ENTRY: dict[str, tuple[Callable[[MiniDistrict, Any], Any], Callable[[MiniDistrict], Any]]] = {
    "view": (_page("registry:school_list"), lambda d: None),
    "export": (_page("registry:class_export", "?fmt=csv"), lambda d: None),
    "area_create": (
        lambda d, user: services.area_create(
            code="310101009", name="丙镇", level=AreaLevel.TOWN, parent=d.district, actor=user
        ),
        lambda d: d.district,
    ),
    "school_create": (
        lambda d, user: services.school_create(
            actor=user,
            code="3101019999",
            name="新建小学",
            school_type="primary",
            ownership="public",
            urban_rural_code="111",
            area=d.town_a,
        ),
        lambda d: None,
    ),
    "school_edit": (
        lambda d, user: services.school_update(school=d.school_a, actor=user, data={"address": "新址"}),
        lambda d: d.school_a,
    ),
    "school_archive": (
        lambda d, user: services.school_archive(school=d.point_a, actor=user),
        lambda d: d.point_a,
    ),
    "class_edit": (
        lambda d, user: services.school_class_update(school_class=d.class_a1, actor=user, data={"boys": 21}),
        lambda d: d.class_a1,
    ),
    "teacher_identifiers": (_identifiers, lambda d: d.teacher_a),
    "import_areas": (_import("areas"), lambda d: None),
    "import_schools": (_import("schools"), lambda d: None),
    "import_classes": (_import("classes"), lambda d: None),
    "import_teachers": (_import("teachers"), lambda d: None),
}


def test_every_declared_action_has_an_entry_point():
    assert set(ENTRY) == set(POLICY.rules)


def test_the_matrix_covers_every_identity(d):
    assert set(MINI_DISTRICT_USERS) == set(d.users)


@pytest.mark.parametrize("key", MINI_DISTRICT_USERS)
@pytest.mark.parametrize("name", list(POLICY.rules))
def test_role_action_matrix(d, name, key):
    user = d.users[key]
    action = f"registry.{name}"
    call, target = ENTRY[name]
    row = target(d)
    expected = policy_expects(user, action, row)
    assert can(user, action, row) == expected
    if name == "school_create":  # a create is checked on the rows it names: its town
        expected = expected and write_scoped(Area, user).filter(pk=d.town_a.pk).exists()
    if expected:
        call(d, user)
    else:
        with pytest.raises(REFUSALS):
            call(d, user)


@pytest.mark.parametrize("name", [n for n, r in POLICY.rules.items() if r.scope == "write"])
def test_the_leader_never_writes(d, name):
    assert not can(d.users[Role.LEADER], f"registry.{name}")


def test_identifier_reader_asks_once_per_page(d, django_assert_num_queries):
    admin = d.users[Role.SCHOOL_ADMIN]
    reader = identifier_reader(admin)
    teachers = [d.teacher_a, *d.school_b.teachers.all()]
    expected = [can(admin, "registry.teacher_identifiers", t) for t in teachers] * 5
    with django_assert_num_queries(1):
        assert [reader(t) for t in teachers * 5] == expected
    assert expected[0] is True


# The holes ---------------------------------------------------------------------------------------


def test_school_edit_form_offers_only_write_scoped_rows(d):
    from edugov.registry.forms import SchoolEditForm

    form = SchoolEditForm(user=d.users[Role.SCHOOL_ADMIN], school=d.school_a)
    assert _offered(form, "area") == [d.town_a]  # only the current value
    assert set(_offered(form, "central_school")) == set()
    officer = SchoolEditForm(user=d.users["town_officer"], school=d.point_a)
    assert set(_offered(officer, "area")) == {d.town_a}
    assert set(_offered(officer, "central_school")) == {d.school_a}


def _offered(form: forms.Form, name: str) -> list[Any]:
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField) and field.queryset is not None
    return list(field.queryset)


def test_school_admin_cannot_move_its_school_through_the_page(d):
    client = login(Client(), d.users[Role.SCHOOL_ADMIN])
    url = reverse("registry:school_edit", args=[d.school_a.pk])
    for area in (d.town_b, Area.objects.get(level=AreaLevel.PROVINCE)):
        data = {
            "name": d.school_a.name,
            "school_type": d.school_a.school_type,
            "ownership": d.school_a.ownership,
            "urban_rural_code": d.school_a.urban_rural_code,
            "area": area.pk,
        }
        response = client.post(url, data)
        assert response.status_code == 200  # the form shows the error, nothing saved
        assert "选择一个有效的选项" in response.content.decode() or "有效" in response.content.decode()
    assert School.objects.get(pk=d.school_a.pk).area_id == d.town_a.pk


def test_school_admin_cannot_move_its_school_through_the_api(d):
    client = login(Client(), d.users[Role.SCHOOL_ADMIN])
    province = Area.objects.get(level=AreaLevel.PROVINCE)
    url = f"/api/v1/registry/schools/{d.school_a.pk}/"
    for area in (province, d.town_b, d.district):
        response = client.patch(url, {"area": area.pk}, content_type="application/json")
        assert response.status_code == 400, response.content
        assert "area" in response.json()
        assert "不在您的数据范围内" in response.json()["area"][0]
    # The reference it already holds stays acceptable.
    response = client.patch(url, {"area": d.town_a.pk, "address": "新址"}, content_type="application/json")
    assert response.status_code == 200, response.content
    school = School.objects.get(pk=d.school_a.pk)
    assert school.area_id == d.town_a.pk and school.address == "新址"
    assert school in School.objects.filter(area__path__startswith=d.district.path)


def test_service_refuses_an_out_of_scope_reference_with_the_chinese_message(d):
    with pytest.raises(PermissionDenied) as exc:
        services.school_update(
            school=d.school_a,
            actor=d.users[Role.SCHOOL_ADMIN],
            data={"area": Area.objects.get(level=AreaLevel.PROVINCE)},
        )
    assert REFERENCE_MESSAGE in exc.value.message
    assert School.objects.get(pk=d.school_a.pk).area_id == d.town_a.pk


def test_town_officer_cannot_create_a_school_in_the_other_town(d):
    with pytest.raises(PermissionDenied) as exc:
        services.school_create(
            actor=d.users["town_officer"],
            code="3101019998",
            name="越界小学",
            school_type="primary",
            ownership="public",
            urban_rural_code="111",
            area=d.town_b,
        )
    assert REFERENCE_MESSAGE in exc.value.message
    assert not School.objects.filter(code="3101019998").exists()


# The same matrix through the API: every write the registry's view sets declare ---------------------

API_WRITES: dict[
    str, tuple[str, Callable[[MiniDistrict], str], dict[str, Any], Callable[[MiniDistrict], Any]]
] = {
    "registry.school_create": (
        "post",
        lambda d: "/api/v1/registry/schools/",
        {
            "code": "3101019997",
            "name": "接口新建小学",
            "school_type": "primary",
            "ownership": "public",
            "urban_rural_code": "111",
        },
        lambda d: None,
    ),
    "registry.school_edit": (
        "patch",
        lambda d: f"/api/v1/registry/schools/{d.school_a.pk}/",
        {"address": "新址"},
        lambda d: d.school_a,
    ),
    "registry.class_edit": (
        "patch",
        lambda d: f"/api/v1/registry/classes/{d.class_a1.pk}/",
        {"boys": 21},
        lambda d: d.class_a1,
    ),
}


def test_every_declared_api_write_of_the_registry_is_in_the_matrix():
    from edugov.api.tests.test_references import api_views

    declared = {
        action
        for view in api_views()
        for action in getattr(view, "policy_actions", {}).values()
        if action.startswith("registry.")
    }
    assert declared == set(API_WRITES)


@pytest.mark.parametrize("key", MINI_DISTRICT_USERS)
@pytest.mark.parametrize("action", list(API_WRITES))
def test_role_action_matrix_through_the_api(d, action, key):
    from rest_framework.test import APIClient

    user = d.users[key]
    method, url, body, target = API_WRITES[action]
    row = target(d)
    expected = policy_expects(user, action, row)
    if action == "registry.school_create":
        body = {**body, "area": d.town_a.pk}
        expected = expected and write_scoped(Area, user).filter(pk=d.town_a.pk).exists()
    client = APIClient()
    client.force_authenticate(user)
    response = getattr(client, method)(url(d), body, format="json")
    if expected:
        assert response.status_code in (200, 201), response.content
    else:
        assert response.status_code in (403, 404), response.content
        if row is not None:
            row.refresh_from_db()
            assert getattr(row, "address", "") != "新址" and getattr(row, "boys", 0) != 21
