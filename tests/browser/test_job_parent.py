"""Job 4 in the browser, on a phone and a desktop: a parent, not signed in, looks an institution
up by part of its name, opens its page, follows 投诉该机构, files a complaint, keeps the
tracking code and reads the complaint's progress with it. The public pages fit the screen."""

from __future__ import annotations

import re
from typing import Any

from edugov.testing import MiniDistrict
from edugov.tutoring.models import Complaint
from edugov.tutoring.tests.factories import make_institution, officer

from .helpers import BROWSER, SCREENS, check_page, click_through, new_page

pytestmark = BROWSER

NAME = "启航英语培训学校"


def test_parent_looks_up_complains_and_tracks(live_server: Any, browser: Any, district: MiniDistrict) -> None:
    md = district
    px = officer(md)
    target = make_institution(md, px, name=NAME)
    make_institution(md, px, name="启明星美术培训中心", town=md.town_b)
    for screen, person in zip(SCREENS, ("李先生", "赵女士"), strict=True):
        page = new_page(browser, screen, live_server.url)

        page.goto(f"{live_server.url}/tutoring/public/")
        page.get_by_label("机构名称或信用代码").fill("启航")
        page.get_by_role("button", name="查询").click()
        results = page.get_by_role("heading", name=re.compile("查询结果"))
        results.wait_for()
        assert "1家" in results.inner_text()
        check_page(page, "parent", "complaint", "lookup")

        click_through(page, page.get_by_role("link", name=re.compile(NAME)))
        assert page.get_by_role("heading", level=1).inner_text() == NAME
        check_page(page, "parent", "complaint", "institution")

        click_through(page, page.get_by_role("link", name="投诉该机构"))
        assert NAME in page.get_by_text("投诉对象").inner_text()  # nothing to type about the institution
        page.get_by_label("投诉类别").select_option("退费纠纷")
        page.get_by_label("投诉内容").fill("报名时承诺随时可退费，现在申请退剩余课时费用，机构一直拖延不退。")
        page.get_by_label("联系人").fill(person)
        page.get_by_label("联系电话").fill("13900002222")
        check_page(page, "parent", "complaint", "form")
        page.get_by_role("button", name="提交投诉").click()

        page.get_by_role("heading", name="投诉已提交").wait_for()
        complaint = Complaint.objects.latest("pk")
        assert (complaint.institution_id, complaint.topic, complaint.contact_name) == (
            target.pk,
            "退费纠纷",
            person,
        )
        assert page.get_by_label("查询码").inner_text().strip() == complaint.tracking_code
        check_page(page, "parent", "complaint", "filed")

        click_through(page, page.get_by_role("link", name="查看办理进度"))
        assert page.get_by_label("查询码").input_value() == complaint.tracking_code
        progress = page.get_by_role("region", name="办理情况")
        progress.wait_for()
        text = progress.inner_text()
        assert complaint.get_status_display() in text and "退费纠纷" in text
        check_page(page, "parent", "complaint", "track")
        page.context.close()
