import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from edugov.accounts.models import Role
from edugov.testing import make_mini_district
from edugov.tutoring import services
from edugov.tutoring.models import Course, Institution, Order, Session, Staff

from .factories import make_institution, officer, operator_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def md():
    return make_mini_district()


@pytest.fixture
def px(md):
    return officer(md)


@pytest.fixture
def inst(md, px):
    return make_institution(md, px)


def test_operator_maintains_own_data_through_pages(client, md, px, inst):
    other = make_institution(md, px)
    op = operator_for(inst)
    client.force_login(op)
    r = client.post(
        reverse("tutoring:staff_create", args=[inst.pk]),
        {"name": "周老师", "id_number": "11010519491231002X"},
    )
    assert r.status_code == 302 and Staff.objects.get().institution == inst
    r = client.post(
        reverse("tutoring:staff_create", args=[other.pk]),
        {"name": "周老师", "id_number": "11010519491231002X"},
    )
    assert r.status_code == 404 and Staff.objects.count() == 1
    r = client.post(
        reverse("tutoring:course_create", args=[inst.pk]),
        {
            "name": "素描",
            "subject": "美术",
            "grade_min": 3,
            "grade_max": 6,
            "mode": "offline",
            "class_size_band": "medium",
            "lessons": 20,
            "lesson_minutes": 45,
            "price_per_lesson": "90",
            "within_syllabus": "on",
        },
    )
    assert r.status_code == 302
    course = Course.objects.get()
    r = client.post(
        reverse("tutoring:session_create", args=[inst.pk]),
        {"course": course.pk, "date": "2025-09-02", "start_time": "19:00", "end_time": "20:31"},
    )
    assert r.status_code == 302
    assert [v["code"] for v in Session.objects.get().violations] == ["offline_too_late"]
    r = client.post(
        reverse("tutoring:session_create", args=[inst.pk]),
        {"course": course.pk, "date": "2025-09-02", "start_time": "20:00", "end_time": "20:20"},
    )
    assert r.status_code == 200 and "重叠" in r.content.decode() and Session.objects.count() == 1
    r = client.post(
        reverse("tutoring:order_create", args=[inst.pk]),
        {"course": course.pk, "pupil_name": "小红", "lessons": 61, "amount": "5490", "paid_on": "2025-09-01"},
    )
    assert r.status_code == 302
    assert {v["code"] for v in Order.objects.get().violations} == {"over_lessons", "over_amount"}
    # the operator may not change the status
    r = client.post(
        reverse("tutoring:institution_transition", args=[inst.pk]), {"to_status": "closed", "reason": "x"}
    )
    assert r.status_code == 403
    inst.refresh_from_db()
    assert inst.status == "licensed"


@pytest.mark.parametrize(
    "data",
    [
        {"date": "2025-13-40", "start_time": "25:00", "end_time": "x"},
        {"date": "2025-09-02", "start_time": "19:00", "end_time": "18:00"},
        {},
    ],
)
def test_bad_session_input_is_a_message(client, px, inst, data):
    course = Course.objects.create(
        institution=inst,
        name="c",
        subject="美术",
        grade_min=1,
        grade_max=3,
        lessons=1,
        lesson_minutes=45,
        price_per_lesson=Decimal("1"),
    )
    client.force_login(px)
    r = client.post(reverse("tutoring:session_create", args=[inst.pk]), {"course": course.pk, **data})
    assert r.status_code == 200 and Session.objects.count() == 0


@pytest.mark.parametrize("amount", ["-1", "abc", "1e999", ""])
def test_bad_order_and_refund_input(client, px, inst, amount):
    client.force_login(px)
    r = client.post(
        reverse("tutoring:order_create", args=[inst.pk]),
        {"pupil_name": "a", "lessons": "10", "amount": amount, "paid_on": "2025-09-01"},
    )
    assert r.status_code == 200 and Order.objects.count() == 0
    order = services.order_create(
        actor=px,
        institution=inst,
        data={"pupil_name": "a", "lessons": 10, "amount": Decimal("1000"), "paid_on": dt.date(2025, 9, 1)},
    )
    r = client.post(
        reverse("tutoring:order_detail", args=[order.pk]),
        {"what": "refund", "amount": amount or "5000", "requested_on": "2025-09-02"},
    )
    assert r.status_code == 200
    assert order.refunds.count() == 0


def test_leader_cannot_write(client, md, inst):
    client.force_login(md.users[Role.LEADER])
    r = client.post(
        reverse("tutoring:institution_transition", args=[inst.pk]), {"to_status": "closed", "reason": "x"}
    )
    assert r.status_code == 403


def test_dashboard_and_lists_render(client, md, px, inst, django_assert_max_num_queries):
    services.risk_compute(on=dt.date(2025, 9, 1))
    client.force_login(px)
    with django_assert_max_num_queries(30):
        r = client.get(reverse("tutoring:dashboard"))
    assert r.status_code == 200 and "校外培训监管看板" in r.content.decode()
    for name in ("risk_list", "violation_list", "unlicensed_list", "inspection_list", "complaint_list"):
        assert client.get(reverse(f"tutoring:{name}")).status_code == 200
    client.force_login(operator_for(inst))
    assert client.get(reverse("tutoring:dashboard")).status_code == 403


def test_api_scoped_and_validated(client, md, px, inst):
    other = make_institution(md, px)
    op = operator_for(inst)
    client.force_login(op)
    r = client.get("/api/v1/tutoring/institutions/")
    assert [row["id"] for row in r.json()["results"]] == [inst.pk]
    assert client.get(f"/api/v1/tutoring/institutions/{other.pk}/").status_code == 404
    client.force_login(px)
    r = client.post(
        "/api/v1/tutoring/institutions/",
        {"name": "x", "credit_code": "91350100M000100Y44", "category": "arts", "area": md.town_a.pk},
        content_type="application/json",
    )
    assert r.status_code == 400 and "校验位" in r.content.decode()
    r = client.post("/api/v1/tutoring/institutions/", "null", content_type="application/json")
    assert r.status_code == 400
    r = client.post(
        f"/api/v1/tutoring/institutions/{inst.pk}/transition/",
        {"to_status": "applying", "reason": "x"},
        content_type="application/json",
    )
    assert r.status_code == 400 and "不能变更" in r.json()["detail"]
    assert Institution.objects.get(pk=inst.pk).status == "licensed"


def test_api_staff_masked_for_inspector(client, md, px, inst):
    services.staff_create(
        actor=px, institution=inst, data={"name": "周老师", "id_number": "11010519491231002X"}
    )
    client.force_login(md.users[Role.INSPECTOR])
    row = client.get("/api/v1/tutoring/staff/").json()["results"][0]
    assert row["id_number"] == "110105********002X"
    client.force_login(px)
    assert client.get("/api/v1/tutoring/staff/").json()["results"][0]["id_number"] == "11010519491231002X"
