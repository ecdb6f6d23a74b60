"""School safety in headless Chromium, on a phone (390 px) and a desktop (1366 px), as each role that
uses it: the safety officer watches the cockpit and the coverage page, corrects a water's
coordinates, confirms a parent's report and records its reward paid; a school administrator
records a hazard, which becomes a rectification item; the head teacher confirms the day's
reminder; the leader reads the cockpit and the coverage; a parent acknowledges the reminder from
the class's link and reports a pond. Every page fits the screen and passes axe-core (serious and
critical); screenshots are kept as test artifacts (tests/browser/helpers.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from edugov.accounts.models import Role
from edugov.safety import channels, services
from edugov.safety.models import (
    Acknowledgement,
    ClassReminder,
    DangerousWater,
    Hazard,
    WaterReport,
    WaterReportPayment,
)
from edugov.testing import PASSWORD, MiniDistrict, make_user
from tests.browser.conftest import browser, district  # noqa: F401 (fixtures)
from tests.browser.helpers import BROWSER, SCREENS, check_page, click_through, follow_nav, new_page

pytestmark = BROWSER


def _safety_world(md: MiniDistrict) -> tuple[Any, ClassReminder, DangerousWater]:
    officer = make_user(Role.DEPARTMENT_OFFICER, area=md.district, department="safety")
    md.school_a.longitude, md.school_a.latitude = Decimal("116.400000"), Decimal("39.900000")
    md.school_a.save(update_fields=["longitude", "latitude"])
    today = timezone.localdate()
    holiday = services.holiday_schedule(
        actor=officer, area=md.district, name="国庆节", starts_on=today, ends_on=today + dt.timedelta(days=1)
    )
    services.reminders_send(day=holiday.days.get(date=today), via=channels.StubChannel())
    reminder = ClassReminder.objects.get(day__date=today, school_class=md.class_a1)
    water = DangerousWater.objects.create(
        area=md.town_a, school=md.school_a, name="甲村鱼塘", kind="pond", location="校东200米"
    )
    return officer, reminder, water


def login(page: Any, base: str, user: Any, to: str) -> None:
    """Sign in through the login form straight to the module's page (the link a notice carries),
    so the walk stays on school safety."""
    page.goto(f"{base}/accounts/login/?next={to}")
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.locator("form:not(.lang-switch) button[type=submit]").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def test_each_role_walks_school_safety(live_server: Any, browser: Any, district: MiniDistrict) -> None:  # noqa: F811
    md = district
    officer, reminder, water = _safety_world(md)
    base = live_server.url
    problems: list[str] = []

    def check(page: Any, role: str, step: str) -> None:
        try:
            check_page(page, role, "safety", step)
        except AssertionError as exc:
            problems.append(str(exc))

    for n, screen in enumerate(SCREENS, start=1):
        # a parent, no account: the class's link, then a report of a pond
        page = new_page(browser, screen, base)
        page.goto(f"{base}/safety/a/{reminder.token}/")
        check(page, "parent", "ack")
        page.get_by_label("学生编号").fill(f"A1-{n:02d}")
        click_through(page, page.get_by_role("button", name="我已阅读并将督促孩子遵守"))
        check(page, "parent", "acked")
        page.goto(f"{base}/safety/report/")
        check(page, "parent", "report")
        page.get_by_label("所在镇街").select_option(label="甲街道")
        page.get_by_label("地点").fill(f"甲村东侧鱼塘{n}")
        page.get_by_label("看到的情况").fill("鱼塘边没有警示牌，放学后有学生在塘边玩耍")
        click_through(page, page.get_by_role("button", name="提交举报"))
        check(page, "parent", "reported")
        page.context.close()

        # the head teacher confirms the day's reminder
        page = new_page(browser, screen, base)
        login(page, base, md.users[Role.TEACHER], "/safety/school/")
        follow_nav(page, "本校安全")
        check(page, "teacher", "school")
        if n == 1:
            click_through(page, page.get_by_role("button", name="确认已发送").first)
            check(page, "teacher", "confirmed")
        page.context.close()

        # the school administrator records a hazard
        page = new_page(browser, screen, base)
        login(page, base, md.users[Role.SCHOOL_ADMIN], "/safety/school/")
        follow_nav(page, "本校安全")
        check(page, "school", "school")
        page.get_by_label("排查类别").select_option(label="消防")
        page.get_by_label("发现的隐患").fill(f"东楼消防通道堆放杂物{n}")
        click_through(page, page.get_by_role("button", name="登记", exact=True))
        check(page, "school", "hazard")
        page.context.close()

        # the safety officer: cockpit, coverage, grid, waters, a water's coordinates, the report
        page = new_page(browser, screen, base)
        login(page, base, officer, "/safety/")
        follow_nav(page, "校园安全")
        check(page, "officer", "cockpit")
        page.get_by_label("奖励金额").first.fill("200")  # the parent's report, confirmed
        click_through(page, page.get_by_role("button", name="核实", exact=True).first)
        check(page, "officer", "report-confirmed")
        page.get_by_label("发放日期").first.fill(timezone.localdate().isoformat())
        page.get_by_label("凭证号").first.fill(f"JL-{n}")
        click_through(page, page.get_by_role("button", name="登记发放").first)
        check(page, "officer", "reward-paid")
        follow_nav(page, "假期提醒确认")
        check(page, "officer", "coverage")
        follow_nav(page, "安全网格")
        check(page, "officer", "grid")
        page.goto(f"{base}/safety/waters/")
        check(page, "officer", "waters")
        click_through(page, page.get_by_role("link", name="甲村鱼塘").first)
        check(page, "officer", "water")
        page.get_by_label("经度（东经）").fill("116.4032")
        page.get_by_label("纬度（北纬）").fill(f"39.90{n}")
        click_through(page, page.get_by_role("button", name="保存位置和坐标"))
        check(page, "officer", "water-saved")
        page.goto(f"{base}/safety/incidents/")
        check(page, "officer", "incidents")
        page.context.close()

        # the leader reads
        page = new_page(browser, screen, base)
        login(page, base, md.users[Role.LEADER], "/safety/")
        follow_nav(page, "校园安全")
        check(page, "leader", "cockpit")
        follow_nav(page, "假期提醒确认")
        check(page, "leader", "coverage")
        page.context.close()

    reminder.refresh_from_db()
    assert reminder.acks == 2 == Acknowledgement.objects.filter(reminder=reminder).count()
    assert reminder.confirmed_at is not None
    assert sorted(WaterReport.objects.values_list("status", "reward")) == [
        ("confirmed", Decimal("200.00")),
        ("confirmed", Decimal("200.00")),
    ]
    assert sorted(WaterReportPayment.objects.values_list("voucher", flat=True)) == ["JL-1", "JL-2"]
    assert Hazard.objects.filter(inspection__school=md.school_a, item_id__isnull=False).count() == 2
    water.refresh_from_db()
    assert (water.longitude, water.latitude) == (Decimal("116.403200"), Decimal("39.902000"))
    assert not problems, "\n".join(problems)
