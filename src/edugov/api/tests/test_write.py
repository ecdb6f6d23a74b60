"""Writing through the API: school create/update and class update go through the registry
services, are audited with source "api" and the right actor, and bad input never answers 500."""

from __future__ import annotations

import pytest

from edugov.accounts.models import Role
from edugov.audit.models import AuditEvent
from edugov.registry.models import School

pytestmark = pytest.mark.django_db


def new_school(d, **extra):
    return {
        "code": "3144909999",
        "name": "甲街道第二小学",
        "school_type": "primary",
        "ownership": "public",
        "urban_rural_code": "112",
        "area": d.town_a.pk,
        **extra,
    }


def test_create_school_audited_with_api_source_and_actor(d, api_as):
    response = api_as().post("/api/v1/registry/schools/", new_school(d, longitude="121.5"), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["code"] == "3144909999" and body["locale"] == "urban" and body["longitude"] == "121.500000"
    school = School.objects.get(code="3144909999")
    event = AuditEvent.objects.get(model="registry.School", object_id=str(school.pk), action="create")
    assert event.source == "api"
    assert event.actor == d.users[Role.DISTRICT_ADMIN]
    assert event.ip_address == "127.0.0.1"
    assert event.changes["after"]["name"] == "甲街道第二小学"


def test_update_school_records_before_and_after(d, api_as):
    client = api_as(Role.SCHOOL_ADMIN)
    response = client.patch(
        f"/api/v1/registry/schools/{d.school_a.pk}/", {"address": "甲街道1号"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["address"] == "甲街道1号"
    event = AuditEvent.objects.get(model="registry.School", action="update")
    assert event.changes == {"address": ["", "甲街道1号"]}
    assert (event.source, event.actor) == ("api", d.users[Role.SCHOOL_ADMIN])


def test_put_needs_every_field(d, api_as):
    response = api_as().put(f"/api/v1/registry/schools/{d.school_a.pk}/", {"name": "新名"}, format="json")
    assert response.status_code == 400
    assert response.json()["school_type"] == ["该字段是必填项。"]


def test_update_class_enrolment_audited(d, api_as):
    client = api_as(Role.TEACHER)
    response = client.patch(
        f"/api/v1/registry/classes/{d.class_a1.pk}/", {"boys": 30, "girls": 31}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["size"] == 61
    d.class_a1.refresh_from_db()
    assert (d.class_a1.boys, d.class_a1.girls) == (30, 31)
    event = AuditEvent.objects.get(model="registry.SchoolClass", action="update")
    assert event.changes == {"boys": [20, 30], "girls": [20, 31]}
    assert (event.source, event.actor) == ("api", d.users[Role.TEACHER])


@pytest.mark.parametrize(
    ("method", "url", "payload"),
    [
        ("post", "/api/v1/registry/schools/", None),
        ("patch", "/api/v1/registry/schools/{school_a}/", {"address": "x"}),
        ("put", "/api/v1/registry/schools/{school_a}/", {"name": "x"}),
        ("patch", "/api/v1/registry/classes/{class_a1}/", {"boys": 1}),
        ("patch", "/api/v1/registry/classes/{class_a1}/", "not json at all"),
    ],
)
def test_read_only_leader_gets_403_on_every_write(d, api_as, method, url, payload):
    url = url.format(school_a=d.school_a.pk, class_a1=d.class_a1.pk)
    payload = new_school(d) if payload is None else payload
    response = getattr(api_as(Role.LEADER), method)(url, payload, format="json")
    assert response.status_code == 403
    assert response.json()["detail"] == "您的账号为只读账号"
    assert not AuditEvent.objects.filter(action__in=["create", "update"], source="api").exists()
    assert not School.objects.filter(code="3144909999").exists()


def test_institution_operator_may_not_write_registry(d, api_as):
    response = api_as(Role.INSTITUTION_OPERATOR).post(
        "/api/v1/registry/schools/", new_school(d), format="json"
    )
    assert response.status_code == 403
    assert response.json()["detail"] == "您的账号无权执行“新增学校”"


def test_writes_outside_scope(d, api_as):
    client = api_as(Role.SCHOOL_ADMIN)
    # Another town's rows are invisible: 404, not 403, so ids reveal nothing.
    assert (
        client.patch(
            f"/api/v1/registry/schools/{d.school_b.pk}/", {"address": "x"}, format="json"
        ).status_code
        == 404
    )
    assert (
        client.patch(f"/api/v1/registry/classes/{d.class_b1.pk}/", {"boys": 1}, format="json").status_code
        == 404
    )
    # A school administrator cannot create a school (the registry policy leaves it to the bureau).
    response = client.post("/api/v1/registry/schools/", new_school(d), format="json")
    assert response.status_code == 403
    assert response.json()["detail"] == "您的账号无权执行“新增学校”"
    assert not School.objects.filter(code="3144909999").exists()
    # References to rows outside the scope read as "does not exist".
    officer = api_as("town_officer")
    response = officer.post("/api/v1/registry/schools/", new_school(d, area=d.town_b.pk), format="json")
    assert response.status_code == 400
    assert response.json()["area"] == [f"编号为 {d.town_b.pk} 的记录不存在或不在您的数据范围内"]
    response = client.patch(
        f"/api/v1/registry/classes/{d.class_a1.pk}/", {"head_teacher": d.teacher_b.pk}, format="json"
    )
    assert response.status_code == 400
    assert "不在您的数据范围内" in response.json()["head_teacher"][0]
    d.class_a1.refresh_from_db()
    assert d.class_a1.head_teacher is None


@pytest.mark.parametrize(
    ("payload", "field", "message_part"),
    [
        ({"code": "12345"}, "code", "学校标识码应为10位数字"),
        ({"code": "٣١٤٤٠٠٩٩٩٩"}, "code", "学校标识码应为10位数字"),
        ({"code": "3144 009999"}, "code", "学校标识码应为10位数字"),
        ({"school_type": "castle"}, "school_type", "castle"),
        ({"area": "abc"}, "area", "应为整数编号"),
        ({"area": 99999999}, "area", "不存在"),
        ({"area": [1, 2]}, "area", "应为整数编号"),
        ({"longitude": "东经"}, "longitude", "数字"),
        ({"longitude": "999"}, "longitude", "136"),
        ({"name": ""}, "name", "不能为空"),
        ({"name": "长" * 101}, "name", "100"),
        ({"is_teaching_point": True}, "non_field_errors", "教学点必须指定所属中心校"),
    ],
)
def test_bad_school_input_is_400_in_chinese_and_changes_nothing(d, api_as, payload, field, message_part):
    response = api_as().post("/api/v1/registry/schools/", new_school(d, **payload), format="json")
    assert response.status_code == 400, response.content
    messages = response.json()[field]
    assert any(message_part in m for m in messages), messages
    assert School.objects.count() == 3
    assert not AuditEvent.objects.filter(action="create", source="api").exists()


def test_full_width_code_is_normalised(d, api_as):
    response = api_as().post(
        "/api/v1/registry/schools/", new_school(d, code="３１４４９０９９９９ "), format="json"
    )
    assert response.status_code == 201
    assert response.json()["code"] == "3144909999"


def test_duplicate_code_is_400(d, api_as):
    response = api_as().post("/api/v1/registry/schools/", new_school(d, code=d.school_a.code), format="json")
    assert response.status_code == 400
    assert "已存在" in response.json()["code"][0]


def test_teaching_point_under_teaching_point_is_a_domain_error(d, api_as):
    payload = new_school(d, is_teaching_point=True, central_school=d.point_a.pk)
    response = api_as().post("/api/v1/registry/schools/", payload, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "code": "registry.TEACHING_POINT_CENTRAL",
        "detail": "教学点的所属中心校不能是另一个教学点",
        "params": {},
    }


@pytest.mark.parametrize(
    "body",
    [b"{not json", b'{"boys": 1', b"\xff\xfe\x00garbage", b"[1, 2, 3]", b"null", b'"text"'],
)
def test_malformed_json_never_500(d, api_as, body):
    response = api_as().generic(
        "PATCH", f"/api/v1/registry/classes/{d.class_a1.pk}/", body, content_type="application/json"
    )
    assert response.status_code == 400, response.content
    detail = response.json()
    text = str(detail)
    assert "JSON" in text or "数据" in text or "字典" in text, detail


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"boys": -1}, "boys", "请确保该值大于或者等于 0。"),
        ({"boys": 201}, "boys", "请确保该值小于或者等于 200。"),
        ({"boys": "二十"}, "boys", "请填写合法的整数值。"),
        ({"boys": 1e30}, "boys", "请填写合法的整数值。"),
        ({"head_teacher": "x"}, "head_teacher", "应为整数编号，收到的是 str"),
    ],
)
def test_bad_class_input(d, api_as, payload, field, message):
    response = api_as().patch(f"/api/v1/registry/classes/{d.class_a1.pk}/", payload, format="json")
    assert response.status_code == 400
    assert response.json()[field] == [message]
    d.class_a1.refresh_from_db()
    assert d.class_a1.boys == 20


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/registry/schools/abc/",
        "/api/v1/registry/schools/99999999999999999999999/",
        "/api/v1/registry/classes/0/",
    ],
)
def test_unknown_ids_are_404(d, api_as, url):
    response = api_as().get(url)
    assert response.status_code == 404


def test_unsupported_methods_are_405(d, api_as):
    client = api_as()
    assert client.delete(f"/api/v1/registry/schools/{d.school_a.pk}/").status_code == 405
    assert client.post("/api/v1/registry/classes/", {}, format="json").status_code == 405
    assert client.put(f"/api/v1/registry/classes/{d.class_a1.pk}/", {}, format="json").status_code == 405
