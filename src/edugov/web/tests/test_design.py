"""The design system's shell: the living style page, the sidebar (one entry highlighted, labels
unique, groups folded to fit a laptop screen) and the money, number, percent and date formats."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from edugov.accounts.models import Role
from edugov.testing import make_mini_district, make_user
from edugov.web.context_processors import navigation
from edugov.web.navigation import NAV_ITEMS, sidebar
from edugov.web.templatetags.edugov_format import cn_date, cn_datetime, money, number, percent


@pytest.fixture
def d():
    return make_mini_district()


@pytest.mark.django_db
def test_style_page_shows_every_component(client, d):
    client.force_login(d.users[Role.TEACHER])  # any role may read it
    body = client.get(reverse("web:style")).content.decode()
    for marker in (
        'class="button primary"',
        'class="button secondary"',
        'class="button danger"',
        'class="button link"',
        'class="badge ok"',
        'class="badge warn"',
        'class="badge danger"',
        'class="badge muted"',
        'class="filters"',
        'class="table-wrap scroll"',
        'class="empty"',
        "1,893,450.50 元",  # the money filter on the sample table
        "2026年12月5日",
        "同名学校已存在",  # the form's non-field error
        "errorlist",  # the field error list (在校生数 -3)
    ):
        assert marker in body, marker


@pytest.mark.django_db
def test_style_page_needs_a_login(client):
    response = client.get(reverse("web:style"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


ENTRIES = [
    ("问题整改", "我的整改", "/rectification/mine/"),
    ("问题整改", "问题清单", "/rectification/"),
    ("问题整改", "问题地图", "/rectification/map/"),
    ("基础信息", "学校", "/registry/schools/"),
    ("基础信息", "班级", "/registry/classes/"),
]


@pytest.mark.parametrize(
    ("path", "active"),
    [
        ("/", "首页"),
        ("/rectification/", "问题清单"),
        ("/rectification/mine/", "我的整改"),  # not also 问题清单, whose URL is a shorter prefix
        ("/rectification/map/boundaries/", "问题地图"),
        ("/rectification/items/12/", "问题清单"),
        ("/registry/schools/7/edit/", "学校"),
        ("/registry/schoolsx/", None),  # a prefix only counts at a path boundary
        ("/style/", None),
    ],
)
def test_exactly_one_entry_is_active(path, active):
    home, groups = sidebar(ENTRIES, path)
    lit = [e.label for e in [home] + [i for g in groups for i in g.items] if e.active]
    assert lit == ([active] if active else [])
    assert [g.label for g in groups if g.active] == [
        g.label for g in groups if any(i.active for i in g.items)
    ]


def test_groups_fold_when_they_do_not_fit():
    entries = [(f"组{g}", f"入口{g}-{i}", f"/m{g}/e{i}/") for g in range(6) for i in range(5)]
    _, groups = sidebar(entries, "/m4/e2/", rows=19)
    # home + 6 headings = 7 rows; the active group (5) claims 12, group 0 fits (17), the rest not
    assert [g.open for g in groups] == [True, False, False, False, True, False]
    rows = 1 + len(groups) + sum(len(g.items) for g in groups if g.open)
    assert rows <= 19
    _, all_open = sidebar(entries[:10], "/", rows=19)
    assert all(g.open for g in all_open)


def test_navigation_labels_are_unique():
    labels = [item.label for item in NAV_ITEMS]
    assert len(labels) == len(set(labels)), sorted(label for label in labels if labels.count(label) > 1)
    assert "挂图作战" not in labels  # the map is 问题地图; 挂图作战 is the key-task board's name


@pytest.mark.django_db
@pytest.mark.parametrize("role", [r for r in Role.values])
def test_each_role_sees_unique_labels_and_one_active_entry(rf, d, role):
    user = d.users.get(role) or make_user(role)
    request = rf.get("/rectification/mine/")
    request.user = user
    nav = navigation(request)
    labels = [nav["nav_home"].label] + [i.label for g in nav["nav_groups"] for i in g.items]
    assert len(labels) == len(set(labels))
    active = [i for g in nav["nav_groups"] for i in g.items if i.active] + [nav["nav_home"]] * nav[
        "nav_home"
    ].active
    assert len(active) <= 1


@pytest.mark.django_db
def test_the_page_highlights_one_sidebar_entry(client, d):
    client.force_login(d.users[Role.DISTRICT_ADMIN])
    body = client.get(reverse("registry:school_list")).content.decode()
    assert body.count('aria-current="page"') == 1
    assert 'class="active" aria-current="page">学校</a>' in body
    assert "lang-switch" not in body and "English" not in body


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (12345.5, "12,345.50 元"),
        (Decimal("1234567.005"), "1,234,567.01 元"),
        ("86000", "86,000.00 元"),
        (-0.001, "0.00 元"),
        (None, "—"),
        ("不是数字", "—"),
        (float("nan"), "—"),
    ],
)
def test_money(value, expected):
    assert money(value) == expected


def test_other_formats():
    assert money(1893450.5, 0) == "1,893,450 元" or money(1893450.5, 0) == "1,893,451 元"
    assert money(Decimal("2.5"), 0) == "3 元"  # half up, as accountants round
    assert number(31245) == "31,245" and number(1234.56, 1) == "1,234.6" and number("") == "—"
    assert number(150, -2) == "150" and number(12345.5, -2) == "12,345.50"
    assert percent(0.1234) == "12.3%" and percent(Decimal("0.5"), 0) == "50%" and percent(None) == "—"
    assert cn_date(dt.date(2026, 12, 5)) == "2026年12月5日" and cn_date("2027-01-09") == "2027年1月9日"
    assert cn_date("昨天") == "—"
    utc = dt.datetime(2026, 12, 5, 16, 30, tzinfo=dt.UTC)
    assert cn_datetime(utc) == "2026年12月6日 00:30"  # Asia/Shanghai
    assert cn_date(utc) == "2026年12月6日"
