import pytest
from rest_framework.test import APIClient

from edugov.accounts.models import Role
from edugov.burden.models import Exam, Homework

pytestmark = pytest.mark.django_db
BASE = "/api/v1/burden"


def client_for(user):
    c = APIClient()
    c.force_authenticate(user)
    return c


def body(district, **over):
    data = {
        "school_class": district.class_a1.pk,
        "subject": "语文",
        "date": "2025-09-08",
        "homework_type": "written",
        "content": "生字",
        "estimated_minutes": 20,
    }
    data.update(over)
    return data


def test_publish_list_and_withdraw(district):
    c = client_for(district.users[Role.TEACHER])
    resp = c.post(f"{BASE}/homework/", body(district), format="json")
    assert resp.status_code == 201, resp.json()
    pk = resp.json()["id"]
    assert c.get(f"{BASE}/homework/").json()["count"] == 1
    assert c.post(f"{BASE}/homework/", body(district), format="json").status_code == 400  # duplicate
    assert c.delete(f"{BASE}/homework/{pk}/").status_code == 204
    assert not Homework.objects.exists()


@pytest.mark.parametrize(
    ("over", "status"),
    [
        ({"estimated_minutes": -1}, 400),
        ({"estimated_minutes": "many"}, 400),
        ({"date": "2025-10-03"}, 400),
        ({"homework_type": "essay"}, 400),
        ({"school_class": 999999}, 400),
        ({"school_class": "abc"}, 400),
    ],
)
def test_bad_input_is_a_400_with_chinese_detail(district, over, status):
    c = client_for(district.users[Role.TEACHER])
    resp = c.post(f"{BASE}/homework/", body(district, **over), format="json")
    assert resp.status_code == status
    assert not Homework.objects.exists()


def test_other_class_and_read_only_roles_are_refused(district):
    assert (
        client_for(district.users[Role.TEACHER])
        .post(f"{BASE}/homework/", body(district, school_class=district.class_a2.pk), format="json")
        .status_code
        == 400
    )  # another class reads as "does not exist": ids reveal nothing
    assert (
        client_for(district.users[Role.LEADER])
        .post(f"{BASE}/homework/", body(district), format="json")
        .status_code
        == 403
    )
    assert (
        client_for(district.users[Role.TEACHER])
        .post(f"{BASE}/homework/", "null", content_type="application/json")
        .status_code
        == 400
    )
    assert APIClient().get(f"{BASE}/homework/").status_code in (401, 403)


def test_compliance_and_exams(district):
    officer = client_for(district.users[Role.DEPARTMENT_OFFICER])
    resp = officer.get(f"{BASE}/compliance/")
    assert resp.status_code == 200
    body = resp.json()  # one report, not a page (the schema says so too)
    groups = {"total", "by_grade", "by_town", "by_school", "over_classes"}
    assert set(body) == {"term", "escalate_after_weeks", *groups}
    assert set(body["term"]) == {"id", "name", "start", "end"}
    assert officer.get(f"{BASE}/compliance/", {"term": "x"}).status_code == 400
    term = district.year.terms.get(number=1)
    admin = client_for(district.users[Role.SCHOOL_ADMIN])
    resp = admin.post(
        f"{BASE}/exams/",
        {"school": district.school_a.pk, "term": term.pk, "grade": 3, "subject": "数学", "kind": "periodic",
         "date": "2025-10-20"},
        format="json",
    )  # fmt: skip
    assert resp.status_code == 201, resp.json()
    assert Exam.objects.count() == 1
    assert admin.get(f"{BASE}/exams/").json()["count"] == 1
    assert client_for(district.users[Role.TEACHER]).get(f"{BASE}/exams/").json()["count"] == 0
