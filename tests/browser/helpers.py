"""What the browser tests share: the two screens, a page per role, signing in through the login
form, and one check per page (fits the screen, axe-core finds no serious or critical violation,
a screenshot kept as a test artifact named role-job-width-step.png)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from edugov.accounts.models import User
from edugov.testing import PASSWORD

CHROMIUM = "/usr/bin/chromium"
AXE = Path(settings.NODE_MODULES) / "axe-core" / "axe.min.js"
ROOT = Path(__file__).resolve().parents[2]

# Every browser module: `pytestmark = BROWSER`.
BROWSER = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not shutil.which(CHROMIUM), reason="Debian's chromium is not installed (.ci/run installs it)"
    ),
    pytest.mark.skipif(not AXE.exists(), reason="axe-core is not installed (make install runs npm ci)"),
]

PHONE = (390, 844)
DESKTOP = (1366, 768)
# A job runs once on each screen inside one test, a browser context per screen and role: one set
# of data and one database flush per job (a flush costs seconds on PostgreSQL).
SCREENS = (PHONE, DESKTOP)


def artifacts_dir() -> Path:
    """Where screenshots are kept: $EDUGOV_ARTIFACTS, or var/test-artifacts/screenshots/ in the
    checkout (gitignored); a run overwrites the pictures of the one before."""
    path = Path(os.environ.get("EDUGOV_ARTIFACTS") or ROOT / "var" / "test-artifacts" / "screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


def new_page(browser: Any, screen: tuple[int, int], base_url: str, *, clipboard: bool = False) -> Any:
    """A fresh context (own cookies: one per role) showing one page at `screen` size."""
    width, height = screen
    context = browser.new_context(
        viewport={"width": width, "height": height},
        locale="zh-CN",
        device_scale_factor=1,
        accept_downloads=True,
    )
    if clipboard:
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
    return context.new_page()


def login(page: Any, base_url: str, user: User, *, password: str = PASSWORD) -> None:
    """Sign in through the login form, as a person does, and wait to leave the login page."""
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill(password)
    # The header holds the language switch's buttons too.
    page.locator("form:not(.lang-switch) button[type=submit]").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def follow_nav(page: Any, name: str) -> None:
    """Open a page from the side navigation as a person would: on a phone through the menu
    button, and the entry's group unfolded first if it is folded."""
    nav = page.get_by_role("navigation", name="功能导航")
    link = nav.get_by_role("link", name=name, exact=True)
    toggle = page.get_by_role("button", name="菜单")
    if toggle.is_visible() and toggle.get_attribute("aria-expanded") != "true":
        toggle.click()  # the sidebar slides in over the page
    if not link.is_visible():
        # `has` is matched inside each group (so an unscoped locator), and a folded group's links
        # are hidden from the accessibility tree.
        entry = page.get_by_role("link", name=name, exact=True, include_hidden=True)
        nav.locator("details").filter(has=entry).locator("summary").click()
    click_through(page, link)


def click_through(page: Any, target: Any) -> None:
    """Click a link or a form's button (a locator) and return once the page it opens has loaded:
    Playwright's click does not wait for the navigation it starts, so a count or a read straight
    after it may still see the page before (CI's faster Chromium did, and counted 0 rows)."""
    with page.expect_navigation():
        target.click()


def _attachment(response: Any) -> bool:
    return "attachment" in response.headers.get("content-disposition", "")


def download(page: Any, link: Any) -> tuple[str, bytes, str]:
    """Click a download link (a locator); the content type the file came with, its bytes and the
    name the browser would save it under."""
    with page.expect_response(_attachment) as sent, page.expect_download() as info:
        link.click()
    saved = info.value
    return (
        sent.value.headers.get("content-type", ""),
        Path(saved.path()).read_bytes(),
        saved.suggested_filename,
    )


def axe_serious(page: Any) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations on the whole page, each with the elements (at
    most five) it found them on."""
    # Evaluated through DevTools, so the page's content security policy does not block it.
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    found: list[dict[str, Any]] = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ["violations"]})).violations
          .filter(v => v.impact === "serious" || v.impact === "critical")
          .map(v => ({id: v.id, impact: v.impact, help: v.help,
                      nodes: v.nodes.slice(0, 5).map(n => n.target.join(" "))}))"""
    )
    return found


def overflow(page: Any) -> int:
    """How many pixels the page is wider than its screen (0 when nothing scrolls sideways)."""
    width: int = page.viewport_size["width"]
    return max(0, int(page.evaluate("document.scrollingElement.scrollWidth")) - width)


def shoot(page: Any, role: str, job: str, step: str) -> Path:
    """Keep the whole page as role-job-width-step.png."""
    path = artifacts_dir() / f"{role}-{job}-{page.viewport_size['width']}-{step}.png"
    page.evaluate("window.scrollTo(0, 0)")  # else the sticky header is drawn mid-page
    page.screenshot(path=str(path), full_page=True)
    return path


def check_page(page: Any, role: str, job: str, step: str, *, fits: bool = True) -> None:
    """Photograph the page, then check it: no serious or critical axe-core violation and, with
    `fits` (every page of the jobs does), no sideways scrolling. The picture is taken first so a
    failure leaves it behind."""
    path = shoot(page, role, job, step)
    bad = axe_serious(page)
    assert bad == [], f"{path.name}: {bad}"
    if fits:
        extra = overflow(page)
        assert extra == 0, f"{path.name}: {extra} px wider than the screen"
