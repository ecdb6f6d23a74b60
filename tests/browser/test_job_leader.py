"""Job 3 in the browser, on a phone and a desktop: a bureau leader signs in, reads the district's
key figures on the cockpit, opens the 优质均衡 self-assessment and downloads it as PDF and as
XLSX; both files arrive, non-empty, with the right content type and the report inside."""

from __future__ import annotations

import io
import re
from typing import Any

import openpyxl

from edugov.accounts.models import Role
from edugov.testing import MiniDistrict

from .helpers import BROWSER, SCREENS, check_page, download, follow_nav, login, new_page

pytestmark = BROWSER

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_leader_reads_the_cockpit_and_downloads_the_report(
    live_server: Any, browser: Any, district: MiniDistrict
) -> None:
    md = district
    for screen in SCREENS:
        page = new_page(browser, screen, live_server.url)
        login(page, live_server.url, md.users[Role.LEADER])

        # The cockpit: the district's figures, counted from the mini district's two schools, one
        # teaching point and three classes of forty.
        figures = page.get_by_role("region", name="主要指标")
        figures.wait_for()
        text = re.sub(r"\s+", "", figures.inner_text())
        assert "学校2所" in text and "教学点1个" in text
        assert "在校生120人" in text and "班级3个" in text
        check_page(page, "leader", "report", "cockpit")

        follow_nav(page, "优质均衡")
        page.get_by_role("heading", level=1).wait_for()
        check_page(page, "leader", "report", "balanced")

        kind, body, name = download(page, page.get_by_role("link", name=re.compile("导出自评报告（PDF）")))
        assert kind.startswith(PDF), kind
        assert body.startswith(b"%PDF-") and len(body) > 1000
        assert name.endswith(".pdf")

        kind, body, name = download(page, page.get_by_role("link", name=re.compile("导出自评报告（XLSX）")))
        assert kind.startswith(XLSX), kind
        book = openpyxl.load_workbook(io.BytesIO(body))
        cells = " ".join(
            str(v) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for v in row if v
        )
        assert "优质均衡" in cells and md.district.name in cells
        assert name.endswith(".xlsx")
        page.context.close()
