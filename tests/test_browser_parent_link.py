"""The teacher's parent-link card on a phone, in headless Chromium: each class's link is shown in
full (wrapping inside the card), 复制链接 puts it on the clipboard, and the QR code fits the screen.
Reuses the public pages' browser, page and check helpers; screenshots land in the test's tmp dir."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from edugov.accounts.models import Role
from edugov.burden import services as burden_services
from edugov.testing import PASSWORD, make_mini_district

from .test_browser_public import AXE, _page, browser, pytestmark  # noqa: F401  (fixture)


@pytest.mark.parametrize(("width", "height"), [(360, 740), (390, 844)])
def test_teacher_copies_the_parent_link_on_a_phone(
    live_server: Any,
    browser: Any,  # noqa: F811  (the fixture imported above)
    tmp_path: Path,
    width: int,
    height: int,
) -> None:
    md = make_mini_district()
    teacher = md.users[Role.TEACHER]
    board = burden_services.class_board_ensure(actor=teacher, school_class=md.class_a1)
    url = f"{live_server.url}/burden/board/{board.token}/"
    page = _page(browser, width, height, live_server.url)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", teacher.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda u: "/accounts/login/" not in u)
    page.goto(f"{live_server.url}/burden/homework/")

    card = page.locator(".parent-link").filter(has_text=str(md.class_a1))
    link = card.locator(".parent-link-url")
    assert link.inner_text() == url  # the whole link, not cut
    # Nothing in the card sticks out of it or off the screen.
    box = card.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width
    assert card.evaluate("e => e.scrollWidth <= e.clientWidth")
    for part in (link, card.locator(".parent-link-qr svg"), card.get_by_role("button", name="复制链接")):
        inner = part.bounding_box()
        assert inner["width"] > 0 and box["x"] <= inner["x"]
        assert inner["x"] + inner["width"] <= box["x"] + box["width"]
    assert card.get_by_role("img", name=f"{md.class_a1}家长查看链接二维码").is_visible()

    card.get_by_role("button", name="复制链接").click()
    card.locator(".copy-status", has_text="已复制").wait_for(timeout=5000)
    assert page.evaluate("navigator.clipboard.readText()") == url
    # The page fits the phone, and the whole page (the shell's menus included) passes axe-core.
    assert page.evaluate("document.scrollingElement.scrollWidth") <= width
    page.evaluate(AXE.read_text(encoding="utf-8"))
    violations = page.evaluate(
        "async () => (await axe.run(document)).violations.map(v => ({id: v.id, impact: v.impact}))"
    )
    assert [v for v in violations if v["impact"] in ("serious", "critical")] == []
    page.screenshot(path=str(tmp_path / f"parent-link-{width}.png"), full_page=True)
    page.context.close()
