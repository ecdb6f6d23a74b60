"""Job 2 in the browser, on a phone and a desktop: a district officer uploads an Excel file of
classes with three mistakes, reads the Chinese error summary on the page and in the error
workbook (bad cells filled red, a sheet listing each reason), fixes the file, uploads it again and
finds the classes imported."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from edugov.accounts.models import Role
from edugov.registry.models import SchoolClass
from edugov.testing import MiniDistrict

from .helpers import BROWSER, SCREEN_IDS, SCREENS, check_page, login, new_page

pytestmark = BROWSER

HEADER = ["学校标识码", "学年", "年级", "班号", "班级名称", "男生数", "女生数"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
UNKNOWN_SCHOOL = "3144999999"


def workbook(path: Path, rows: list[list[Any]]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def upload(page: Any, base_url: str, path: Path) -> None:
    page.goto(f"{base_url}/imports/")
    page.get_by_label("数据类型").select_option(label="班级与学生数")
    page.get_by_label("文件").set_input_files(str(path))
    page.get_by_role("button", name="开始导入").click()


@pytest.mark.parametrize("screen", SCREENS, ids=SCREEN_IDS)
def test_officer_imports_with_errors_then_fixes_the_file(
    live_server: Any, browser: Any, district: MiniDistrict, screen: tuple[int, int], tmp_path: Path
) -> None:
    md = district
    officer = md.users[Role.DEPARTMENT_OFFICER]
    a, b = md.school_a.code, md.school_b.code
    year = f"{md.year.start_year}-{md.year.start_year + 1}"
    bad = workbook(
        tmp_path / "秋季班级.xlsx",
        [
            [a, year, "三年级", 7, "三年级(7)班", 21, 22],
            [a, year, "三年级", 8, "三年级(8)班", "二十", 22],  # text in a number cell
            [UNKNOWN_SCHOOL, year, "三年级", 1, "三年级(1)班", 20, 20],  # no such school
            [b, year, "七年级", 2, "七年级(2)班", 20, 20],  # a primary school has no grade 7
        ],
    )
    page = new_page(browser, screen, live_server.url)
    login(page, live_server.url, officer)
    upload(page, live_server.url, bad)

    summary = page.get_by_role("heading", name=re.compile("文件未导入"))
    summary.wait_for()
    assert re.search(r"共\s*3\s*处", summary.inner_text())
    # The summary counts what the table lists (it once said 4 and listed 3).
    errors = page.get_by_role("table").filter(has_text="错误原因").locator("tbody tr")
    assert errors.count() == 3
    listed = errors.all_inner_texts()
    assert any("二十" in row and "整数" in row for row in listed)
    assert any(UNKNOWN_SCHOOL in row for row in listed)
    assert any("七年级" in row for row in listed)
    assert not SchoolClass.objects.filter(number__in=[7, 8], school=md.school_a).exists()  # nothing written
    check_page(page, "officer", "import", "errors")

    with page.expect_download() as info:
        page.get_by_role("link", name=re.compile("下载错误报告")).click()
    download = info.value
    report = openpyxl.load_workbook(io.BytesIO(Path(download.path()).read_bytes()))
    sheet = report.worksheets[0]
    red = {
        (c.row, str(c.value))
        for row in sheet.iter_rows()
        for c in row
        if c.fill is not None and c.fill.fill_type == "solid"
    }
    assert (3, "二十") in red and (4, UNKNOWN_SCHOOL) in red and (5, "七年级") in red
    assert (2, "三年级") not in red  # the good row stays white
    reasons = [
        " ".join(str(v) for v in r if v is not None)
        for r in report.worksheets[-1].iter_rows(values_only=True)
    ]
    assert len([r for r in reasons if "二十" in r or UNKNOWN_SCHOOL in r or "七年级" in r]) == 3
    assert any("二十" in r and "整数" in r for r in reasons)

    fixed = workbook(
        tmp_path / "秋季班级-已修改.xlsx",
        [
            [a, year, "三年级", 7, "三年级(7)班", 21, 22],
            [a, year, "三年级", 8, "三年级(8)班", 20, 22],
            [b, year, "三年级", 2, "三年级(2)班", 19, 20],
        ],
    )
    upload(page, live_server.url, fixed)
    page.get_by_role("heading", name="各行结果").wait_for()
    stats = page.get_by_role("region", name="导入统计").inner_text()
    assert re.search(r"新增\s*3", stats), stats
    check_page(page, "officer", "import", "imported")
    assert SchoolClass.objects.get(school=md.school_a, grade=3, number=8).boys == 20
    assert SchoolClass.objects.get(school=md.school_b, grade=3, number=2).girls == 20

    page.goto(f"{live_server.url}/registry/classes/?school={md.school_b.pk}")
    assert "三年级(2)班" in page.get_by_role("main").inner_text()
    page.context.close()
