"""The teacher's parent-link card on a phone, in headless Chromium: each class's link is shown in
full (wrapping inside the card), 复制链接 puts it on the clipboard, and the QR code fits the screen;
the whole page passes axe-core."""

from __future__ import annotations

from typing import Any

import pytest

from edugov.accounts.models import Role
from edugov.burden import services as burden_services
from edugov.testing import MiniDistrict

from .helpers import BROWSER, check_page, login, new_page

pytestmark = BROWSER


@pytest.mark.parametrize("screen", [(360, 740), (390, 844)], ids=["360", "390"])
def test_teacher_copies_the_parent_link_on_a_phone(
    live_server: Any, browser: Any, district: MiniDistrict, screen: tuple[int, int]
) -> None:
    md = district
    width = screen[0]
    teacher = md.users[Role.TEACHER]
    board = burden_services.class_board_ensure(actor=teacher, school_class=md.class_a1)
    url = f"{live_server.url}/burden/board/{board.token}/"
    page = new_page(browser, screen, live_server.url, clipboard=True)
    login(page, live_server.url, teacher)
    page.goto(f"{live_server.url}/burden/homework/")

    card = page.get_by_role("listitem").filter(has=page.get_by_role("heading", name=str(md.class_a1)))
    link = card.get_by_role("link", name=url)
    assert link.inner_text() == url  # the whole link, not cut
    # Nothing in the card sticks out of it or off the screen.
    box = card.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width
    assert card.evaluate("e => e.scrollWidth <= e.clientWidth")
    copy = card.get_by_role("button", name="复制链接")
    qr = card.get_by_role("img", name=f"{md.class_a1}家长查看链接二维码")
    assert qr.is_visible()
    for part in (link, qr, copy):
        inner = part.bounding_box()
        assert inner["width"] > 0 and box["x"] <= inner["x"]
        assert inner["x"] + inner["width"] <= box["x"] + box["width"]

    copy.click()
    card.get_by_role("status").filter(has_text="已复制").wait_for(timeout=5000)
    assert page.evaluate("navigator.clipboard.readText()") == url
    check_page(page, "teacher", "parent-link", "card", fits=True)
    page.context.close()
