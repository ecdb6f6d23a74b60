"""Job 1 in the browser, on a phone and a desktop: a teacher signs in, publishes today's written
homework for their class from their landing page, makes the class's parent link and opens the
class board, where the homework and the day's written total appear."""

from __future__ import annotations

from typing import Any

import pytest

from edugov.accounts.models import Role
from edugov.burden.models import Homework
from edugov.testing import MiniDistrict

from .helpers import BROWSER, SCREEN_IDS, SCREENS, check_page, follow_nav, login, new_page

pytestmark = BROWSER

CONTENT = "练习册第12页：分数加减法，订正昨天的错题"


@pytest.mark.parametrize("screen", SCREENS, ids=SCREEN_IDS)
def test_teacher_publishes_homework_and_sees_it_on_the_board(
    live_server: Any, browser: Any, district: MiniDistrict, screen: tuple[int, int]
) -> None:
    md = district
    teacher = md.users[Role.TEACHER]
    page = new_page(browser, screen, live_server.url)
    login(page, live_server.url, teacher)
    check_page(page, "teacher", "homework", "landing", fits=True)

    follow_nav(page, "发布作业")
    page.wait_for_url("**/burden/homework/new/")
    # The one class the teacher teaches is chosen already; written homework is the default kind.
    assert page.get_by_role("radio", name=f"{md.class_a1} 语文").is_checked()
    assert page.get_by_role("radio", name="书面作业").is_checked()
    page.get_by_role("button", name="20", exact=True).click()
    assert page.get_by_label("预计用时（分钟）").input_value() == "20"
    page.get_by_label("作业内容").fill(CONTENT)
    date = page.get_by_label("日期").input_value()  # the last school day up to today
    check_page(page, "teacher", "homework", "form", fits=True)
    page.get_by_role("button", name="发布", exact=True).click()

    notice = page.get_by_text("已发布：")
    notice.wait_for()
    assert f"{md.class_a1} 语文 书面作业 20分钟" in notice.inner_text()
    assert "书面作业合计20分钟" in notice.inner_text()
    homework = Homework.objects.get(school_class=md.class_a1)
    assert (homework.content, homework.estimated_minutes, homework.date.isoformat()) == (CONTENT, 20, date)
    assert homework.created_by_id == teacher.pk
    check_page(page, "teacher", "homework", "published", fits=True)

    page.get_by_role("link", name="已发布的作业与家长查看链接").click()
    listed = page.get_by_role("row").filter(has_text=CONTENT)
    assert listed.count() == 1 and "语文" in listed.inner_text()
    card = page.locator("li").filter(has=page.get_by_role("heading", name=str(md.class_a1)))
    card.get_by_role("button", name="生成链接").click()
    link = page.get_by_role("link", name="/burden/board/")
    link.wait_for()
    board_url = link.get_attribute("href")
    check_page(page, "teacher", "homework", "parent-link", fits=True)

    # The board is what the parents open: no login, today's homework with the day's total.
    page.goto(board_url)
    assert md.school_a.name in page.get_by_role("heading", level=1).inner_text()
    day = page.locator("section").filter(has_text=CONTENT)
    assert day.count() == 1
    assert "书面作业合计 20 分钟" in day.inner_text()
    assert "语文" in day.inner_text() and "约20分钟" in day.inner_text()
    check_page(page, "teacher", "homework", "board", fits=True)
    page.context.close()
