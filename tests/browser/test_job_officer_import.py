"""Job 2 in the browser, on a phone and a desktop: a district officer uploads an Excel file of
classes with three mistakes, reads the Chinese error summary on the page and in the error
workbook (bad cells filled red, a sheet listing each reason), fixes the file, uploads it again and
finds the classes imported. And a school administrator's CSV, with another school's row in it."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import openpyxl

from edugov.accounts.models import Role
from edugov.registry.models import SchoolClass
from edugov.testing import MiniDistrict

from .helpers import BROWSER, DESKTOP, SCREENS, check_page, download, login, new_page

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


def test_officer_imports_with_errors_then_fixes_the_file(
    live_server: Any, browser: Any, district: MiniDistrict, tmp_path: Path
) -> None:
    md = district
    officer = md.users[Role.DEPARTMENT_OFFICER]
    a, b = md.school_a.code, md.school_b.code
    year = f"{md.year.start_year}-{md.year.start_year + 1}"
    for n, screen in enumerate(SCREENS):
        first = 7 + 2 * n  # each screen imports its own classes: 7-8 on the phone, 9-10 on the desktop
        width = screen[0]
        bad = workbook(
            tmp_path / f"秋季班级-{width}.xlsx",
            [
                [a, year, "三年级", first, f"三年级({first})班", 21, 22],
                [a, year, "三年级", first + 1, f"三年级({first + 1})班", "二十", 22],  # text in a number cell
                [UNKNOWN_SCHOOL, year, "三年级", 1, "三年级(1)班", 20, 20],  # no such school
                [b, year, "七年级", first, f"七年级({first})班", 20, 20],  # a primary school has no grade 7
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
        assert not SchoolClass.objects.filter(
            number__gte=first, school=md.school_a
        ).exists()  # nothing written
        check_page(page, "officer", "import", "errors")

        kind, body, name = download(page, page.get_by_role("link", name=re.compile("下载错误报告")))
        assert kind.startswith(XLSX) and name.endswith(".xlsx")
        report = openpyxl.load_workbook(io.BytesIO(body))
        red = {
            (c.row, str(c.value))
            for row in report.worksheets[0].iter_rows()
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
            tmp_path / f"秋季班级-{width}-已修改.xlsx",
            [
                [a, year, "三年级", first, f"三年级({first})班", 21, 22],
                [a, year, "三年级", first + 1, f"三年级({first + 1})班", 20, 22],
                [b, year, "三年级", first, f"三年级({first})班", 19, 20],
            ],
        )
        upload(page, live_server.url, fixed)
        page.get_by_role("heading", name="各行结果").wait_for()
        stats = page.get_by_role("region", name="导入统计").inner_text()
        assert re.search(r"新增\s*3", stats), stats
        check_page(page, "officer", "import", "imported")
        assert SchoolClass.objects.get(school=md.school_a, grade=3, number=first + 1).boys == 20
        assert SchoolClass.objects.get(school=md.school_b, grade=3, number=first).girls == 20

        page.goto(f"{live_server.url}/registry/classes/?school={md.school_b.pk}")
        assert f"三年级({first})班" in page.get_by_role("main").inner_text()
        page.context.close()


def test_school_admin_imports_own_classes_from_csv(
    live_server: Any, browser: Any, district: MiniDistrict, tmp_path: Path
) -> None:
    """The school's variant, from a CSV: another school's row is refused like a bad cell, and the
    registry page lists only the school's own classes."""
    d = district
    code = d.school_a.code
    year = f"{d.year.start_year}-{d.year.start_year + 1}"
    header = ",".join(HEADER) + "\n"
    page = new_page(browser, DESKTOP, live_server.url)
    login(page, live_server.url, d.users[Role.SCHOOL_ADMIN])

    bad = tmp_path / "三年级班级.csv"
    bad.write_text(
        header
        + f"{code},{year},三年级,5,三年级(5)班,21,22\n"
        + f"{code},{year},三年级,6,三年级(6)班,二十,22\n"  # text in a number cell
        + f"{d.school_b.code},{year},三年级,7,三年级(7)班,20,20\n",  # another school's row
        encoding="utf-8-sig",
    )
    upload(page, live_server.url, bad)
    summary = page.get_by_role("heading", name=re.compile("文件未导入"))
    summary.wait_for()
    assert re.search(r"共\s*2\s*处", summary.inner_text())
    assert "二十" in page.get_by_role("main").inner_text()
    assert SchoolClass.objects.filter(school=d.school_a, number__in=[5, 6]).count() == 0  # nothing written
    check_page(page, "school", "import", "errors")

    good = tmp_path / "三年级班级-已修改.csv"
    good.write_text(
        header
        + f"{code},{year},三年级,5,三年级(5)班,21,22\n"
        + f"{code},{year},三年级,6,三年级(6)班,20,22\n",
        encoding="utf-8-sig",
    )
    upload(page, live_server.url, good)
    page.get_by_role("heading", name="各行结果").wait_for()
    assert re.search(r"新增\s*2", page.get_by_role("region", name="导入统计").inner_text())
    assert SchoolClass.objects.get(school=d.school_a, grade=3, number=6).boys == 20

    page.goto(f"{live_server.url}/registry/classes/?school={d.school_a.pk}")
    listing = page.get_by_role("main").inner_text()
    assert "三年级(5)班" in listing and "三年级(6)班" in listing
    assert d.school_b.name not in listing
    check_page(page, "school", "import", "classes")
    page.context.close()
