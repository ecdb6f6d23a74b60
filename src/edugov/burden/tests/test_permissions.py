"""The burden policy, tried for every identity of the mini district: the role x action matrix comes
from the declaration (burden/permissions.py), and each action is tried through its service, its
page and its API route where it has them. Plus the holes issue 12 found: the read-only leader
publishing a parents' link, and writes naming rows outside the writer's write scope."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import Workbook
from rest_framework.test import APIClient

from edugov.accounts.models import Role
from edugov.accounts.policy import can, role_may, rule_for
from edugov.burden import services
from edugov.burden.models import AfterSchoolService, ClassBoard, Exam, Homework, HomeworkType
from edugov.burden.permissions import POLICY
from edugov.common.errors import PermissionDenied
from edugov.ingest.services import import_file
from edugov.testing import login, policy_role_expects

pytestmark = pytest.mark.django_db

D = dt.date
T = dt.time
API = "/api/v1/burden"
# Every identity of edugov.testing.make_mini_district (checked against it below).
IDENTITIES = [*Role.values, "town_officer"]
ACTIONS = sorted(POLICY.rules)


def expected(user: Any, action: str) -> bool:
    """What the declaration says of the user's role, module and department (the scope and checks
    are asked by the entry points' own cases)."""
    return policy_role_expects(user, f"burden.{action}")


def test_the_matrix_covers_every_identity_and_no_rule_narrows_departments(district):
    assert set(district.users) == set(IDENTITIES)
    assert all(rule.departments is None for rule in POLICY.rules.values())


@pytest.mark.parametrize("identity", IDENTITIES)
@pytest.mark.parametrize("action", ACTIONS)
def test_role_may_follows_the_declaration(district, action, identity):
    user = district.users[identity]
    assert role_may(user, f"burden.{action}") == expected(user, action)


@pytest.mark.parametrize("action", ACTIONS)
def test_the_read_only_leader_writes_nothing(district, action):
    rule = rule_for(f"burden.{action}")
    if rule.scope == "write":
        assert not can(district.users[Role.LEADER], f"burden.{action}")


# Services ----------------------------------------------------------------------------------------


def _term(d: Any) -> Any:
    return d.year.terms.get(number=1)


def _publish(d: Any, actor: Any, school_class: Any = None) -> Homework:
    return services.homework_publish(
        actor=actor,
        school_class=school_class or d.class_a1,
        subject="语文",
        date=D(2025, 9, 8),
        homework_type=HomeworkType.WRITTEN,
        content="抄写第三课生字",
        estimated_minutes=20,
    )


def _exam(d: Any, actor: Any, school: Any = None) -> Exam:
    return services.exam_register(
        actor=actor,
        school=school or d.school_a,
        term=_term(d),
        grade=3,
        subject="数学",
        kind="end_of_term",
        date=D(2026, 1, 8),
    )


SERVICE_DATA: dict[str, Any] = {
    "days_per_week": 5,
    "start_time": T(15, 30),
    "end_time": T(17, 30),
    "pupils_total": 400,
    "pupils_requested": 300,
    "pupils_enrolled": 280,
    "average_attendance": 266,
    "programmes": ["sports", "reading"],
}


def _after_school(d: Any, actor: Any, school: Any = None) -> AfterSchoolService:
    return services.after_school_register(
        actor=actor, school=school or d.school_a, term=_term(d), **SERVICE_DATA
    )


def _withdraw(d: Any, actor: Any) -> Any:
    homework = _publish(d, d.users[Role.TEACHER])
    services.homework_withdraw(actor=actor, homework=homework)
    return not Homework.objects.filter(pk=homework.pk).exists()


def _rotate(d: Any, actor: Any) -> Any:
    board = ClassBoard.objects.create(school_class=d.class_a1, token="x" * 32)
    return services.class_board_rotate(actor=actor, board=board).token != "x" * 32


def _edit_after_school(d: Any, actor: Any) -> Any:
    service = _after_school(d, d.users[Role.DISTRICT_ADMIN])
    return services.after_school_update(actor=actor, service=service, days_per_week=4).days_per_week == 4


def _import(d: Any, actor: Any, tmp_path: Any) -> Any:
    wb = Workbook()
    ws = wb.active
    ws.append(["学校标识码", "年级", "班号", "日期", "学科", "作业类型", "作业内容", "预计用时（分钟）"])
    ws.append([d.school_a.code, "三年级", 1, "2025-09-08", "数学", "书面作业", "练习册P3", 30])
    path = tmp_path / "hw.xlsx"
    wb.save(path)
    batch = import_file(kind="homework", path=path, original_name=path.name, user=actor)
    return batch.status == "succeeded" and Homework.objects.exists()


# action -> (district, actor, tmp_path) -> a truthy result when the write happened
SERVICE_CALLS: dict[str, Callable[[Any, Any, Any], Any]] = {
    "homework_publish": lambda d, a, _: _publish(d, a),
    "homework_withdraw": lambda d, a, _: _withdraw(d, a),
    "board_publish": lambda d, a, _: services.class_board_ensure(actor=a, school_class=d.class_a1),
    "board_rotate": lambda d, a, _: _rotate(d, a),
    "exam_register": lambda d, a, _: _exam(d, a),
    "after_school_register": lambda d, a, _: _after_school(d, a),
    "after_school_edit": lambda d, a, _: _edit_after_school(d, a),
    "import": _import,
}


def test_every_write_has_a_service_entry_point():
    writes = {name for name, rule in POLICY.rules.items() if rule.scope == "write"}
    assert writes == set(SERVICE_CALLS)


@pytest.mark.parametrize("identity", IDENTITIES)
@pytest.mark.parametrize("action", sorted(SERVICE_CALLS))
def test_services_follow_the_policy(district, tmp_path, action, identity):
    user = district.users[identity]
    call = SERVICE_CALLS[action]
    if expected(user, action):
        assert call(district, user, tmp_path)
    else:
        with pytest.raises(PermissionDenied):
            call(district, user, tmp_path)


# Pages -------------------------------------------------------------------------------------------


def _after_school_post(d: Any) -> dict[str, Any]:
    return {
        "term": str(_term(d).pk),
        "school": str(d.school_a.pk),
        "programmes": ["sports"],
        "days_per_week": "5",
        "start_time": "15:40",
        "end_time": "17:40",
        "staff_own": "20",
        "staff_external": "0",
        "pupils_total": "400",
        "pupils_requested": "320",
        "pupils_enrolled": "300",
        "average_attendance": "285",
    }


def _exam_post(d: Any) -> dict[str, Any]:
    return {
        "school": str(d.school_a.pk),
        "term": str(_term(d).pk),
        "grade": "3",
        "subject": "数学",
        "kind": "end_of_term",
        "date": "2026-01-08",
        "is_paper": "on",
        "result_form": "bands",
    }


# action -> (method, url, data, whether the write happened)
PAGES: dict[str, Callable[[Any], tuple[str, str, dict[str, Any], Callable[[], bool] | None]]] = {
    "view": lambda d: ("get", reverse("burden:homework_list"), {}, None),
    "compliance": lambda d: ("get", reverse("burden:compliance"), {}, None),
    "export": lambda d: ("get", reverse("burden:compliance_export"), {"term": _term(d).pk}, None),
    "monthly_report": lambda d: (
        "get",
        reverse("burden:monthly_report"),
        {"month": "2025-10", "fmt": "xlsx"},
        None,
    ),
    "entry_view": lambda d: ("get", reverse("burden:exam_entry"), {}, None),
    "homework_publish": lambda d: ("get", reverse("burden:homework_new"), {}, None),
    "board_publish": lambda d: (
        "post",
        reverse("burden:board_create", args=[d.class_a1.pk]),
        {},
        ClassBoard.objects.exists,
    ),
    "exam_register": lambda d: ("post", reverse("burden:exam_entry"), _exam_post(d), Exam.objects.exists),
    "after_school_register": lambda d: (
        "post",
        reverse("burden:after_school_entry"),
        _after_school_post(d),
        AfterSchoolService.objects.exists,
    ),
}


@pytest.mark.parametrize("identity", IDENTITIES)
@pytest.mark.parametrize("action", sorted(PAGES))
def test_pages_follow_the_policy(client, district, action, identity):
    user = district.users[identity]
    method, url, data, written = PAGES[action](district)
    login(client, user)
    resp = getattr(client, method)(url, data)
    if expected(user, action):
        assert resp.status_code in (200, 302), resp.content.decode()[:500]
        assert written is None or written()
    else:
        assert resp.status_code == 403
        assert written is None or not written()


@pytest.mark.parametrize("identity", IDENTITIES)
def test_withdraw_page_follows_the_policy(client, district, identity):
    user = district.users[identity]
    homework = _publish(district, district.users[Role.TEACHER])
    login(client, user)
    resp = client.post(reverse("burden:homework_withdraw", args=[homework.pk]))
    if expected(user, "homework_withdraw"):
        assert resp.status_code == 302
        assert not Homework.objects.exists()
    else:
        assert resp.status_code in (403, 404)  # 404: not even readable (the institution operator)
        assert Homework.objects.exists()


# API ---------------------------------------------------------------------------------------------


def _api(user: Any) -> APIClient:
    c = APIClient()
    c.force_authenticate(user)
    return c


HOMEWORK_BODY = {
    "subject": "语文",
    "date": "2025-09-08",
    "homework_type": "written",
    "content": "生字",
    "estimated_minutes": 20,
}


def _exam_body(d: Any, **over: Any) -> dict[str, Any]:
    data = {"school": d.school_a.pk, "term": _term(d).pk, "grade": 3, "subject": "数学"}
    data.update({"kind": "end_of_term", "date": "2026-01-08", **over})
    return data


@pytest.mark.parametrize("identity", IDENTITIES)
def test_api_follows_the_policy(district, identity):
    user = district.users[identity]
    c = _api(user)
    listing = c.get(f"{API}/homework/")
    assert listing.status_code == (200 if expected(user, "view") else 403)

    resp = c.post(f"{API}/homework/", {"school_class": district.class_a1.pk, **HOMEWORK_BODY}, format="json")
    assert resp.status_code == (201 if expected(user, "homework_publish") else 403), resp.json()

    homework = Homework.objects.first() or _publish(district, district.users[Role.TEACHER])
    resp = c.delete(f"{API}/homework/{homework.pk}/")
    assert resp.status_code == (204 if expected(user, "homework_withdraw") else 403)

    resp = c.post(f"{API}/exams/", _exam_body(district), format="json")
    assert resp.status_code == (201 if expected(user, "exam_register") else 403), resp.json()
    assert Exam.objects.exists() == expected(user, "exam_register")


def test_every_api_write_route_declares_its_action():
    from edugov.burden.api_urls import router

    for _prefix, viewset, _basename in router.registry:
        declared: dict[str, str] = getattr(viewset, "policy_actions", {})
        for name in ("create", "update", "partial_update", "destroy"):
            if hasattr(viewset, name):
                assert name in declared, (viewset.__name__, name)
        for extra in viewset.get_extra_actions():
            if set(getattr(extra, "mapping", {})) - {"get", "head", "options"}:
                assert extra.__name__ in declared, (viewset.__name__, extra.__name__)
        for action in declared.values():
            rule_for(action)  # declared


# The holes of issue 12 -----------------------------------------------------------------------------


def test_the_leader_cannot_publish_a_parents_link(client, district):
    """Issue 12, found #2: the service checked scope, not write permission."""
    leader = district.users[Role.LEADER]
    with pytest.raises(PermissionDenied) as refused:
        services.class_board_ensure(actor=leader, school_class=district.class_a1)
    assert refused.value.message == "您的账号为只读账号"
    login(client, leader)
    resp = client.post(reverse("burden:board_create", args=[district.class_a1.pk]))
    assert resp.status_code == 403 and "只读" in resp.content.decode()
    assert not ClassBoard.objects.exists()
    # The page offers no button either.
    page = client.get(reverse("burden:homework_list"))
    assert page.status_code == 200 and "生成链接" not in page.content.decode()


def test_a_parents_link_only_for_a_class_in_the_write_scope(district):
    with pytest.raises(PermissionDenied):
        services.class_board_ensure(actor=district.users[Role.TEACHER], school_class=district.class_a2)
    with pytest.raises(PermissionDenied):
        services.class_board_ensure(actor=district.users[Role.SCHOOL_ADMIN], school_class=district.class_b1)
    with pytest.raises(PermissionDenied):
        services.class_board_ensure(actor=district.users[Role.INSPECTOR], school_class=district.class_b1)
    assert not ClassBoard.objects.exists()


def test_homework_names_only_the_teachers_classes(district):
    teacher = district.users[Role.TEACHER]
    for other in (district.class_a2, district.class_b1):  # same school / another school
        with pytest.raises(PermissionDenied):
            _publish(district, teacher, school_class=other)
        resp = _api(teacher).post(
            f"{API}/homework/", {"school_class": other.pk, **HOMEWORK_BODY}, format="json"
        )
        assert resp.status_code == 400 and "school_class" in resp.json()
    assert not Homework.objects.exists()


@pytest.mark.parametrize("role", [Role.SCHOOL_ADMIN, Role.INSPECTOR, "town_officer"])
def test_exams_and_services_name_only_schools_in_the_write_scope(client, district, role):
    user = district.users[role]
    with pytest.raises(PermissionDenied):
        _exam(district, user, school=district.school_b)
    with pytest.raises(PermissionDenied):
        _after_school(district, user, school=district.school_b)
    resp = _api(user).post(f"{API}/exams/", _exam_body(district, school=district.school_b.pk), format="json")
    assert resp.status_code == 400 and "school" in resp.json()
    login(client, user)
    post = {**_after_school_post(district), "school": str(district.school_b.pk)}
    client.post(reverse("burden:after_school_entry"), post)
    client.post(reverse("burden:exam_entry"), {**_exam_post(district), "school": str(district.school_b.pk)})
    assert not Exam.objects.filter(school=district.school_b).exists()
    assert not AfterSchoolService.objects.filter(school=district.school_b).exists()


def test_the_school_administrator_registers_for_its_own_school_whatever_it_posts(client, district):
    login(client, district.users[Role.SCHOOL_ADMIN])
    post = {**_exam_post(district), "school": str(district.school_b.pk)}
    assert client.post(reverse("burden:exam_entry"), post).status_code == 302
    assert list(Exam.objects.values_list("school_id", flat=True)) == [district.school_a.pk]


@pytest.mark.parametrize("term", [2**63, 2**64, -1, 0, True, "abc", 1.5, "9" * 400, None, [1], {"a": 1}])
def test_the_exam_term_cannot_be_abused(district, term):
    """Terms are reference data anyone may cite; an id that names none is a 400, never a 500."""
    resp = _api(district.users[Role.SCHOOL_ADMIN]).post(
        f"{API}/exams/", _exam_body(district, term=term), format="json"
    )
    assert resp.status_code == 400 and "term" in resp.json()
    assert not Exam.objects.exists()


@pytest.mark.parametrize("value", [2**63, -5, True, "1e3", "9" * 400])
def test_references_out_of_range_are_a_400(district, value):
    resp = _api(district.users[Role.TEACHER]).post(
        f"{API}/homework/", {"school_class": value, **HOMEWORK_BODY}, format="json"
    )
    assert resp.status_code == 400 and "school_class" in resp.json()
    resp = _api(district.users[Role.SCHOOL_ADMIN]).post(
        f"{API}/exams/", _exam_body(district, school=value), format="json"
    )
    assert resp.status_code == 400 and "school" in resp.json()


def test_homework_withdraw_only_by_its_publisher(district):
    homework = _publish(district, district.users[Role.TEACHER])
    homework.teacher = None  # imported rows name no teacher: nobody's to withdraw
    homework.save()
    for role in (Role.TEACHER, Role.SCHOOL_ADMIN, Role.DISTRICT_ADMIN):
        with pytest.raises(PermissionDenied):
            services.homework_withdraw(actor=district.users[role], homework=homework)
    assert Homework.objects.exists()


def test_navigation_follows_the_policy(client, district):
    for identity, user in district.users.items():
        login(client, user)
        page = client.get(reverse("burden:homework_list"))
        if not expected(user, "view"):
            continue
        html = page.content.decode()
        assert ("发布作业" in html) == expected(user, "homework_publish"), identity
        assert ("考试登记" in html) == expected(user, "exam_register"), identity
