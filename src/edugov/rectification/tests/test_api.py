"""The rectification API under bad numbers: an id too large for the database, in a body, a query
string or a URL, is answered in Chinese (400, or 404 for a row that cannot exist), never a 500, and
writes nothing. The supervision plan list is paged in a stable order."""

from __future__ import annotations

import datetime as dt
import warnings
from typing import Any

import pytest
from django.utils import timezone

from edugov.accounts.models import Role
from edugov.audit.models import AuditEvent
from edugov.common.errors import DomainError
from edugov.rectification import liaison, strategy
from edugov.rectification.models import (
    LeaderVisit,
    Milestone,
    RectificationItem,
)
from edugov.supervision import services as supervision
from edugov.supervision.models import SupervisionPlan, SupervisionVisit
from edugov.testing import login

from .conftest import goal_and_task

pytestmark = pytest.mark.django_db

HUGE = 99999999999999999999  # beyond a 64-bit integer
API = "/api/v1/rectification"
SUPERVISION_API = "/api/v1/supervision"


def _url(path: str) -> str:
    """A path of the rectification API, or an absolute one (supervision's own API)."""
    return path if path.startswith("/") else f"{API}/{path}"


@pytest.fixture
def work(district):  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    admin = district.users[Role.DISTRICT_ADMIN]
    _, task = goal_and_task(district, started=today - dt.timedelta(days=10))
    milestone = strategy.milestone_create(
        user=admin,
        task=task,
        title="制定方案",
        start_date=task.start_date,
        deadline=today + dt.timedelta(days=20),
    )
    plans = [
        supervision.plan_create(
            actor=admin,
            title=title,
            kind="routine",
            checklist_code="responsible_inspector",
            start_date=today - dt.timedelta(days=days),
            end_date=today + dt.timedelta(days=5),
            school_ids=[district.school_a.pk, district.school_b.pk],
            inspector_ids=[district.users[Role.INSPECTOR].pk],
        )
        for title, days in (("秋季挂牌督导", 5), ("开学专项督导", 9), ("食堂专项督导", 1))
    ]
    return {"today": today, "task": task, "milestone": milestone, "plan": plans[0], "plans": plans}


def _rows() -> tuple[int, ...]:
    return (
        RectificationItem.objects.count(),
        LeaderVisit.objects.count(),
        SupervisionVisit.objects.count(),
        SupervisionPlan.objects.count(),
        AuditEvent.objects.filter(model__startswith="rectification.").count(),
        *Milestone.objects.values_list("progress", flat=True),
    )


def _item_body(district: Any, work: Any) -> dict[str, Any]:
    return {
        "source": "complaint",
        "unit_kind": "school",
        "unit_id": district.school_a.pk,
        "title": "家长投诉收费",
        "required_action": "核查并退费",
        "department": "basic_education",
        "deadline": (work["today"] + dt.timedelta(days=10)).isoformat(),
    }


def _visit_body(district: Any, work: Any) -> dict[str, Any]:
    return {
        "visited_on": work["today"].isoformat(),
        "school_ids": [district.school_a.pk],
        "problems": [
            {
                "school_id": district.school_a.pk,
                "title": "围墙破损",
                "required_action": "修复",
                "department": "safety",
                "deadline": (work["today"] + dt.timedelta(days=9)).isoformat(),
            }
        ],
    }


def _admin_visit_body(district: Any, work: Any) -> dict[str, Any]:
    return {**_visit_body(district, work), "leader_id": district.users[Role.LEADER].pk}


def _scores_body(district: Any, work: Any) -> dict[str, Any]:
    return {
        "plan": work["plan"].pk,
        "school": district.school_a.pk,
        "visited_on": work["today"].isoformat(),
        "entries": {"RI01": {"score": "8"}},
    }


def _problem(body: dict[str, Any], **change: Any) -> dict[str, Any]:
    return {**body, "problems": [{**body["problems"][0], **change}]}


UNKNOWN_UNIT = "责任单位不存在或不在您的数据范围内"

# who posts, to which URL, a valid body, the body with a huge number in it, and the answer's message
BODIES: dict[str, tuple[Any, str, Any, Any, str]] = {
    "item-unit_id": (
        Role.DEPARTMENT_OFFICER, "items/", _item_body, lambda b: {**b, "unit_id": HUGE}, UNKNOWN_UNIT,
    ),
    "item-unit_id-area": (
        Role.DEPARTMENT_OFFICER, "items/", _item_body,
        lambda b: {**b, "unit_kind": "area", "unit_id": HUGE}, UNKNOWN_UNIT,
    ),
    "item-unit_id-institution": (
        Role.DEPARTMENT_OFFICER, "items/", _item_body,
        lambda b: {**b, "unit_kind": "institution", "unit_id": HUGE}, UNKNOWN_UNIT,
    ),
    "item-unit_id-text": (
        Role.DEPARTMENT_OFFICER, "items/", _item_body, lambda b: {**b, "unit_id": str(HUGE)}, UNKNOWN_UNIT,
    ),
    "leader_visit-leader_id": (
        Role.DISTRICT_ADMIN, "leader-visits/", _admin_visit_body, lambda b: {**b, "leader_id": HUGE},
        "走访领导须为局领导账号",
    ),
    "leader_visit-leader_id-negative": (
        Role.DISTRICT_ADMIN, "leader-visits/", _admin_visit_body, lambda b: {**b, "leader_id": -HUGE},
        "走访领导须为局领导账号",
    ),
    "leader_visit-school_ids": (
        Role.LEADER, "leader-visits/", _visit_body, lambda b: {**b, "school_ids": [HUGE]}, UNKNOWN_UNIT,
    ),
    "leader_visit-school_ids-mixed": (
        Role.LEADER, "leader-visits/", _visit_body,
        lambda b: {**b, "school_ids": [b["school_ids"][0], HUGE]}, UNKNOWN_UNIT,
    ),
    "leader_visit-problem-school_id": (
        Role.LEADER, "leader-visits/", _visit_body, lambda b: _problem(b, school_id=HUGE),
        f"问题所属学校“{HUGE}”不在本次走访学校中",
    ),
    "supervision_visit-plan": (
        Role.INSPECTOR, "/api/v1/supervision/visits/", _scores_body, lambda b: {**b, "plan": HUGE},
        f"编号为 {HUGE} 的记录不存在或不在您的数据范围内",
    ),
    "supervision_visit-school": (
        Role.INSPECTOR, "/api/v1/supervision/visits/", _scores_body, lambda b: {**b, "school": HUGE},
        "该学校不在本督导计划中",
    ),
    "supervision_visit-score": (
        Role.INSPECTOR, "/api/v1/supervision/visits/", _scores_body,
        lambda b: {**b, "entries": {"RI01": {"score": str(HUGE)}}}, "检查项“RI01”的得分应在0～15之间",
    ),
    "milestone-progress": (
        Role.DISTRICT_ADMIN, "milestones/{milestone}/progress/", lambda d, w: {"progress": 50},
        lambda b: {"progress": HUGE}, "请确保该值小于或者等于 100",
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(BODIES))
def test_huge_number_in_a_body_is_a_chinese_400(client, district, work, case):  # type: ignore[no-untyped-def]
    who, path, valid, huge, message = BODIES[case]
    login(client, district.users[who])
    url = _url(path.format(milestone=work["milestone"].pk))
    before = _rows()
    r = client.post(url, huge(valid(district, work)), content_type="application/json")
    assert r.status_code == 400, r.content
    assert message in r.content.decode(), r.content.decode()
    assert _rows() == before
    # the same body with a sane number goes through: the 400 was the number's
    r = client.post(url, valid(district, work), content_type="application/json")
    assert r.status_code in (200, 201), r.content


def test_unknown_plan_in_a_body_is_a_400(client, district, work):  # type: ignore[no-untyped-def]
    """A reference in a body that names no plan (or one outside the scope) is bad input, not a
    missing page: 400, the same as for a number too large to be an id."""
    # An inspector may report visits; the plan below (school B only) is outside their town.
    login(client, district.users[Role.INSPECTOR])
    hidden = supervision.plan_create(
        actor=district.users[Role.DISTRICT_ADMIN],
        title="乙镇专项督导",  # school B only: outside the town-A inspector's scope
        kind="special",
        checklist_code="responsible_inspector",
        start_date=work["today"],
        end_date=work["today"],
        school_ids=[district.school_b.pk],
        inspector_ids=[district.users[Role.INSPECTOR].pk],
    )
    for pk in (hidden.pk, 999999):
        r = client.post(
            f"{SUPERVISION_API}/visits/",
            {**_scores_body(district, work), "plan": pk},
            content_type="application/json",
        )
        assert r.status_code == 400 and r.json() == {
            "plan": [f"编号为 {pk} 的记录不存在或不在您的数据范围内"]
        }


DETAIL_URLS = [
    "items/{n}/",
    "tasks/{n}/",
    "milestones/{n}/",
    "leader-visits/{n}/",
    "/api/v1/supervision/plans/{n}/",
    "/api/v1/supervision/plans/{n}/progress/",
    "/api/v1/supervision/visits/{n}/",
]


@pytest.mark.parametrize("path", DETAIL_URLS)
def test_huge_id_in_the_url_is_not_found(client, district, work, path):  # type: ignore[no-untyped-def]
    login(client, district.users[Role.DISTRICT_ADMIN])
    r = client.get(_url(path.format(n=HUGE)))
    assert r.status_code == 404 and r.json()["detail"] == "记录不存在，或不在您的数据范围内"


@pytest.mark.parametrize(
    ("path", "action", "body"),
    [
        ("items/{n}/transition/", "post", {"action": "start"}),
        ("milestones/{n}/progress/", "post", {"progress": 50}),
    ],
)
def test_huge_id_in_an_action_url_is_not_found(client, district, work, path, action, body):  # type: ignore[no-untyped-def]
    login(client, district.users[Role.DISTRICT_ADMIN])
    before = _rows()
    r = getattr(client, action)(_url(path.format(n=HUGE)), body, content_type="application/json")
    assert r.status_code == 404 and r.json()["detail"] == "记录不存在，或不在您的数据范围内"
    assert _rows() == before


LISTS = ["items/", "tasks/", "leader-visits/", "/api/v1/supervision/plans/", "/api/v1/supervision/visits/"]


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ({"page": HUGE}, 404, "页码无效"),
        ({"page": -HUGE}, 404, "页码无效"),
        ({"page_size": HUGE}, 200, ""),
        ({"page_size": -HUGE}, 200, ""),
    ],
    ids=["page", "page-negative", "page_size", "page_size-negative"],
)
def test_huge_number_in_a_query_string(client, district, work, path, query, status, message):  # type: ignore[no-untyped-def]
    login(client, district.users[Role.DISTRICT_ADMIN])
    r = client.get(_url(path), query)
    assert r.status_code == status, r.content
    assert message in r.json().get("detail", "")


def test_plan_list_is_paged_in_a_stable_order(client, district, work):  # type: ignore[no-untyped-def]
    login(client, district.users[Role.DISTRICT_ADMIN])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # DRF's UnorderedObjectListWarning included
        r = client.get(f"{SUPERVISION_API}/plans/", {"page_size": 2})
        rest = client.get(f"{SUPERVISION_API}/plans/", {"page_size": 2, "page": 2})
    assert r.status_code == 200 and rest.status_code == 200
    titles = [p["title"] for p in r.json()["results"] + rest.json()["results"]]
    # newest start first, as on the plan list page
    assert titles == ["食堂专项督导", "秋季挂牌督导", "开学专项督导"]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda d, w: liaison.liaison_set(user=_admin(d), leader_id=_leader(d), school_ids=[HUGE]),
            UNKNOWN_UNIT,
        ),
        (
            lambda d, w: supervision.plan_update(actor=_admin(d), plan=w["plan"], **_plan(d, schools=[HUGE])),
            UNKNOWN_UNIT,
        ),
        (
            lambda d, w: supervision.plan_update(
                actor=_admin(d), plan=w["plan"], **_plan(d, inspectors=[HUGE])
            ),
            "督学：请选择有效的督学账号",
        ),
    ],
    ids=["liaison_set-schools", "plan_update-schools", "plan_update-inspectors"],
)
def test_services_take_a_huge_id_for_an_unknown_one(district, work, call, message):  # type: ignore[no-untyped-def]
    """The pages check their ids before calling these services; the services hold on their own."""
    before = _rows()
    with pytest.raises(DomainError) as exc:
        call(district, work)
    assert exc.value.message == message
    assert _rows() == before


def _admin(district: Any) -> Any:
    return district.users[Role.DISTRICT_ADMIN]


def _leader(district: Any) -> int:
    return int(district.users[Role.LEADER].pk)


def _plan(district: Any, *, schools: Any = None, inspectors: Any = None) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "title": "秋季挂牌督导",
        "kind": "routine",
        "checklist_code": "responsible_inspector",
        "start_date": today - dt.timedelta(days=5),
        "end_date": today + dt.timedelta(days=5),
        "school_ids": schools or [district.school_a.pk],
        "inspector_ids": inspectors or [district.users[Role.INSPECTOR].pk],
    }
