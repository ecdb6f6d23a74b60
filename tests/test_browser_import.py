"""End to end in headless Chromium: a school administrator logs in, uploads a classes file with
errors, downloads the error report, fixes the file, uploads it again and sees the classes on the
registry page."""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path
from unittest import mock

import openpyxl
import pytest

from edugov.accounts.models import Role
from edugov.registry.models import SchoolClass
from edugov.testing import PASSWORD, make_mini_district

CHROMIUM = "/usr/bin/chromium"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not shutil.which(CHROMIUM), reason="Debian's chromium is not installed (.ci/run installs it)"
    ),
]

HEADER = "学校标识码,学年,年级,班号,班级名称,男生数,女生数\n"


@pytest.fixture
def browser():
    # Playwright's sync API runs an event loop in this thread; the ORM calls made by the test
    # itself are plain synchronous calls between browser steps.
    # Only while the browser runs: left set, it leaks into later tests of the same worker (and
    # into `check --deploy` run from them, which refuses it).
    from playwright.sync_api import sync_playwright

    with mock.patch.dict(os.environ, {"DJANGO_ALLOW_ASYNC_UNSAFE": "true"}), sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
            ],
        )
        yield b
        b.close()


def test_upload_fix_and_see(live_server, browser, tmp_path: Path):
    d = make_mini_district()
    admin = d.users[Role.SCHOOL_ADMIN]
    code = d.school_a.code
    page = browser.new_page(accept_downloads=True, locale="zh-CN")
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", admin.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")  # the header has the language switch's buttons too
    page.wait_for_url(f"{live_server.url}/")

    bad = tmp_path / "三年级班级.csv"
    bad.write_text(
        HEADER
        + f"{code},2025-2026,三年级,5,三年级(5)班,21,22\n"
        + f"{code},2025-2026,三年级,6,三年级(6)班,二十,22\n"  # text in a number cell
        + f"{d.school_b.code},2025-2026,三年级,7,三年级(7)班,20,20\n",  # another school's row
        encoding="utf-8-sig",
    )
    page.goto(f"{live_server.url}/imports/")
    page.select_option("select[name=kind]", "classes")
    page.set_input_files("input[name=file]", str(bad))
    page.click("button:has-text('开始导入')")
    page.wait_for_selector("text=文件未导入")
    body = page.inner_text("main")
    assert "共 2 处" in body
    assert "二十" in body
    assert SchoolClass.objects.filter(school=d.school_a, number__in=[5, 6]).count() == 0  # nothing written

    with page.expect_download() as info:
        page.click("text=下载错误报告")
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
        + f"{code},2025-2026,三年级,5,三年级(5)班,21,22\n"
        + f"{code},2025-2026,三年级,6,三年级(6)班,20,22\n",
        encoding="utf-8-sig",
    )
    page.goto(f"{live_server.url}/imports/")
    page.select_option("select[name=kind]", "classes")
    page.set_input_files("input[name=file]", str(good))
    page.click("button:has-text('开始导入')")
    page.wait_for_selector("text=各行结果")
    stats = page.inner_text("section.stats")
    assert "新增" in stats and "2" in stats
    assert SchoolClass.objects.get(school=d.school_a, grade=3, number=6).boys == 20

    page.goto(f"{live_server.url}/registry/classes/?school={d.school_a.pk}")
    listing = page.inner_text("main")
    assert "三年级(5)班" in listing and "三年级(6)班" in listing
    assert d.school_b.name not in listing
    page.screenshot(path=str(tmp_path / "classes.png"), full_page=True)
