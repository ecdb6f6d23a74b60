"""The workforce job in the browser, on a phone and a desktop: a personnel officer opens 师资队伍,
goes to a school, reads which subjects lack teachers now and in five years, and downloads the
staffing report (a workbook that opens, with the school's shortage in it); a teacher reads their
own record and asks for a correction (on the phone), then sees it waiting (on the desktop).

School A has 8 classes: 6 of grade 1 and the mini district's 2 of grade 3. By the curriculum data
(primary load 16 periods a week; 音乐 2 periods in grades 1 and 3, 体育与健康 4 in grade 1 and 3 in
grade 3) it needs 音乐 (6x2 + 2x2) / 16 = 1.00 teacher and 体育与健康 (6x4 + 2x3) / 16 = 1.875.
王老师 teaches 语文 12 and 音乐 4 with a 语文 certificate: 0.25 of a music teacher, not qualified,
so music lacks 1.00 now and in five years. 李老师 teaches 体育与健康 16 with a PE certificate and,
a man born in September 1966, reaches retirement age within five years: PE lacks 1.875 - 1 = 0.88
now and 1.88 once he has left (no enrolment forecast: today's classes)."""

from __future__ import annotations

import io
import re
from typing import Any

import openpyxl

from edugov.accounts.models import Role
from edugov.registry.models import Teacher
from edugov.testing import MiniDistrict, make_class, make_user
from edugov.workforce import services
from edugov.workforce.models import CorrectionRequest

from .helpers import BROWSER, PHONE, SCREENS, check_page, click_through, download, follow_nav, login, new_page

pytestmark = BROWSER

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RECORD = {
    "employment_type": "established",
    "title": "second",
    "qualification": "bachelor",
    "major": "汉语言文学",
    "certificate_stage": "primary",
    "certificate_subject": "语文",
    "birth_year": 1988,
    "birth_month": 5,
}


def _cells(row: Any) -> dict[str, str]:
    """A subject row of the school page as {column: text}, read from the cells' labels (the
    phone's stacked rows show the same labels as the desktop's header)."""
    found: dict[str, str] = row.locator("td").evaluate_all(
        "cells => Object.fromEntries(cells.map(c => [c.dataset.label, c.innerText.trim()]))"
    )
    return found


def test_officer_reads_a_schools_shortages_and_a_teacher_their_record(
    live_server: Any, browser: Any, district: MiniDistrict
) -> None:
    md = district
    for n in range(1, 7):
        make_class(school=md.school_a, year=md.year, grade=1, number=10 + n, boys=20, girls=22)
    li = Teacher.objects.create(school=md.school_a, staff_number="T002", name="李老师", sex="M")
    services.teacher_year_save(
        actor=None,
        teacher=md.teacher_a,
        school_year=md.year,
        data={**RECORD, "is_head_teacher": True, "head_teacher_years": 3},
        loads={"语文": 12, "音乐": 4},
    )
    services.teacher_year_save(
        actor=None,
        teacher=li,
        school_year=md.year,
        data={
            **RECORD,
            "certificate_subject": "体育",
            "major": "体育教育",
            "birth_year": 1966,
            "birth_month": 9,
        },
        loads={"体育与健康": 16},
    )
    officer = make_user(Role.DEPARTMENT_OFFICER, area=md.district, department="personnel")
    teacher = md.users[Role.TEACHER]

    for screen in SCREENS:
        page = new_page(browser, screen, live_server.url)
        login(page, live_server.url, officer)
        follow_nav(page, "师资队伍")
        page.wait_for_url("**/workforce/")
        check_page(page, "personnel", "workforce", "overview")

        click_through(page, page.get_by_role("link", name=md.school_a.name).first)
        assert page.get_by_role("heading", level=1).inner_text() == md.school_a.name
        table = page.locator("section").filter(has=page.get_by_role("heading", name="学科教师配置"))
        music = _cells(table.get_by_role("row").filter(has_text="音乐"))
        assert music == {
            "学科": "音乐",
            "应配（人）": "1.00",
            "任教（人）": "0.25",
            "其中持证": "0.00",
            "缺口": "1.00",
            "五年后缺口": "1.00",
        }
        pe = _cells(table.get_by_role("row").filter(has_text="体育与健康"))
        got = (pe["应配（人）"], pe["其中持证"], pe["缺口"], pe["五年后缺口"])
        assert got == ("1.88", "1.00", "0.88", "1.88")
        check_page(page, "personnel", "workforce", "school")

        page.go_back()
        kind, body, name = download(page, page.get_by_role("link", name="下载师资配置报告（Excel）"))
        assert kind.startswith(XLSX), kind
        assert name.endswith(".xlsx")
        book = openpyxl.load_workbook(io.BytesIO(body))
        rows = [list(r) for sheet in book.worksheets for r in sheet.iter_rows(values_only=True)]
        short = [r for r in rows if md.school_a.name in r and "音乐" in r]
        assert len(short) == 1
        assert [v for v in short[0] if isinstance(v, int | float)] == [1.0, 0.25, 0.0, 1.0, 1.0]
        page.context.close()

        # The teacher on the same screen: their own record, nothing of anyone else's.
        page = new_page(browser, screen, live_server.url)
        login(page, live_server.url, teacher)
        follow_nav(page, "我的师资档案")
        page.wait_for_url("**/workforce/me/")
        record = page.locator("dl.info").first
        text = re.sub(r"\s+", "", record.inner_text())
        assert "任教学科语文每周12节；音乐每周4节" in text
        assert "教师资格证小学语文" in text and "班主任是，累计3年" in text
        assert "李老师" not in page.locator("main").inner_text()
        if screen == PHONE:
            page.get_by_label("更正项目").select_option(label="职称")
            page.get_by_label("更正为").fill("一级")
            page.get_by_label("理由").fill("2026年取得一级职称")
            click_through(page, page.get_by_role("button", name="提交更正申请"))
            page.get_by_text("已提交更正申请，等待学校审核").wait_for()
            asked = CorrectionRequest.objects.get()
            assert (asked.field, asked.requested_value) == ("title", "一级")
        asks = page.locator("section").filter(has=page.get_by_role("heading", name="我的更正申请"))
        mine = _cells(asks.get_by_role("row").filter(has_text="一级"))
        assert (mine["项目"], mine["更正为"], mine["状态"]) == ("职称", "一级", "待审核")
        check_page(page, "teacher", "workforce", "record")
        page.context.close()
