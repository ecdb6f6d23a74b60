"""The design system in Chromium: at 1366x768 a bureau user sees the whole side navigation without
scrolling (the last entry's bottom inside the window, the sidebar itself not scrolling) with one
entry highlighted; the living style page passes axe-core (every button, badge and table colour
at once) and fits a 390 px phone."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.conf import settings
from django.core.cache import cache

from edugov.accounts.models import Role, User
from edugov.testing import PASSWORD, make_mini_district

CHROMIUM = "/usr/bin/chromium"
AXE = Path(settings.NODE_MODULES) / "axe-core" / "axe.min.js"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not shutil.which(CHROMIUM), reason="Debian's chromium is not installed (.ci/run installs it)"
    ),
    pytest.mark.skipif(not AXE.exists(), reason="axe-core is not installed (make install runs npm ci)"),
]

LAPTOP = (1366, 768)
PHONE = (390, 844)

# The bottom of the last thing the sidebar shows (an entry or a folded group's heading), whether
# the sidebar scrolls, and the highlighted entries.
NAV_STATE = """() => {
  const nav = document.querySelector('#sidebar');
  const shown = [...nav.querySelectorAll('a, summary')].filter(e => e.checkVisibility());
  return {
    bottom: Math.max(...shown.map(e => e.getBoundingClientRect().bottom)),
    scrolls: nav.scrollHeight > nav.clientHeight + 1,
    active: [...nav.querySelectorAll('a.active')].map(a => a.textContent.trim()),
    entries: shown.filter(e => e.tagName === 'A').length,
  };
}"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with mock.patch.dict(os.environ, {"DJANGO_ALLOW_ASYNC_UNSAFE": "true"}), sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"])
        yield b
        b.close()


def _signed_in(browser: Any, base_url: str, user: User, screen: tuple[int, int]) -> Any:
    width, height = screen
    page = browser.new_context(
        viewport={"width": width, "height": height}, locale="zh-CN", device_scale_factor=1
    ).new_page()
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.locator("form:not(.lang-switch) button[type=submit]").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    return page


def test_laptop_sees_the_whole_navigation(live_server: Any, browser: Any, tmp_path: Path) -> None:
    cache.clear()  # logins are rate-limited per address
    md = make_mini_district()
    superuser = md.users[Role.DISTRICT_ADMIN]
    superuser.is_superuser = True
    superuser.save(update_fields=["is_superuser"])
    for user in (md.users[Role.DEPARTMENT_OFFICER], superuser):
        page = _signed_in(browser, live_server.url, user, LAPTOP)
        for path, active in (("/", ["首页"]), ("/rectification/", ["问题清单"])):
            page.goto(f"{live_server.url}{path}")
            state = page.evaluate(NAV_STATE)
            where = f"{user.username} on {path}"
            page.screenshot(path=str(tmp_path / f"nav-{user.username}-{path.strip('/') or 'home'}.png"))
            assert state["bottom"] <= LAPTOP[1], f"{where}: navigation ends at {state['bottom']} px"
            assert not state["scrolls"], f"{where}: the sidebar scrolls"
            assert state["entries"] >= 3
            if path == "/rectification/" and "问题清单" not in page.locator("#sidebar").inner_text():
                continue  # a role without the rectification module
            assert state["active"] == active, where
        page.context.close()


def test_style_page_passes_axe_and_fits_a_phone(live_server: Any, browser: Any) -> None:
    cache.clear()
    md = make_mini_district()
    teacher = md.users[Role.TEACHER]  # any role may read it
    for screen in (LAPTOP, PHONE):
        page = _signed_in(browser, live_server.url, teacher, screen)
        page.goto(f"{live_server.url}/style/")
        assert page.locator("main h1").inner_text() == "界面规范"
        width = page.evaluate("document.scrollingElement.scrollWidth")
        assert width <= screen[0], f"the style page is {width} px wide on a {screen[0]} px screen"
        page.evaluate(AXE.read_text(encoding="utf-8"))
        violations = page.evaluate(
            "async () => (await axe.run(document.querySelector('main'))).violations"
            ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' '))}))"
        )
        assert [v for v in violations if v["impact"] in ("serious", "critical")] == []
        page.context.close()
