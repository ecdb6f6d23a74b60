"""Each role's landing page in the browser (ModuleSpec.landing): the teacher's 发布作业 button opens
the entry form, on a phone and a desktop; the school's to-do, the institution's status and the
inspector's visit plan on a phone; each page without sideways scrolling and axe-clean."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.utils import timezone

from edugov.accounts.models import Department, Role
from edugov.rectification import services as rectification
from edugov.rectification.models import ItemSource, UnitKind
from edugov.supervision import services as supervision
from edugov.testing import MiniDistrict
from edugov.tutoring.tests.factories import make_institution, operator_for

from .helpers import BROWSER, PHONE, SCREENS, check_page, login, new_page

pytestmark = BROWSER


def test_each_role_lands_on_its_own_cards(live_server: Any, browser: Any, district: MiniDistrict) -> None:
    md = district
    today = timezone.localdate()
    item = rectification.item_create(
        actor=md.users[Role.DEPARTMENT_OFFICER],
        source=ItemSource.MANUAL,
        unit_kind=UnitKind.SCHOOL,
        unit_id=md.school_a.pk,
        title="消防通道堵塞",
        required_action="清理通道并拍照上传",
        department=Department.BASIC_EDUCATION,
        deadline=today + dt.timedelta(days=3),
    )
    plan = supervision.plan_create(
        actor=md.users[Role.DISTRICT_ADMIN],
        title="本月责任督学挂牌督导",
        kind="routine",
        checklist_code="responsible_inspector",
        start_date=today - dt.timedelta(days=2),
        end_date=today + dt.timedelta(days=20),
        school_ids=[md.school_a.pk],
        inspector_ids=[md.users[Role.INSPECTOR].pk],
    )
    institution = make_institution(md, md.users[Role.DISTRICT_ADMIN], name="甲街道艺术培训中心")

    for screen in SCREENS:
        page = new_page(browser, screen, live_server.url)
        login(page, live_server.url, md.users[Role.TEACHER])
        main = page.get_by_role("main")
        assert main.get_by_role("heading", name="本周作业").is_visible()
        check_page(page, "teacher", "landing", "home", fits=True)
        main.get_by_role("link", name=re.compile(r"^发布(今日)?作业")).click()
        page.wait_for_url("**/burden/homework/new/")
        page.context.close()

    pages = {
        Role.SCHOOL_ADMIN: (md.users[Role.SCHOOL_ADMIN], "待办：整改事项", item.title),
        Role.INSTITUTION_OPERATOR: (operator_for(institution), "资金监管", institution.name),
        Role.INSPECTOR: (md.users[Role.INSPECTOR], "督导计划", plan.title),
    }
    for role, (user, heading, shown) in pages.items():
        page = new_page(browser, PHONE, live_server.url)
        login(page, live_server.url, user)
        main = page.get_by_role("main")
        assert main.get_by_role("heading", name=heading).is_visible()
        assert main.get_by_text(shown).first.is_visible()
        check_page(page, str(role), "landing", "home", fits=True)
        page.context.close()
