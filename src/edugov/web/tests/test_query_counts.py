"""Query counts of the heavy pages, pinned (Zulip style): a page that starts asking one query more
fails here, and the count does not grow when every list gets more rows (an N+1 would).

Each page is read once before counting (the session and the per-process caches settle), then
counted on the mini district with two rows or more in every list, then counted again after
three more schools (two classes and a teacher each), rectification items, tutoring institutions
and homework entries, which the list pages must then show: the count must be the same. A change
that moves a count on purpose updates it here, with the reason in the commit."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from edugov.accounts.models import Department, Role, User
from edugov.burden.services import homework_publish
from edugov.rectification import services as rectification
from edugov.rectification.models import ItemSource, Severity, UnitKind
from edugov.registry.models import Grade, School, Teacher
from edugov.testing import MiniDistrict, login, make_class, make_mini_district, make_school, make_user
from edugov.tutoring.tests.factories import make_institution, operator_for

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Page:
    url_name: str
    user: str  # a key of World.users
    queries: int  # pinned
    shows: str = ""  # text of a grown row the page lists (so the growth is on the page)
    params: dict[str, str] = field(default_factory=dict)


PAGES = [
    # dashboards
    Page("web:home", Role.DISTRICT_ADMIN, 10),
    Page("web:home", Role.LEADER, 10),
    # landing pages (each role's cards, ModuleSpec.landing); the school's 优质均衡 card, which
    # evaluates the district on the engine, is fetched after the page (web:landing_card)
    Page("web:home", Role.SCHOOL_ADMIN, 11),
    Page("web:home", Role.TEACHER, 12),
    Page("web:home", Role.INSPECTOR, 6),
    Page("web:home", "operator", 10),
    Page("tutoring:dashboard", "tutoring", 15),
    # compliance
    # computed once per data generation and read scope with the questionnaires (2 queries) that
    # the school and 考试与课后服务 pages show from the same cached figures; a warm visit asks 8
    Page("burden:compliance", Role.DEPARTMENT_OFFICER, 17),
    # cold cache: each year's rows (five questions, the guarantee facts among them: the trend's
    # year is then as ready for its own evaluation as the current one) + the trend
    Page("resources:balanced", Role.DEPARTMENT_OFFICER, 23, "乙镇第2小学"),
    # battle map and board (the map's columns are the board)
    Page("rectification:battle_map", Role.DEPARTMENT_OFFICER, 10, "校门口安全隐患12"),
    Page("rectification:battle_map_data", Role.DEPARTMENT_OFFICER, 7, "校门口安全隐患12"),
    # lists
    Page("rectification:item_list", Role.DEPARTMENT_OFFICER, 7, "校门口安全隐患12"),
    Page("registry:school_list", Role.DISTRICT_ADMIN, 7, "乙镇第2小学"),
    Page("registry:class_list", Role.DISTRICT_ADMIN, 10, "乙镇第2小学"),
    Page("registry:teacher_list", Role.DISTRICT_ADMIN, 8, "新老师2"),
    Page("tutoring:institution_list", "tutoring", 6, "乙镇培训机构2"),
    Page("burden:homework_list", Role.SCHOOL_ADMIN, 7, "练习12"),
]


@dataclass
class World:
    d: MiniDistrict
    users: dict[str, User]
    grow: Callable[[], None]


def _item(d: MiniDistrict, school: School, n: int) -> Any:
    return rectification.item_create(
        actor=d.users[Role.DEPARTMENT_OFFICER],
        source=ItemSource.MANUAL,
        unit_kind=UnitKind.SCHOOL,
        unit_id=school.pk,
        title=f"校门口安全隐患{n}",
        required_action="一个月内完成整改",
        department=Department.BASIC_EDUCATION,
        deadline=timezone.localdate() + dt.timedelta(days=10 + n),
        severity=[Severity.LOW, Severity.MEDIUM, Severity.HIGH][n % 3],
    )


def _homework(d: MiniDistrict, n: int) -> None:
    teacher = d.users[Role.TEACHER]
    # school days of the mini district's 2025-2026 year: Monday 13 October 2025 onwards
    day = dt.date(2025, 10, 13) + dt.timedelta(days=n % 5 + 7 * (n // 5))
    homework_publish(
        actor=teacher,
        school_class=d.class_a1,
        subject=["语文", "数学", "英语", "科学", "道德与法治"][n % 5],
        date=day,
        homework_type="written",
        content=f"练习{n}",
        estimated_minutes=20,
    )


def _teacher(school: School, n: int) -> None:
    Teacher.objects.create(
        school=school,
        staff_number=f"N{n:03d}",
        name=f"新老师{n}",
        sex="M",
        id_number=f"3101011980010{n:03d}5"[:18],
        phone="13800001235",
    )


@pytest.fixture
def world() -> World:
    d = make_mini_district()
    users: dict[str, User] = dict(d.users)
    users["tutoring"] = make_user(
        Role.DEPARTMENT_OFFICER, area=d.district, department=Department.TUTORING_SUPERVISION
    )
    for n, school in enumerate([d.school_a, d.school_b]):
        _item(d, school, n)
    institutions = [make_institution(d, users["tutoring"]) for _ in range(2)]
    users["operator"] = operator_for(institutions[0])
    for n in range(2):
        _homework(d, n)
    _teacher(d.school_b, 99)
    serial = iter(range(100))

    def grow() -> None:
        for _ in range(3):
            k = next(serial)
            school = make_school(town=d.town_b, name=f"乙镇第{k}小学")
            for number in (1, 2):
                make_class(school=school, year=d.year, grade=Grade.G4, number=number)
            _item(d, school, 10 + k)
            make_institution(d, users["tutoring"], town=d.town_b, name=f"乙镇培训机构{k}")
            _teacher(school, k)
            _homework(d, 10 + k)

    return World(d, users, grow)


def _count(client: Any, page: Page) -> tuple[str, int]:
    url = reverse(page.url_name)
    client.get(url, page.params)  # settle the session and per-process caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, page.params)
    assert response.status_code == 200
    if response["Content-Type"].startswith("application/json"):
        return json.dumps(response.json(), ensure_ascii=False), len(queries)
    return response.content.decode(), len(queries)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: f"{p.url_name}:{p.user}")
def test_query_count_is_pinned_and_does_not_grow(client, world, page):
    login(client, world.users[page.user])
    body, before = _count(client, page)
    assert not page.shows or page.shows not in body
    world.grow()
    body, after = _count(client, page)
    assert page.shows in body  # the three new rows are on the page
    assert (before, after) == (page.queries, page.queries)
