"""End to end in headless Chromium: a school administrator signs in, uploads a CSV of classes with
errors (one of them another school's row), downloads the error report, fixes the file, uploads it
again and sees the classes on the registry page, and only their own school's."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import openpyxl

from edugov.accounts.models import Role
from edugov.registry.models import SchoolClass
from edugov.testing import MiniDistrict

from .helpers import BROWSER, DESKTOP, check_page, login, new_page

pytestmark = BROWSER

HEADER = "学校标识码,学年,年级,班号,班级名称,男生数,女生数\n"


def upload(page: Any, base_url: str, path: Path) -> None:
    page.goto(f"{base_url}/imports/")
    page.get_by_label("数据类型").select_option(label="班级与学生数")
    page.get_by_label("文件").set_input_files(str(path))
    page.get_by_role("button", name="开始导入").click()


def test_upload_fix_and_see(live_server: Any, browser: Any, district: MiniDistrict, tmp_path: Path) -> None:
    d = district
    code = d.school_a.code
    year = f"{d.year.start_year}-{d.year.start_year + 1}"
    page = new_page(browser, DESKTOP, live_server.url)
    login(page, live_server.url, d.users[Role.SCHOOL_ADMIN])

    bad = tmp_path / "三年级班级.csv"
    bad.write_text(
        HEADER
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

    with page.expect_download() as info:
        page.get_by_role("link", name=re.compile("下载错误报告")).click()
    report = openpyxl.load_workbook(io.BytesIO(Path(info.value.path()).read_bytes()))
    sheet = report.worksheets[0]
    highlighted = [
        (c.row, c.value)
        for row in sheet.iter_rows()
        for c in row
        if c.fill and c.fill.fgColor.rgb not in (None, "00000000") and c.fill.fill_type == "solid"
    ]
    assert (3, "二十") in highlighted  # row 3 of the sheet: the boys cell of the second data row
    listing = "\n".join(
        " ".join(str(v) for v in r if v is not None)
        for r in report.worksheets[-1].iter_rows(values_only=True)
    )
    assert "二十" in listing and "整数" in listing

    good = tmp_path / "三年级班级-已修改.csv"
    good.write_text(
        HEADER
        + f"{code},{year},三年级,5,三年级(5)班,21,22\n"
        + f"{code},{year},三年级,6,三年级(6)班,20,22\n",
        encoding="utf-8-sig",
    )
    upload(page, live_server.url, good)
    page.get_by_role("heading", name="各行结果").wait_for()
    stats = page.get_by_role("region", name="导入统计").inner_text()
    assert re.search(r"新增\s*2", stats), stats
    assert SchoolClass.objects.get(school=d.school_a, grade=3, number=6).boys == 20

    page.goto(f"{live_server.url}/registry/classes/?school={d.school_a.pk}")
    listing = page.get_by_role("main").inner_text()
    assert "三年级(5)班" in listing and "三年级(6)班" in listing
    assert d.school_b.name not in listing
    check_page(page, "school", "import", "classes")
    page.context.close()
