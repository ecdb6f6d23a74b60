"""The recruitment plan: proposals from the conftest's five-year gaps worked out by hand (see
test_selectors: school A on 2026-03-01 is 1.0 short in music, 3.0 in 语文, 1.88 in PE once 李
retires, 0.25 in English; its teaching point 0.25 in music), the officer's edits (a bad number or
note refuses the whole form, nothing written), who may write and read, the exported report."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from edugov.accounts.models import Role
from edugov.audit.models import AuditAction, AuditEvent
from edugov.common.errors import DomainError, PermissionDenied
from edugov.testing import login
from edugov.workforce import recruitment
from edugov.workforce.models import RecruitmentLine, RecruitmentPlan
from edugov.workforce.reports import recruitment_document

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 3, 1)


def test_proposed_count_rounds_half_up():
    assert [recruitment.proposed_count(g) for g in (-2.0, 0.0, 0.25, 0.49, 0.5, 1.0, 1.88, 3.0)] == [
        0,
        0,
        0,
        0,
        1,
        1,
        2,
        3,
    ]


def _lines(plan: RecruitmentPlan) -> dict[tuple[int, str], RecruitmentLine]:
    return {(line.school_id, line.subject): line for line in plan.lines.all()}


def test_build_proposes_the_five_year_gaps_by_hand(world):
    md = world.md
    plan = recruitment.plan_build(actor=world.personnel, year=md.year, today=TODAY)
    lines = _lines(plan)
    a = md.school_a.pk
    got = {
        s: (float(lines[(a, s)].gap_in_five_years), lines[(a, s)].proposed)
        for s in ("音乐", "语文", "体育与健康")
    }
    assert got == {"音乐": (1.0, 1), "语文": (3.0, 3), "体育与健康": (1.88, 2)}
    assert lines[(a, "语文")].quantity == 3  # a new line plans what is proposed
    assert (a, "英语") not in lines  # 0.25 short: covered by the load of others
    assert (md.point_a.pk, "音乐") not in lines
    assert (
        AuditEvent.objects.filter(model="workforce.RecruitmentPlan", action=AuditAction.CREATE).count() == 1
    )


def test_rebuild_keeps_the_officers_numbers(world):
    md = world.md
    plan = recruitment.plan_build(actor=world.personnel, year=md.year, today=TODAY)
    line = _lines(plan)[(md.school_a.pk, "语文")]
    recruitment.lines_save(
        actor=world.personnel, plan=plan, edits={line.pk: ("1", "先招一名，余下由集团内交流")}
    )
    again = recruitment.plan_build(actor=world.personnel, year=md.year, today=TODAY)
    assert again.pk == plan.pk and plan.lines.count() == len(_lines(again))
    line.refresh_from_db()
    assert (line.proposed, line.quantity, line.note) == (3, 1, "先招一名，余下由集团内交流")


@pytest.mark.parametrize(
    ("qty", "note", "message"),
    [
        ("-1", "", "计划招聘人数应为0～50之间的整数"),
        ("abc", "", "您填写的是“abc”"),
        ("51", "", "计划招聘人数应为0～50之间的整数"),
        ("2", "长" * 201, "备注不能超过200个字"),
    ],
)
def test_bad_edits_are_refused_in_chinese_with_nothing_written(world, qty, note, message):
    md = world.md
    plan = recruitment.plan_build(actor=world.personnel, year=md.year, today=TODAY)
    lines = _lines(plan)
    good, bad = lines[(md.school_a.pk, "音乐")], lines[(md.school_a.pk, "语文")]
    client = login(Client(), world.personnel)
    resp = client.post(
        "/workforce/recruitment/?year=2025",
        {"do": "save", f"qty_{good.pk}": "0", f"qty_{bad.pk}": qty, f"note_{bad.pk}": note},
    )
    assert resp.status_code == 400
    assert message in resp.content.decode()
    good.refresh_from_db()
    bad.refresh_from_db()
    assert (good.quantity, bad.quantity, bad.note) == (1, 3, "")  # the good line was not saved either
    assert not AuditEvent.objects.filter(model="workforce.RecruitmentLine").exists()


def test_officer_edits_on_the_page_and_it_is_audited(world):
    md = world.md
    client = login(Client(), world.personnel)
    resp = client.post("/workforce/recruitment/?year=2025", {"do": "build"})
    assert resp.status_code == 302
    line = RecruitmentLine.objects.get(school=md.school_a, subject="体育与健康")
    resp = client.post(
        "/workforce/recruitment/?year=2025",
        {"do": "save", f"qty_{line.pk}": " 1 ", f"note_{line.pk}": "银龄教师补充一人"},
    )
    assert resp.status_code == 302
    line.refresh_from_db()
    assert (line.quantity, line.note) == (1, "银龄教师补充一人")
    event = AuditEvent.objects.get(model="workforce.RecruitmentLine", action=AuditAction.UPDATE)
    assert (
        event.changes["before"]["计划招聘（人）"] == line.proposed
        and event.changes["after"]["计划招聘（人）"] == 1
    )
    html = client.get("/workforce/recruitment/?year=2025").content.decode()
    assert "教师招聘计划" in html and "银龄教师补充一人" in html and "保存计划" in html


def test_unknown_line_is_refused(world):
    plan = recruitment.plan_build(actor=world.personnel, year=world.md.year, today=TODAY)
    with pytest.raises(DomainError, match="找不到要修改的招聘计划明细"):
        recruitment.lines_save(actor=world.personnel, plan=plan, edits={10**9: ("1", "")})
    client = login(Client(), world.personnel)
    resp = client.post("/workforce/recruitment/?year=2025", {"do": "save", "qty_x": "1"})
    assert resp.status_code == 400 and "找不到要修改的招聘计划明细" in resp.content.decode()


def test_leader_reads_and_cannot_write_school_cannot_read(world):
    md = world.md
    recruitment.plan_build(actor=world.personnel, year=md.year, today=TODAY)
    leader = md.users[Role.LEADER]
    with pytest.raises(PermissionDenied):
        recruitment.plan_build(actor=leader, year=md.year)
    client = login(Client(), leader)
    html = client.get("/workforce/recruitment/?year=2025").content.decode()
    assert "语文" in html and "保存计划" not in html and "qty_" not in html
    line = RecruitmentLine.objects.get(school=md.school_a, subject="语文")
    assert (
        client.post("/workforce/recruitment/?year=2025", {"do": "save", f"qty_{line.pk}": "0"}).status_code
        == 403
    )
    line.refresh_from_db()
    assert line.quantity == 3
    school = login(Client(), md.users[Role.SCHOOL_ADMIN])
    assert school.get("/workforce/recruitment/").status_code == 403


def test_report_summary_first_and_downloads(world):
    md = world.md
    plan = recruitment.plan_build(actor=world.personnel, year=md.year, today=TODAY)
    line = _lines(plan)[(md.school_a.pk, "语文")]
    recruitment.lines_save(actor=world.personnel, plan=plan, edits={line.pk: ("5", "含两名退休补充")})
    doc = recruitment_document(actor=md.users[Role.LEADER], year=2025)
    summary = dict(doc.summary)
    assert doc.summary[0] == ("学年", "2025-2026学年")
    proposed = sum(x.proposed for x in plan.lines.all())
    quantity = sum(x.quantity for x in plan.lines.all())
    assert quantity == proposed - 3 + 5
    assert summary["建议招聘"] == f"{proposed}人" and summary["计划招聘"] == f"{quantity}人"
    detail = next(s for s in doc.sections if s.key == "lines")
    assert ["甲街道", md.school_a.name, "语文", 3.0, 3, 5, "含两名退休补充"] in [list(r) for r in detail.rows]
    client = login(Client(), md.users[Role.LEADER])
    for fmt in ("xlsx", "pdf"):
        resp = client.get(f"/reports/workforce.recruitment.{fmt}?year=2025")
        assert resp.status_code == 200, fmt
    assert (
        login(Client(), md.users[Role.SCHOOL_ADMIN]).get("/reports/workforce.recruitment.xlsx").status_code
        == 403
    )
