"""Jobs 5 and 6 in the browser, on a phone and a desktop, each on one item: the school administrator
opens the item assigned to their school from 我的整改, starts work, and submits the rectification
materials (a note and a file); then the officer of the department that assigned it finds it in
问题清单 and closes it (核验销号). Each role has its own browser context."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.utils import timezone

from edugov.accounts.models import Role
from edugov.rectification import services
from edugov.rectification.models import ItemSource, ItemStatus, RectificationItem, Severity, UnitKind
from edugov.testing import MiniDistrict

from .helpers import BROWSER, SCREENS, check_page, follow_nav, login, new_page, shoot

pytestmark = BROWSER


def assigned_item(md: MiniDistrict, title: str) -> RectificationItem:
    """An item the basic-education officer entered for school A and assigned, due in a month."""
    officer = md.users[Role.DEPARTMENT_OFFICER]
    deadline = timezone.localdate() + dt.timedelta(days=30)
    item = services.item_create(
        actor=officer,
        source=ItemSource.MANUAL,
        unit_kind=UnitKind.SCHOOL,
        unit_id=md.school_a.pk,
        title=title,
        required_action="立即清理通道杂物，建立巡查制度，提交整改前后照片。",
        department="basic_education",
        deadline=deadline,
        severity=Severity.HIGH,
    )
    return services.item_assign(item=item, actor=officer, deadline=deadline, responsible_name="张校长")


def status_badge(page: Any, status: str) -> Any:
    return page.get_by_role("main").get_by_text(ItemStatus(status).label, exact=True).first


def test_school_answers_the_item_and_the_officer_closes_it(
    live_server: Any, browser: Any, district: MiniDistrict, tmp_path: Path
) -> None:
    md = district
    evidence = tmp_path / "整改情况说明.pdf"
    evidence.write_bytes(b"%PDF-1.4\n% photos before and after\n%%EOF\n")
    for screen, floor in zip(SCREENS, ("三楼", "四楼"), strict=True):
        title = f"教学楼{floor}消防通道堆放杂物"
        answer = f"已清理{floor}消防通道杂物，落实每日巡查，附整改前后照片说明。"
        item = assigned_item(md, title)

        # The school administrator: 我的整改 -> the item -> 开始整改 -> 提交整改材料.
        school = new_page(browser, screen, live_server.url)
        login(school, live_server.url, md.users[Role.SCHOOL_ADMIN])
        follow_nav(school, "我的整改")
        school.get_by_role("link", name=title).click()
        school.get_by_role("heading", name=title, level=1).wait_for()
        check_page(school, "school", "rectification", "item")
        school.get_by_role("button", name="开始整改", exact=True).click()
        status_badge(school, ItemStatus.IN_RECTIFICATION).wait_for()
        school.get_by_label("说明", exact=False).fill(answer)
        school.get_by_label("附件", exact=False).set_input_files(str(evidence))
        shoot(school, "school", "rectification", "materials")  # the page checked above, filled in
        school.get_by_role("button", name="提交整改材料", exact=True).click()
        status_badge(school, ItemStatus.EVIDENCE_SUBMITTED).wait_for()
        assert evidence.name in school.get_by_role("listitem").filter(has_text=answer).inner_text()
        check_page(school, "school", "rectification", "submitted")
        item.refresh_from_db()
        assert item.status == ItemStatus.EVIDENCE_SUBMITTED
        school.context.close()

        # The officer who assigned it: 问题清单 -> the item (the school's answer and file are
        # there) -> 核验销号.
        office = new_page(browser, screen, live_server.url)
        login(office, live_server.url, md.users[Role.DEPARTMENT_OFFICER])
        follow_nav(office, "问题清单")
        office.get_by_role("link", name=title).click()
        office.get_by_role("heading", name=title, level=1).wait_for()
        assert evidence.name in office.get_by_role("listitem").filter(has_text=answer).inner_text()
        check_page(office, "officer", "rectification", "review")
        office.get_by_label("说明", exact=False).fill("现场核实通道已畅通，同意销号。")
        office.get_by_role("button", name="核验销号", exact=True).click()
        status_badge(office, ItemStatus.CLOSED).wait_for()
        assert office.get_by_role("button", name="核验销号", exact=True).count() == 0
        check_page(office, "officer", "rectification", "closed")
        item.refresh_from_db()
        assert item.status == ItemStatus.CLOSED
        office.context.close()
