"""The public pages on a phone and a desktop, in headless Chromium: a parent looks an institution up,
reads its status (a revoked, blacklisted one carries a warning), follows "投诉该机构", files a
complaint, keeps the tracking code and opens the tracking page; a parent opens a class's homework
board. Every page fits the screen without sideways scrolling and passes axe-core with no serious or
critical violation; screenshots are kept in the test's temporary directory."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from edugov.accounts.models import Role
from edugov.burden import services as burden_services
from edugov.burden.models import Homework, HomeworkType
from edugov.testing import make_mini_district
from edugov.tutoring import services as tutoring_services
from edugov.tutoring.models import Complaint, Institution
from edugov.tutoring.tests.factories import make_institution, officer
from tests.browser.helpers import click_through

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

# (width, height): a small Android phone, an iPhone, a desktop.
SCREENS = [(360, 740), (390, 844), (1280, 800)]
REVOKED_REASON = "违规开展学科类培训，逾期不整改"
BLACK_REASON = "预收费卷款停业，拒不退费"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
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


def _page(browser: Any, width: int, height: int, live_url: str) -> Any:
    context = browser.new_context(
        viewport={"width": width, "height": height}, locale="zh-CN", device_scale_factor=1
    )
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_url)
    return context.new_page()


def check_page(page: Any, shots: Path, name: str) -> None:
    """The page fits its screen (no sideways scrolling), passes axe-core, and is photographed."""
    width = page.viewport_size["width"]
    scroll_width = page.evaluate("document.scrollingElement.scrollWidth")
    assert scroll_width <= width, f"{name}: {scroll_width} px wide on a {width} px screen"
    # Evaluated through DevTools, so the page's content security policy does not block it.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    violations = page.evaluate(
        "async () => (await axe.run(document)).violations"
        ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' '))}))"
    )
    bad = [v for v in violations if v["impact"] in ("serious", "critical")]
    assert bad == [], f"{name} at {width} px: {bad}"
    page.screenshot(path=str(shots / f"{name}-{width}.png"), full_page=True)


def assert_title_readable(page: Any) -> None:
    """The heading spans its column and stays on a line or two (it ran one character per line)."""
    h1 = page.locator("main h1").bounding_box()
    column = page.locator("main .public, main .board").first.bounding_box()
    assert h1["width"] >= 0.9 * column["width"]
    assert h1["height"] < 90


@pytest.fixture
def revoked_blacklisted() -> tuple[Institution, Institution]:
    cache.clear()  # the public pages are rate-limited per address: start each test with a fresh count
    md = make_mini_district()
    px = officer(md)
    good = make_institution(md, px, name="晨光美术培训中心")
    tutoring_services.course_create(
        actor=px,
        institution=good,
        data={
            "name": "少儿素描基础班",
            "is_subject": False,
            "subject": "美术",
            "grade_min": 1,
            "grade_max": 6,
            "lessons": 20,
            "lesson_minutes": 45,
            "price_per_lesson": Decimal("1200"),
            "guidance_price": Decimal("1200"),
            "approved": True,
        },
    )
    bad = make_institution(md, px, name="晨光英语学科培训学校", town=md.town_b)
    tutoring_services.institution_transition(
        institution=bad, actor=px, to_status="revoked", reason=REVOKED_REASON, on=dt.date(2025, 9, 1)
    )
    tutoring_services.institution_set_list(
        institution=bad, actor=px, list_status="black", reason=BLACK_REASON
    )
    return good, bad


@pytest.mark.parametrize(("width", "height"), SCREENS)
def test_parent_looks_up_complains_and_tracks(
    live_server: Any,
    browser: Any,
    revoked_blacklisted: tuple[Institution, Institution],
    tmp_path: Path,
    width: int,
    height: int,
) -> None:
    good, bad = revoked_blacklisted
    page = _page(browser, width, height, live_server.url)

    page.goto(f"{live_server.url}/tutoring/public/")
    assert_title_readable(page)
    check_page(page, tmp_path, "lookup")
    page.fill("input[name=q]", "晨光")
    click_through(page, page.locator("main button[type=submit]"))
    results = page.locator(".public-results li")
    assert results.count() == 2
    assert "吊销许可" in results.filter(has_text=bad.name).inner_text()
    assert "黑名单" in results.filter(has_text=bad.name).inner_text()
    check_page(page, tmp_path, "lookup-results")

    # A licensed institution: no warning, its fees readable.
    click_through(page, page.locator(f"text={good.name}"))
    assert page.locator("[role=alert]").count() == 0
    assert page.locator("main h1").inner_text() == good.name
    courses = page.locator(".public-courses").inner_text()
    assert "少儿素描基础班" in courses and "1,200.00 元" in courses
    check_page(page, tmp_path, "institution-licensed")

    # The revoked, blacklisted one: the banner says so and why, above everything else but the name.
    page.go_back()
    click_through(page, page.locator(f"text={bad.name}"))
    assert_title_readable(page)
    banner = page.locator("[role=alert]")
    assert banner.is_visible()
    text = banner.inner_text()
    assert "吊销许可" in text and REVOKED_REASON in text
    assert "黑名单" in text and BLACK_REASON in text
    facts = page.locator(".public-facts").inner_text()
    assert "吊销许可" in facts and "教民131010170001" in facts and bad.credit_code in facts
    h1_box = page.locator("main h1").bounding_box()
    banner_box = banner.bounding_box()
    facts_box = page.locator(".public-facts").bounding_box()
    # One column at every width (the desktop used to split the page into three side by side).
    assert h1_box["y"] + h1_box["height"] <= banner_box["y"] < facts_box["y"]
    assert banner_box["y"] < height  # seen without scrolling
    check_page(page, tmp_path, "institution-revoked")

    click_through(page, page.get_by_role("link", name="投诉该机构"))
    # The institution itself travels with the form: nothing to type or pick about it.
    assert page.input_value("input[name=institution]") == str(bad.pk)
    assert page.locator("input[name=institution_name]").get_attribute("type") == "hidden"
    assert page.locator("select[name=area]").count() == 0
    assert bad.name in page.locator(".public-target").inner_text()
    assert_title_readable(page)
    check_page(page, tmp_path, "complaint-form")
    page.select_option("select[name=topic]", "退费纠纷")
    page.fill("textarea[name=content]", "交了三个月学费，机构关门后联系不上，要求退费。")
    page.fill("input[name=contact_name]", "王女士")
    page.fill("input[name=contact_phone]", "13900001111")
    page.click("main button[type=submit]")

    page.wait_for_selector("text=投诉已提交")
    complaint = Complaint.objects.get()
    assert complaint.institution_id == bad.pk and complaint.topic == "退费纠纷"
    code = page.locator("#tracking-code")
    assert code.inner_text() == complaint.tracking_code
    assert float(code.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= 24
    page.get_by_role("button", name="复制查询码").click()
    page.wait_for_selector(".copy-status:has-text('已复制')")
    assert page.evaluate("navigator.clipboard.readText()") == complaint.tracking_code
    check_page(page, tmp_path, "complaint-done")

    click_through(page, page.get_by_role("link", name="查看办理进度"))
    assert page.input_value("input[name=code]") == complaint.tracking_code
    result = page.locator(".public-result").inner_text()
    assert "待受理" in result and "退费纠纷" in result
    assert "您的投诉已提交" in page.locator(".public-steps").inner_text()
    assert_title_readable(page)
    check_page(page, tmp_path, "complaint-track")

    # The bureau accepts the complaint, refers it to the town and records its investigation: the
    # parent reads each step in plain words, with no officer's name.
    px = officer_of(bad)
    tutoring_services.complaint_accept(actor=px, complaint=complaint)
    tutoring_services.complaint_refer(actor=px, complaint=complaint, area=bad.area)
    tutoring_services.complaint_investigate(
        actor=px, complaint=complaint, investigators="张三、李四", investigated_on=timezone.localdate(),
        findings="机构已停业，预收费未退", evidence="收费凭证",
    )  # fmt: skip
    page.reload()
    steps = page.locator(".public-steps li")
    assert steps.count() == 4
    text = page.locator(".public-steps").inner_text()
    for words in ("教育局已受理您的投诉", f"已转交{bad.area.name}教育办办理", "进行了调查核实"):
        assert words in text
    assert str(px) not in text and "张三" not in text
    check_page(page, tmp_path, "complaint-track-steps")
    page.context.close()


def officer_of(inst: Institution) -> Any:
    from edugov.accounts.models import Department, User

    return User.objects.filter(
        role=Role.DEPARTMENT_OFFICER, department=Department.TUTORING_SUPERVISION
    ).first()


@pytest.mark.parametrize(("width", "height"), SCREENS)
def test_parent_reads_class_homework_board(
    live_server: Any, browser: Any, tmp_path: Path, width: int, height: int
) -> None:
    md = make_mini_district()
    teacher = md.users[Role.TEACHER]
    for subject, minutes, content in (
        ("语文", 20, "完成《背影》课后练习第1～3题，朗读课文两遍并请家长签字确认"),
        ("数学", 25, "练习册第12页：分数加减法https://example.invalid/a-very-long-unbroken-link-text"),
    ):
        Homework.objects.create(
            school_class=md.class_a1,
            subject=subject,
            date=timezone.localdate(),
            homework_type=HomeworkType.WRITTEN,
            content=content,
            estimated_minutes=minutes,
            teacher=md.teacher_a,
            created_by=teacher,
        )
    board = burden_services.class_board_ensure(actor=teacher, school_class=md.class_a1)
    page = _page(browser, width, height, live_server.url)
    page.goto(f"{live_server.url}/burden/board/{board.token}/")
    day = page.locator(".board-day").first
    assert "书面作业合计 45 分钟" in day.inner_text()
    assert "朗读课文两遍" in day.inner_text()
    assert md.school_a.name in page.locator("main h1").inner_text()
    assert_title_readable(page)
    box = day.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width
    check_page(page, tmp_path, "homework-board")
    page.context.close()
