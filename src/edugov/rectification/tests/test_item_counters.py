""" "我的整改" counters count the same items as the list below them: every status is in one group."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from edugov.accounts.models import Role
from edugov.rectification import services
from edugov.rectification.models import ItemStatus
from edugov.testing import login

from .conftest import pdf

pytestmark = pytest.mark.django_db


def _counters(page: str) -> dict[str, int]:
    stats = page.split('id="item-counts"', 1)[1].split("</div>\n<", 1)[0]
    pairs = re.findall(r'<span class="label">([^<]+)</span>\s*<strong>(\d+)</strong>', stats)
    return {label: int(n) for label, n in pairs}


def test_counters_sum_to_the_list_length(client, district, make_item):
    officer, school = district.users[Role.DEPARTMENT_OFFICER], district.users[Role.SCHOOL_ADMIN]
    far = timezone.localdate() + dt.timedelta(days=60)
    made = {s: make_item(title=f"问题-{s}", deadline=far, now=None) for s in ItemStatus.values}
    for status, item in made.items():
        if status == ItemStatus.OPEN:
            continue
        services.item_assign(item=item, actor=officer, deadline=far)
        if status == ItemStatus.ASSIGNED:
            continue
        services.item_start(item=item, actor=school)
        if status == ItemStatus.IN_RECTIFICATION:
            continue
        services.item_submit_evidence(item=item, actor=school, comment="材料", files=[pdf()])
        if status == ItemStatus.RETURNED:
            services.item_return(item=item, actor=officer, comment="材料不全")
        elif status == ItemStatus.CLOSED:
            services.item_verify(item=item, actor=officer)
    for status, item in made.items():
        item.refresh_from_db()
        assert item.status == status
    make_item(title="乙校问题", school=district.school_b, deadline=far, now=None)  # not school A's

    login(client, school)
    page = client.get(reverse("rectification:my_items")).content.decode()
    listed = page.count('<td data-label="编号">')
    assert listed == len(ItemStatus.values) == 6
    counters = _counters(page)
    # 待交办 1 (open); 整改中 3 (assigned, in rectification, returned); 待核验 1; 已销号 1
    assert counters == {"待交办": 1, "整改中": 3, "待核验": 1, "已销号": 1}
    assert sum(counters.values()) == listed

    # Filtered, the counters follow the list.
    page = client.get(reverse("rectification:my_items"), {"status": "returned"}).content.decode()
    assert page.count('<td data-label="编号">') == sum(_counters(page).values()) == 1

    # Filtering through HTMX swaps the counters too (out of band), with the same figures.
    part = client.get(reverse("rectification:my_items"), {"status": "returned"}, HTTP_HX_REQUEST="true")
    part_html = part.content.decode()
    assert 'hx-swap-oob="true"' in part_html
    assert part_html.count('<td data-label="编号">') == sum(_counters(part_html).values()) == 1
