"""Job 1 in the browser: a teacher signs in, publishes written homework for their class, makes the
class's parent link and opens the class board, where the homework and the day's written total
appear: on a phone (语文), then on a desktop (数学, so the board adds both up). And the teacher's
parent-link card on the narrowest phones: the link in full, 复制链接, the QR code inside the card."""

from __future__ import annotations

from typing import Any

from edugov.accounts.models import Role
from edugov.burden import services as burden_services
from edugov.burden.models import Homework
from edugov.registry.models import TeachingAssignment
from edugov.testing import MiniDistrict

from .helpers import BROWSER, DESKTOP, PHONE, check_page, click_through, follow_nav, login, new_page

pytestmark = BROWSER

WORK = {
    PHONE: ("语文", "20", "朗读《春》并背诵第二段，完成课后练习一"),
    DESKTOP: ("数学", "30", "练习册第12页：分数加减法，订正昨天的错题"),
}


def test_teacher_publishes_homework_and_sees_it_on_the_board(
    live_server: Any, browser: Any, district: MiniDistrict
) -> None:
    md = district
    teacher = md.users[Role.TEACHER]
    TeachingAssignment.objects.create(teacher=md.teacher_a, school_class=md.class_a1, subject="数学")
    board_url = ""
    total = 0
    for screen, (subject, minutes, content) in WORK.items():
        page = new_page(browser, screen, live_server.url)
        login(page, live_server.url, teacher)
        check_page(page, "teacher", "homework", "landing")

        follow_nav(page, "发布作业")
        page.wait_for_url("**/burden/homework/new/")
        page.get_by_role("radio", name=f"{md.class_a1} {subject}").check()
        assert page.get_by_role("radio", name="书面作业").is_checked()  # the default kind
        page.get_by_role("button", name=minutes, exact=True).click()
        assert page.get_by_label("预计用时（分钟）").input_value() == minutes
        page.get_by_label("作业内容").fill(content)
        date = page.get_by_label("日期").input_value()  # the last school day up to today
        check_page(page, "teacher", "homework", "form")
        page.get_by_role("button", name="发布", exact=True).click()

        total += int(minutes)
        notice = page.get_by_text("已发布：")
        notice.wait_for()
        assert f"{md.class_a1} {subject} 书面作业 {minutes}分钟" in notice.inner_text()
        assert f"书面作业合计{total}分钟" in notice.inner_text()
        homework = Homework.objects.get(school_class=md.class_a1, subject=subject)
        assert (homework.content, homework.estimated_minutes) == (content, int(minutes))
        assert (homework.date.isoformat(), homework.created_by_id) == (date, teacher.pk)
        check_page(page, "teacher", "homework", "published")

        click_through(page, page.get_by_role("link", name="已发布的作业与家长查看链接"))
        assert page.get_by_role("row").filter(has_text=content).count() == 1
        card = page.get_by_role("listitem").filter(has=page.get_by_role("heading", name=str(md.class_a1)))
        if not board_url:  # the first time, the teacher makes the link; then it is there
            card.get_by_role("button", name="生成链接").click()
        link = page.get_by_role("link", name="/burden/board/")
        link.wait_for()
        board_url = link.get_attribute("href") or ""
        check_page(page, "teacher", "homework", "parent-link")

        # The board is what the parents open: today's homework with the day's written total.
        page.goto(board_url)
        assert md.school_a.name in page.get_by_role("heading", level=1).inner_text()
        day = page.locator("section").filter(has_text=content)
        assert day.count() == 1
        assert f"书面作业合计 {total} 分钟" in day.inner_text()
        assert subject in day.inner_text() and f"约{minutes}分钟" in day.inner_text()
        check_page(page, "teacher", "homework", "board")
        page.context.close()


def test_teacher_copies_the_parent_link_on_a_phone(
    live_server: Any, browser: Any, district: MiniDistrict
) -> None:
    md = district
    teacher = md.users[Role.TEACHER]
    board = burden_services.class_board_ensure(actor=teacher, school_class=md.class_a1)
    url = f"{live_server.url}/burden/board/{board.token}/"
    for screen in ((360, 740), PHONE):
        width = screen[0]
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
        check_page(page, "teacher", "parent-link", "card")
        page.context.close()
