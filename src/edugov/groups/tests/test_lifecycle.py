"""A group's life (edit, a member leaves, the group ends), joint classes (another stage refused,
moving teachers, the rotation calendar without overlaps), evidence files (size, type and content
checked, nothing written when refused) and the group page's forms answering in Chinese."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from edugov.accounts.models import Role
from edugov.common.errors import DomainError
from edugov.groups import effect, selectors, services
from edugov.groups.models import Evidence, JointClass, Membership, Rotation, SchoolGroup
from edugov.registry.models import SchoolType, Teacher
from edugov.testing import login, make_school, make_user

pytestmark = pytest.mark.django_db
TERM = "2025-2026-1"
PDF = b"%PDF-1.4\n%test\n"


def _pdf(name: str = "纪要.pdf", body: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, body, content_type="application/pdf")


# ---- lifecycle ---------------------------------------------------------------------------------


def test_the_officer_edits_the_group_and_the_lead_must_be_a_member(world):
    g = services.group_update(
        actor=world.officer,
        group=world.group,
        name="甲街道教育集团",
        kind="alliance",
        lead_school=world.md.school_b,
    )
    g.refresh_from_db()
    assert (g.name, g.kind, g.lead_school_id) == ("甲街道教育集团", "alliance", world.md.school_b.pk)
    outsider = make_school(town=world.md.town_b, name="乙镇外校")
    with pytest.raises(DomainError, match="牵头学校应为本集团的在册成员校"):
        services.group_update(actor=world.officer, group=g, name="x", kind="alliance", lead_school=outsider)
    with pytest.raises(DomainError, match="请选择牵头学校"):
        services.group_update(actor=world.officer, group=g, name="x", kind="alliance", lead_school=None)
    g.refresh_from_db()
    assert g.name == "甲街道教育集团"


def test_becoming_a_close_group_is_refused_when_a_member_is_in_another_close_group(world):
    other = services.group_create(
        actor=world.officer,
        name="联盟",
        kind="alliance",
        lead_school=world.md.school_b,
        start_date=dt.date(2026, 3, 1),
    )
    with pytest.raises(DomainError, match="一所学校不能同时加入两个紧密型集团"):
        services.group_update(
            actor=world.officer, group=other, name="联盟", kind="close", lead_school=world.md.school_b
        )
    other.refresh_from_db()
    assert other.kind == "alliance"


def test_a_member_leaves_with_a_date_and_the_lead_school_cannot(world):
    g = world.group
    with pytest.raises(DomainError, match="牵头学校不能退出集团"):
        services.member_leave(
            actor=world.officer, group=g, school=world.md.school_a, left_on=dt.date(2026, 2, 1)
        )
    with pytest.raises(DomainError, match="退出日期不能早于加入日期"):
        services.member_leave(
            actor=world.officer, group=g, school=world.school_c, left_on=dt.date(2025, 8, 1)
        )
    row = services.member_leave(
        actor=world.officer, group=g, school=world.school_c, left_on=dt.date(2026, 2, 1)
    )
    assert row.left_on == dt.date(2026, 2, 1)
    with pytest.raises(DomainError, match="已于2026年02月01日退出"):
        services.member_leave(
            actor=world.officer, group=g, school=world.school_c, left_on=dt.date(2026, 3, 1)
        )
    # having left the close group, school C may join another close group
    services.group_create(
        actor=world.officer, name="乙镇紧密型集团", kind="close", lead_school=world.school_c,
        start_date=dt.date(2026, 3, 1),
    )  # fmt: skip


def test_ending_a_group_closes_every_membership_on_that_day(world):
    g = world.group
    with pytest.raises(DomainError, match="结束日期应晚于集团成立日期"):
        services.group_end(actor=world.officer, group=g, end_date=dt.date(2025, 9, 1))
    assert not Membership.objects.filter(group=g, left_on__isnull=False).exists()
    services.group_end(actor=world.officer, group=g, end_date=dt.date(2026, 1, 31))
    g.refresh_from_db()
    assert g.end_date == dt.date(2026, 1, 31)
    assert set(Membership.objects.filter(group=g).values_list("left_on", flat=True)) == {dt.date(2026, 1, 31)}
    with pytest.raises(DomainError, match="集团已于2026年01月31日结束"):
        services.group_update(
            actor=world.officer, group=g, name="x", kind="close", lead_school=world.md.school_a
        )
    late = make_school(town=world.md.town_b, name="乙镇新校")
    with pytest.raises(DomainError, match="集团已于2026年01月31日结束"):
        services.member_add(actor=world.officer, group=g, school=late, joined_on=dt.date(2026, 1, 2))
    assert not Membership.objects.filter(school=late).exists()
    # the members are free for another close group
    services.group_create(
        actor=world.officer,
        name="新集团",
        kind="close",
        lead_school=world.md.school_b,
        start_date=dt.date(2026, 2, 1),
    )


def test_a_member_cannot_join_before_the_group_started(world):
    late = make_school(town=world.md.town_b, name="乙镇新校")
    with pytest.raises(DomainError, match="加入日期不能早于集团成立日期（2025年09月01日）"):
        services.member_add(
            actor=world.officer, group=world.group, school=late, joined_on=dt.date(2025, 8, 1)
        )
    assert not Membership.objects.filter(school=late).exists()


def test_a_school_cannot_end_or_edit_a_group(world):
    from edugov.common.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.group_end(actor=world.head, group=world.group, end_date=dt.date(2026, 1, 31))
    assert SchoolGroup.objects.get(pk=world.group.pk).end_date is None


# ---- joint classes -----------------------------------------------------------------------------


def _teacher(school, number: str, name: str) -> Teacher:
    return Teacher.objects.create(school=school, staff_number=number, name=name, sex="F")


def test_a_joint_class_with_a_school_of_another_stage_is_refused(world):
    junior = make_school(town=world.md.town_b, name="乙镇初级中学", school_type=SchoolType.JUNIOR)
    services.member_add(actor=world.officer, group=world.group, school=junior, joined_on=dt.date(2025, 9, 1))
    with pytest.raises(DomainError, match="没有5年级"):
        services.joint_class_create(
            actor=world.officer, group=world.group, name="联合班", host_school=world.md.school_a,
            partner_school=junior, grade=5, pupils=30,
        )  # fmt: skip
    assert not JointClass.objects.exists()


def test_moving_teachers_belong_to_the_two_schools_and_stages_do_not_overlap(world):
    a, c = world.md.school_a, world.school_c
    t_a = _teacher(a, "J1", "李老师")
    t_other = _teacher(world.md.school_b, "J2", "赵老师")
    with pytest.raises(DomainError, match="赵老师不是承办学校或合作学校的教师"):
        services.joint_class_create(
            actor=world.officer, group=world.group, name="五年级联合班", host_school=a, partner_school=c,
            grade=5, pupils=30, teachers=[t_other],
        )  # fmt: skip
    with pytest.raises(DomainError, match="日期重叠"):
        services.joint_class_create(
            actor=world.officer, group=world.group, name="五年级联合班", host_school=a, partner_school=c,
            grade=5, pupils=30, rotations=[
                ("第一阶段", a, dt.date(2025, 9, 1), dt.date(2025, 11, 1)),
                ("第二阶段", c, dt.date(2025, 10, 15), dt.date(2026, 1, 15)),
            ],
        )  # fmt: skip
    assert not JointClass.objects.exists()
    joint = services.joint_class_create(
        actor=world.officer, group=world.group, name="五年级联合班", host_school=a, partner_school=c,
        grade=5, pupils=30, transported=12, teachers=[t_a],
        rotations=[("第一阶段", a, dt.date(2025, 9, 1), dt.date(2025, 11, 1))],
    )  # fmt: skip
    # stages touching end to start do not overlap
    services.rotation_add(
        actor=world.officer, joint_class=joint, stage="第二阶段", school=c,
        start=dt.date(2025, 11, 1), end=dt.date(2026, 1, 15),
    )  # fmt: skip
    with pytest.raises(DomainError, match="“第三阶段”与“第二阶段”的日期重叠"):
        services.rotation_add(
            actor=world.officer, joint_class=joint, stage="第三阶段", school=a,
            start=dt.date(2026, 1, 1), end=dt.date(2026, 3, 1),
        )  # fmt: skip
    assert joint.rotations.count() == 2
    with pytest.raises(DomainError, match="接送学生数不能多于学位数"):
        services.joint_class_update(
            actor=world.officer, joint_class=joint, pupils=10, transported=12, teachers=[]
        )
    joint.refresh_from_db()
    assert (joint.pupils, joint.transported) == (30, 12)
    services.joint_class_update(
        actor=world.officer, joint_class=joint, pupils=32, transported=15, teachers=[]
    )
    joint.refresh_from_db()
    assert (joint.pupils, joint.transported, joint.teachers.count()) == (32, 15, 0)
    services.joint_class_create(
        actor=world.officer, group=world.group, name="六年级联合班", host_school=a, partner_school=c,
        grade=6, pupils=25, transported=7, teachers=[t_a],
    )  # fmt: skip
    # 32 + 25 places, 15 + 7 transported, 李老师 moves with both classes: one teacher
    assert selectors.joint_totals(world.group) == selectors.JointTotals(2, 57, 22, 1)
    services.rotation_delete(actor=world.officer, rotation=joint.rotations.get(stage="第二阶段"))
    assert list(Rotation.objects.values_list("stage", flat=True)) == ["第一阶段"]


# ---- evidence ----------------------------------------------------------------------------------


def test_evidence_is_checked_before_anything_is_stored(world):
    g, c = world.group, world.school_c
    kw = {"actor": world.member_admin, "group": g, "school": c, "term": TERM, "unification": "research"}
    with pytest.raises(DomainError, match="类型不允许"):
        services.evidence_upload(
            **kw, upload=SimpleUploadedFile("a.exe", b"MZ\x90\x00", "application/octet-stream")
        )
    with pytest.raises(DomainError, match="内容与扩展名不符"):
        services.evidence_upload(**kw, upload=_pdf(body=b"not a pdf"))
    with pytest.raises(DomainError, match="空文件"):
        services.evidence_upload(**kw, upload=_pdf(body=b""))
    big = _pdf(body=PDF + b"0" * (services.MAX_EVIDENCE_MB * 1024 * 1024))
    with pytest.raises(DomainError, match="超过10MB"):
        services.evidence_upload(**kw, upload=big)
    with pytest.raises(DomainError, match="请选择“八个统一”中的一项"):
        services.evidence_upload(**{**kw, "unification": "nope"}, upload=_pdf())
    assert not Evidence.objects.exists()
    row = services.evidence_upload(**kw, upload=_pdf())
    assert (row.original_name, row.content_type, row.size) == ("纪要.pdf", "application/pdf", len(PDF))
    stored = str(row.file.name)
    assert stored.endswith(".pdf") and "纪要" not in stored
    rows = {r.code: r for r in selectors.unification_rows(g, TERM)}
    assert rows["research"].files == 1 and rows["research"].missing_this_term
    # the bureau, the head and the member read it; a school outside the group does not
    for user, code in ((world.officer, 200), (world.head, 200), (world.member_admin, 200)):
        response = login(Client(), user).get(reverse("groups:evidence_download", kwargs={"pk": row.pk}))
        assert response.status_code == code
        assert b"".join(response.streaming_content) == PDF
    outsider = make_user(Role.SCHOOL_ADMIN, username="outsider", school=make_school(town=world.md.town_b))
    response = login(Client(), outsider).get(reverse("groups:evidence_download", kwargs={"pk": row.pk}))
    assert response.status_code in (403, 404)


def test_at_most_ten_files_per_unification_and_term(world):
    kw = {"actor": world.member_admin, "group": world.group, "school": world.school_c, "term": TERM}
    for _ in range(services.MAX_EVIDENCE_FILES):
        services.evidence_upload(**kw, unification="research", upload=_pdf())
    with pytest.raises(DomainError, match="最多上传10个"):
        services.evidence_upload(**kw, unification="research", upload=_pdf())
    assert Evidence.objects.count() == 10
    services.evidence_upload(**kw, unification="training", upload=_pdf())


# ---- pages -------------------------------------------------------------------------------------


def test_the_page_forms_answer_in_chinese_and_write_nothing_on_bad_input(world):
    client = login(Client(), world.officer)
    url = reverse("groups:group_edit", kwargs={"pk": world.group.pk})
    bad = client.post(url, {"form": "end", "end_date": "2025-01-01"})
    assert bad.status_code == 400
    assert "结束日期应晚于集团成立日期" in bad.content.decode()
    assert SchoolGroup.objects.get(pk=world.group.pk).end_date is None
    bad = client.post(url, {"form": "update", "name": "新名", "kind": "close", "lead_school": ""})
    assert bad.status_code == 400 and "请选择牵头学校" in bad.content.decode()
    ok = client.post(url, {"form": "leave", "school": world.school_c.pk, "left_on": "2026-02-01"})
    assert ok.status_code == 302
    assert Membership.objects.get(group=world.group, school=world.school_c).left_on == dt.date(2026, 2, 1)
    junior = make_school(town=world.md.town_b, name="乙镇初级中学", school_type=SchoolType.JUNIOR)
    services.member_add(actor=world.officer, group=world.group, school=junior, joined_on=dt.date(2025, 9, 1))
    joint = reverse("groups:joint_class_new", kwargs={"pk": world.group.pk})
    body = {"name": "联合班", "host_school": world.md.school_a.pk, "partner_school": junior.pk}
    bad = client.post(joint, {**body, "grade": "5", "pupils": "30", "transported": "0"})
    assert bad.status_code == 400 and "没有5年级" in bad.content.decode()
    bad = client.post(joint, {**body, "grade": "五", "pupils": "30"})
    assert bad.status_code == 400 and "年级：应为整数" in bad.content.decode()
    assert not JointClass.objects.exists()
    services.effect_refresh()  # what the task or the job does after the membership changes
    page = client.get(reverse("groups:group", kwargs={"pk": world.group.pk}))
    assert page.status_code == 200
    text = page.content.decode()
    assert "体质健康" in text and "暂无数据" in text and "本学期缺活动" in text


def test_a_member_uploads_evidence_on_the_page(world):
    client = login(Client(), world.member_admin)
    url = reverse("groups:evidence_upload", kwargs={"pk": world.group.pk})
    bad = client.post(
        url, {"school": world.school_c.pk, "unification": "research", "term": TERM, "file": _pdf(body=b"x")}
    )
    assert bad.status_code == 400 and "内容与扩展名不符" in bad.content.decode()
    ok = client.post(
        url, {"school": world.school_c.pk, "unification": "research", "term": TERM, "file": _pdf()}
    )
    assert ok.status_code == 302
    assert Evidence.objects.get().school_id == world.school_c.pk
    # a member may not upload in another member's name
    other = client.post(
        url, {"school": world.md.school_a.pk, "unification": "research", "term": TERM, "file": _pdf()}
    )
    assert other.status_code in (400, 403)
    assert Evidence.objects.count() == 1


# ---- effect beyond 优质均衡, landing ---------------------------------------------------------------


def test_other_measures_compute_the_gap_to_the_lead_school_by_hand(world, monkeypatch):
    from edugov.registry.models import SchoolYear

    for start in (2022, 2023, 2024, 2025):
        SchoolYear.objects.get_or_create(
            start_year=start,
            defaults={"start_date": dt.date(start, 9, 1), "end_date": dt.date(start + 1, 8, 31)},
        )
    years = effect.effect_years()
    assert [y.start_year for y in years][-2:] == [2024, 2025]
    a, b, c = world.md.school_a.pk, world.md.school_b.pk, world.school_c.pk
    # qualified share (%) per year: A 90 throughout; B 60, 70, 80, 85; C has no data in the first year
    shares = {
        years[-4].start_year: {a: 90.0, b: 60.0},
        years[-3].start_year: {a: 90.0, b: 70.0, c: 50.0},
        years[-2].start_year: {a: 90.0, b: 80.0, c: 50.0},
        years[-1].start_year: {a: 90.0, b: 85.0, c: 55.0},
    }
    monkeypatch.setattr(effect, "_qualified_share", lambda actor, y, ids: shares.get(y.start_year, {}))
    monkeypatch.setattr(effect, "_value_added", lambda actor, y, ids, lead: {})
    passes = {years[-2].start_year: {a: 95.0, b: 80.0}, years[-1].start_year: {a: 96.0, b: 90.0}}
    monkeypatch.setattr(effect, "_fitness_pass", lambda ids, y: passes.get(y.start_year, {}))
    by_code = {m.code: m for m in effect.other_measures(world.group, actor=world.officer)}
    teachers = by_code["teachers"]
    assert teachers.available and not by_code["value_added"].available
    fitness = {s.school_id: s for s in by_code["fitness"].series}
    # pass rates: A 95, 96; B 80, 90 in the last two years (B: 15 then 6 points behind)
    assert fitness[b].gaps == [None, None, 15.0, 6.0]
    assert (fitness[b].before, fitness[b].after, fitness[b].verdict) == (15.0, 6.0, "差距缩小")
    assert fitness[c].gaps == [None, None, None, None] and fitness[c].verdict == "数据不足"
    series = {s.school_id: s for s in teachers.series}
    assert a not in series  # the lead school has no series
    # both joined in the 2025 school year (2025-09-01): B's gaps 30, 20, 10 before, 5 after
    assert series[b].gaps == [30.0, 20.0, 10.0, 5.0]
    assert (series[b].before, series[b].after, series[b].verdict) == (20.0, 5.0, "差距缩小")
    # C: no first year; 40, 40 before (mean 40), 35 after
    assert series[c].gaps == [None, 40.0, 40.0, 35.0]
    assert (series[c].before, series[c].after, series[c].verdict) == (40.0, 35.0, "差距缩小")


def test_the_group_head_landing_card_lists_the_unifications_missing_this_term(world):
    from django.utils import timezone

    from edugov.groups.landing import head_card

    assert head_card(world.member_admin) is None  # a member school's administrator heads no group
    today = timezone.localdate()
    services.activity_record(
        actor=world.member_admin, group=world.group, school=world.school_c, unification="research",
        kind="research", title="联合教研", held_on=today, participants=12,
    )  # fmt: skip
    card = head_card(world.head)
    assert card is not None
    [row] = card.context["rows"]
    assert len(row["missing"]) == 7 and "统一教学研究" not in row["missing"]
    assert set(row["silent"]) == {world.md.school_a.name, world.md.school_b.name}
    body = login(Client(), world.head).get("/").content.decode()
    assert "集团“八个统一”" in body and "尚无活动的事项" in body
