"""The API of evidence files and joint-class edits: every identity of the mini district allowed or
refused as the policy says; a member school uploads for its own school only, with the page's file
checks (the same service, the same Chinese messages, nothing written when refused); whoever reads
the group downloads; the basic education office sets a joint class up, keeps its counts and
teachers and edits its rotation calendar, refused in Chinese where the page refuses."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from edugov.accounts.scope import write_scoped
from edugov.groups import services
from edugov.groups.models import Evidence, JointClass, Rotation
from edugov.registry.models import School, SchoolType, Teacher
from edugov.testing import login, make_school, make_user, policy_expects

pytestmark = pytest.mark.django_db
TERM = "2025-2026-1"
PDF = b"%PDF-1.4\n%test\n"
EVIDENCE = "/api/v1/groups/evidence/"
JOINT = "/api/v1/groups/joint-classes/"


def _api(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _file(name: str = "纪要.pdf", body: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, body, content_type="application/octet-stream")


def _upload(user: Any, world: Any, school: Any, **extra: Any) -> Any:
    body = {"group": world.group.pk, "school": school.pk, "unification": "research", "term": TERM}
    return _api(user).post(EVIDENCE, {**body, "file": _file(), **extra}, format="multipart")


# ---- evidence ------------------------------------------------------------------------------------


def test_each_identity_uploads_evidence_as_the_policy_says(world):
    for identity, user in world.users.items():
        allowed = policy_expects(user, "groups.activity_edit")
        # each writes for school C (the member's own school; others' write scope does not hold it)
        response = _upload(user, world, world.school_c)
        if not allowed:
            assert response.status_code == 403, (identity, response.status_code)
        elif identity in ("member_admin", "department_officer", "district_admin"):
            assert response.status_code == 201, (identity, response.content)
        else:  # allowed by role, but school C is outside its write scope
            assert response.status_code == 400, (identity, response.content)
            assert "不在您的数据范围内" in response.content.decode()
    uploaded = Evidence.objects.filter(school=world.school_c)
    assert uploaded.count() == sum(
        1
        for i, u in world.users.items()
        if policy_expects(u, "groups.activity_edit")
        and i in ("member_admin", "department_officer", "district_admin")
    )


def test_the_head_uploads_for_its_own_school_and_not_for_a_member(world):
    assert _upload(world.head, world, world.md.school_a).status_code == 201
    refused = _upload(world.head, world, world.school_c)
    assert refused.status_code == 400 and "不在您的数据范围内" in refused.content.decode()
    assert list(Evidence.objects.values_list("school", flat=True)) == [world.md.school_a.pk]


@pytest.mark.parametrize(
    ("name", "body", "message"),
    [
        ("纪要.pdf", b"", "是空文件"),
        ("纪要.exe", b"MZ\x90\x00", "类型不允许"),
        ("纪要.pdf", b"\x89PNG\r\n\x1a\n....", "内容与扩展名不符"),
        ("照片.jpg", PDF, "内容与扩展名不符"),
    ],
)
def test_a_bad_file_is_refused_by_the_api_as_by_the_page(world, name, body, message):
    api = _upload(world.member_admin, world, world.school_c, file=_file(name, body))
    assert api.status_code == 400 and message in api.content.decode()
    page = login(Client(), world.member_admin).post(
        reverse("groups:evidence_upload", kwargs={"pk": world.group.pk}),
        {"school": world.school_c.pk, "unification": "research", "term": TERM, "file": _file(name, body)},
    )
    assert page.status_code == 400 and message in page.content.decode()
    assert not Evidence.objects.exists()


def test_a_file_over_the_size_limit_and_the_eleventh_file_are_refused(world):
    big = b"%PDF" + b"0" * (services.MAX_EVIDENCE_MB * 1024 * 1024)
    too_big = _upload(world.member_admin, world, world.school_c, file=_file("大.pdf", big))
    assert too_big.status_code == 400 and "超过10MB" in too_big.content.decode()
    for _ in range(services.MAX_EVIDENCE_FILES):
        assert _upload(world.member_admin, world, world.school_c).status_code == 201
    eleventh = _upload(world.member_admin, world, world.school_c)
    assert eleventh.status_code == 400 and "最多上传10个" in eleventh.content.decode()
    assert Evidence.objects.count() == services.MAX_EVIDENCE_FILES
    # another unification has its own ten
    assert _upload(world.member_admin, world, world.school_c, unification="training").status_code == 201


def test_evidence_of_an_activity_takes_its_term_and_unification(world):
    import datetime as dt

    activity = services.activity_record(
        actor=world.member_admin, group=world.group, school=world.school_c, unification="students",
        kind="student", title="集团运动会", held_on=dt.date(2025, 10, 20),
    )  # fmt: skip
    body = {"group": world.group.pk, "school": world.school_c.pk, "activity": activity.pk, "file": _file()}
    response = _api(world.member_admin).post(EVIDENCE, body, format="multipart")
    assert response.status_code == 201, response.content
    assert (response.json()["term"], response.json()["unification"]) == (TERM, "students")
    missing = _api(world.member_admin).post(
        EVIDENCE, {"group": world.group.pk, "school": world.school_c.pk, "file": _file()}, format="multipart"
    )
    assert missing.status_code == 400 and "八个统一" in missing.content.decode()


def test_whoever_reads_the_group_downloads_and_lists_as_scoped(world):
    assert _upload(world.member_admin, world, world.school_c).status_code == 201
    row = Evidence.objects.get()
    url = reverse("api:groups:evidence-download", kwargs={"pk": row.pk})
    for user in (world.officer, world.head, world.member_admin):
        response = _api(user).get(url)
        assert response.status_code == 200 and b"".join(response.streaming_content) == PDF  # type: ignore[attr-defined]
    outsider_school = make_school(town=world.md.town_a, name="甲街道第三小学")
    outsider = make_user("school_admin", username="outsider_admin", school=outsider_school)
    assert _api(outsider).get(url).status_code == 404
    assert _api(outsider).get(EVIDENCE).json()["count"] == 0
    assert _api(world.head).get(EVIDENCE).json()["count"] == 1  # the group anchor reads the members
    listed = _api(world.member_admin).get(EVIDENCE).json()["results"]
    assert [r["original_name"] for r in listed] == ["纪要.pdf"]


# ---- joint classes -------------------------------------------------------------------------------


def _joint_body(world: Any, **extra: Any) -> dict[str, Any]:
    return {
        "group": world.group.pk, "name": "五年级联合班", "host_school": world.md.school_a.pk,
        "partner_school": world.school_c.pk, "grade": 5, "pupils": 30, "transported": 12,
        "rotations": [
            {"stage": "第一阶段", "school": world.md.school_a.pk, "start_date": "2025-09-01",
             "end_date": "2025-11-15"},
        ],
        **extra,
    }  # fmt: skip


def test_each_identity_sets_up_a_joint_class_as_the_policy_says(world):
    made = 0
    for identity, user in world.users.items():
        response = _api(user).post(JOINT, _joint_body(world, name=f"{identity}班"), format="json")
        if not policy_expects(user, "groups.joint_class_edit"):
            assert response.status_code == 403, (identity, response.status_code)
        elif write_scoped(School.objects.all(), user).filter(pk=world.school_c.pk).exists():
            assert response.status_code == 201, (identity, response.content)
            made += 1
        else:  # allowed by role (a town's officer), but school C lies in another town
            assert response.status_code == 400 and "不在您的数据范围内" in response.content.decode()
    assert made >= 1 and JointClass.objects.count() == made
    row = JointClass.objects.first()
    assert row is not None and [r.stage for r in row.rotations.all()] == ["第一阶段"]


def test_a_joint_class_with_a_school_of_another_stage_is_refused(world):
    junior = make_school(town=world.md.town_b, name="乙镇初级中学", school_type=SchoolType.JUNIOR)
    services.member_add(
        actor=world.officer, group=world.group, school=junior, joined_on=world.group.start_date
    )
    response = _api(world.officer).post(JOINT, _joint_body(world, partner_school=junior.pk), format="json")
    assert response.status_code == 400 and "没有5年级" in response.content.decode()
    over = _api(world.officer).post(JOINT, _joint_body(world, transported=31), format="json")
    assert over.status_code == 400 and "接送学生数不能多于学位数" in over.content.decode()
    negative = _api(world.officer).post(JOINT, _joint_body(world, pupils=-1), format="json")
    assert negative.status_code == 400
    assert not JointClass.objects.exists()


def test_the_office_keeps_counts_teachers_and_the_rotation_calendar(world):
    created = _api(world.officer).post(JOINT, _joint_body(world), format="json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    teacher = Teacher.objects.create(school=world.school_c, name="丙村王老师", staff_number="T-C-1", sex="F")
    detail = reverse("api:groups:joint-class-detail", kwargs={"pk": pk})
    for user in (world.head, world.member_admin):  # schools read it, never edit it
        assert _api(user).patch(detail, {"pupils": 40}, format="json").status_code == 403
    patched = _api(world.officer).patch(detail, {"pupils": 40, "teachers": [teacher.pk]}, format="json")
    assert patched.status_code == 200, patched.content
    assert (patched.json()["pupils"], patched.json()["transported"], patched.json()["teachers"]) == (
        40, 12, [teacher.pk],
    )  # fmt: skip
    refused = _api(world.officer).patch(detail, {"transported": 41}, format="json")
    assert refused.status_code == 400 and "接送学生数不能多于学位数" in refused.content.decode()
    assert JointClass.objects.get(pk=pk).transported == 12
    rotations = reverse("api:groups:joint-class-rotations", kwargs={"pk": pk})
    overlap = {"stage": "第二阶段", "school": world.school_c.pk, "start_date": "2025-11-01",
               "end_date": "2026-01-15"}  # fmt: skip
    bad = _api(world.officer).post(rotations, overlap, format="json")
    assert bad.status_code == 400 and "日期重叠" in bad.content.decode()
    ok = _api(world.officer).post(rotations, {**overlap, "start_date": "2025-11-16"}, format="json")
    assert ok.status_code == 201 and [r["stage"] for r in ok.json()["rotations"]] == ["第一阶段", "第二阶段"]
    assert (
        _api(world.head).post(rotations, {**overlap, "start_date": "2026-02-20"}, format="json").status_code
        == 403
    )
    second = Rotation.objects.get(joint_class_id=pk, stage="第二阶段")
    url = reverse("api:groups:joint-class-rotation", kwargs={"pk": pk, "rotation_id": second.pk})
    assert _api(world.member_admin).delete(url).status_code == 403
    assert _api(world.officer).delete(url).status_code == 204
    assert list(Rotation.objects.filter(joint_class_id=pk).values_list("stage", flat=True)) == ["第一阶段"]
    gone = reverse("api:groups:joint-class-rotation", kwargs={"pk": pk, "rotation_id": second.pk})
    assert _api(world.officer).delete(gone).status_code == 404


def test_the_openapi_schema_documents_the_new_routes(world):
    schema = _api(world.officer).get("/api/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    assert "post" in paths["/api/v1/groups/evidence/"]
    assert "multipart/form-data" in paths["/api/v1/groups/evidence/"]["post"]["requestBody"]["content"]
    assert "get" in paths["/api/v1/groups/evidence/{id}/download/"]
    assert {"post", "get"} <= set(paths["/api/v1/groups/joint-classes/"])
    assert "patch" in paths["/api/v1/groups/joint-classes/{id}/"]
    assert "post" in paths["/api/v1/groups/joint-classes/{id}/rotations/"]
    assert "delete" in paths["/api/v1/groups/joint-classes/{id}/rotations/{rotation_id}/"]
