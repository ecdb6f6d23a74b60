"""Complaints in their full shape: accept, refer, investigate, reply, rate, each a recorded and
audited step; deadlines from the standards library; overdue flags, filters and the dashboard count;
the parent's tracking page in plain words; "投诉该机构" preselecting the institution."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from edugov.audit.models import AuditEvent
from edugov.common.errors import DomainError
from edugov.testing import login, make_mini_district
from edugov.tutoring import rules, selectors, services
from edugov.tutoring.models import Complaint, ComplaintStep

from .factories import make_institution, officer

pytestmark = pytest.mark.django_db

D1 = dt.date(2025, 9, 1)


@pytest.fixture
def md():
    return make_mini_district()


@pytest.fixture
def px(md):
    return officer(md)


@pytest.fixture
def inst(md, px):
    return make_institution(md, px, name="阳光艺术培训中心")


def submit(inst: Any, *, on: dt.date = D1, topic: str = "退费纠纷") -> Complaint:
    return services.complaint_submit(
        data={
            "institution": inst,
            "topic": topic,
            "content": "退费申请两周无人处理",
            "contact_name": "王女士",
            "contact_phone": "13900001111",
        },
        today=on,
    )


def investigate(px: Any, c: Complaint, on: dt.date) -> None:
    services.complaint_investigate(
        actor=px, complaint=c, investigators="张三、李四", investigated_on=on, findings="属实", today=on
    )


def test_every_step_is_recorded_with_actor_time_and_audit(md, px, inst):
    c = submit(inst)
    assert (c.status, c.accept_deadline, c.deadline) == ("new", dt.date(2025, 9, 4), dt.date(2025, 9, 19))
    c = services.complaint_accept(actor=px, complaint=c, today=dt.date(2025, 9, 3))
    # the reply deadline runs from acceptance: 3 Sept + 15 days
    assert (c.status, c.accepted_on, c.deadline, c.assignee) == ("assigned", dt.date(2025, 9, 3),
                                                                dt.date(2025, 9, 18), px)  # fmt: skip
    c = services.complaint_refer(actor=px, complaint=c, area=md.town_a, note="请属地核查")
    assert (c.status, c.referred_to, c.referred_area) == ("referred", "甲街道教育办", md.town_a)
    services.complaint_investigate(
        actor=px, complaint=c, investigators="张三、李四", investigated_on=dt.date(2025, 9, 5),
        findings="机构承认拖欠退费", evidence="收费凭证2张", today=dt.date(2025, 9, 6),
    )  # fmt: skip
    c = services.complaint_reply(
        actor=px, complaint=c, reply="已责令机构七日内退费", today=dt.date(2025, 9, 8)
    )
    assert (c.status, c.replied_on) == ("replied", dt.date(2025, 9, 8))
    c = services.complaint_rate(tracking_code=c.tracking_code, rating=5)
    assert (c.status, c.rating) == ("closed", 5)

    events = list(c.events.order_by("at", "pk"))
    assert [e.step for e in events] == ["submit", "accept", "refer", "investigate", "reply", "rate"]
    assert [e.actor for e in events] == [None, px, px, px, px, None]
    inv = events[3]
    assert (inv.investigators, inv.investigated_on, inv.findings, inv.evidence) == (
        "张三、李四", dt.date(2025, 9, 5), "机构承认拖欠退费", "收费凭证2张",
    )  # fmt: skip
    assert events[2].referred_to == "甲街道教育办"
    audited = AuditEvent.objects.filter(model="tutoring.Complaint", object_id=str(c.pk))
    # the creation, one update per bureau step (accept, refer, investigate, reply) and the rating
    assert audited.count() == 6
    steps = [e.changes.get("step") for e in audited.order_by("pk")]
    assert steps == [None, [None, "受理"], [None, "转办"], [None, "调查核实"], [None, "答复"], None]


@pytest.mark.parametrize(
    ("prepare", "step", "call"),
    [
        ("new", "reply", lambda px, c: services.complaint_reply(actor=px, complaint=c, reply="已处理")),
        ("new", "refer", lambda px, c: services.complaint_refer(actor=px, complaint=c, referred_to="甲镇")),
        ("accepted", "reply", lambda px, c: services.complaint_reply(actor=px, complaint=c, reply="已处理")),
        ("accepted", "refer", lambda px, c: services.complaint_refer(actor=px, complaint=c)),
        ("accepted", "investigate", lambda px, c: services.complaint_investigate(
            actor=px, complaint=c, investigators="张三、李四", investigated_on=dt.date(2025, 8, 31),
            findings="属实", today=dt.date(2025, 9, 2))),
        ("accepted", "investigate", lambda px, c: services.complaint_investigate(
            actor=px, complaint=c, investigators="", investigated_on=D1, findings="属实", today=D1)),
        ("accepted", "accept", lambda px, c: services.complaint_accept(actor=px, complaint=c)),
    ],
)  # fmt: skip
def test_steps_out_of_order_or_incomplete_are_refused_in_chinese(px, inst, prepare, step, call):
    c = submit(inst)
    if prepare == "accepted":
        services.complaint_accept(actor=px, complaint=c, today=D1)
    before = c.events.count()
    with pytest.raises(DomainError) as exc:
        call(px, c)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in exc.value.message)
    assert c.events.count() == before


def test_reply_needs_an_investigation_on_record(px, inst):
    c = submit(inst)
    services.complaint_accept(actor=px, complaint=c, today=D1)
    with pytest.raises(DomainError, match="调查核实"):
        services.complaint_reply(actor=px, complaint=c, reply="已处理")


def test_deadlines_come_from_the_standards_library():
    limits = rules.complaint_limits()
    assert (limits.accept_days, limits.handle_days) == (3, 15)


@pytest.mark.parametrize(
    ("status", "accept_by", "deadline", "today", "expected"),
    [
        ("new", dt.date(2025, 9, 4), dt.date(2025, 9, 19), dt.date(2025, 9, 4), ""),  # on the day: in time
        ("new", dt.date(2025, 9, 4), dt.date(2025, 9, 19), dt.date(2025, 9, 5), "accept"),
        ("assigned", dt.date(2025, 9, 4), dt.date(2025, 9, 19), dt.date(2025, 9, 20), "handle"),
        ("referred", dt.date(2025, 9, 4), dt.date(2025, 9, 19), dt.date(2025, 9, 20), "handle"),
        ("assigned", dt.date(2025, 9, 4), dt.date(2025, 9, 19), dt.date(2025, 9, 10), ""),
        ("replied", dt.date(2025, 9, 4), dt.date(2025, 9, 19), dt.date(2025, 10, 30), ""),
        ("closed", dt.date(2025, 9, 4), dt.date(2025, 9, 19), dt.date(2025, 10, 30), ""),
    ],
)
def test_overdue_rule(status, accept_by, deadline, today, expected):
    assert rules.complaint_overdue(
        status=status, accept_deadline=accept_by, deadline=deadline, today=today
    ) == (expected)


@pytest.fixture
def spread(md, px, inst):
    """Four complaints on 1 Sept (town A's institution unless said): one waiting, one accepted, one
    referred, one replied; a fifth in town B, submitted 10 Sept, about another topic."""
    other = make_institution(md, px, town=md.town_b, name="乙镇科技培训部")
    waiting = submit(inst)
    accepted = submit(inst)
    services.complaint_accept(actor=px, complaint=accepted, today=D1)
    referred = submit(inst)
    services.complaint_accept(actor=px, complaint=referred, today=D1)
    services.complaint_refer(actor=px, complaint=referred, referred_to="甲街道综合执法队")
    replied = submit(inst)
    services.complaint_accept(actor=px, complaint=replied, today=D1)
    investigate(px, replied, D1)
    services.complaint_reply(actor=px, complaint=replied, reply="已处理", today=D1)
    late = submit(other, on=dt.date(2025, 9, 10), topic="违规培训")
    return {"waiting": waiting, "accepted": accepted, "referred": referred, "replied": replied, "late": late}


def test_list_annotation_and_counts_agree_with_the_rule(px, spread):
    today = dt.date(2025, 9, 20)  # accept deadlines 4 and 13 Sept passed; reply deadline 16 Sept passed
    rows = dict(selectors.complaint_list(user=px, today=today).values_list("pk", "overdue"))  # type: ignore[misc]
    for c in Complaint.objects.all():
        assert rows[c.pk] == rules.complaint_overdue(
            status=c.status, accept_deadline=c.accept_deadline, deadline=c.deadline, today=today
        )
    s = spread
    assert {k: rows[c.pk] for k, c in s.items()} == {
        "waiting": "accept", "accepted": "handle", "referred": "handle", "replied": "", "late": "accept",
    }  # fmt: skip
    counts = selectors.complaint_overdue_counts(user=px, today=today)
    assert counts == {"complaints_overdue_accept": 2, "complaints_overdue_handle": 2}
    d = selectors.dashboard(user=px, today=today)
    assert (d["complaints_overdue_accept"], d["complaints_overdue_handle"], d["complaints_open"]) == (2, 2, 4)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"status": "referred"}, {"referred"}),
        ({"overdue": "accept"}, {"waiting", "late"}),
        ({"overdue": "handle"}, {"accepted", "referred"}),
        ({"overdue": "any"}, {"waiting", "late", "accepted", "referred"}),
        ({"topic": "违规培训"}, {"late"}),
        ({"start": dt.date(2025, 9, 5)}, {"late"}),
        ({"end": dt.date(2025, 9, 5)}, {"waiting", "accepted", "referred", "replied"}),
        ({"town": "b"}, {"late"}),
        ({"institution": "a"}, {"waiting", "accepted", "referred", "replied"}),
    ],
)
def test_list_filters(md, px, inst, spread, filters, expected):
    kw = dict(filters)
    if kw.pop("town", None):
        kw["area_id"] = md.town_b.pk
    if kw.pop("institution", None):
        kw["institution_id"] = inst.pk
    qs = selectors.complaint_list(
        user=px, today=dt.date(2025, 9, 20), filters=selectors.ComplaintFilters(**kw)
    )
    names = {k for k, c in spread.items() if c.pk in set(qs.values_list("pk", flat=True))}
    assert names == expected


def test_list_page_filters_flags_and_bad_dates(client, md, px, spread):
    login(client, px)
    url = reverse("tutoring:complaint_list")
    html = client.get(url, {"overdue": "accept"}).content.decode()
    assert "受理超期" in html and "乙镇科技培训部" in html
    assert html.count(f'href="{reverse("tutoring:complaint_detail", args=[spread["replied"].pk])}"') == 0
    r = client.get(url, {"start": "2025-09-10", "end": "2025-09-01"})
    assert r.status_code == 200 and "截止日期不能早于起始日期" in r.content.decode()
    r = client.get(url, {"start": "昨天"})
    assert r.status_code == 200 and "日期" in r.content.decode()


def test_detail_page_takes_each_step(client, md, px, inst):
    c = submit(inst)
    login(client, px)
    url = reverse("tutoring:complaint_detail", args=[c.pk])
    html = client.get(url).content.decode()
    assert 'value="accept"' in html and 'value="reply"' not in html
    assert client.post(url, {"step": "accept"}).status_code == 302
    r = client.post(url, {"step": "reply", "reply": "已处理"})
    assert r.status_code == 200 and "答复前须先记录调查核实情况" in r.content.decode()
    step = {"step": "investigate", "investigators": "张三、李四", "findings": "属实"}
    r = client.post(url, {**step, "investigated_on": "2099-01-01"})
    assert r.status_code == 200 and "调查日期应在投诉提交日" in r.content.decode()
    submitted = c.submitted_on  # the refusal names the day the Chinese way
    assert f"（{submitted.year}年{submitted.month}月{submitted.day}日）至今天" in r.content.decode()
    today = timezone.localdate().isoformat()
    r = client.post(url, {**step, "investigated_on": today, "evidence": "询问笔录"})
    assert r.status_code == 302
    assert client.post(url, {"step": "reply", "reply": "已责令退费"}).status_code == 302
    html = client.get(url).content.decode()
    assert "调查人员：张三、李四" in html and "询问笔录" in html and str(px) in html
    c.refresh_from_db()
    assert c.status == "replied"


def test_tracking_page_shows_the_steps_in_plain_words(client, md, px, inst):
    cache.clear()
    c = submit(inst, on=timezone.localdate())
    services.complaint_accept(actor=px, complaint=c)
    services.complaint_refer(actor=px, complaint=c, referred_to="甲街道教育办")
    url = reverse("tutoring:public_complaint_track")
    html = client.get(url, {"code": c.tracking_code}).content.decode()
    for words in ("办理进度", "提交投诉", "您的投诉已提交", "教育局已受理您的投诉", "已转交甲街道教育办办理"):
        assert words in html
    assert str(px) not in html and "13900001111" not in html  # no staff names, no phone
    cache.clear()


def test_complaint_about_this_institution_needs_no_typing(client, md, px, inst):
    cache.clear()
    make_institution(md, px, name="阳光艺术培训中心", town=md.town_b)  # the same name in another town
    page = client.get(reverse("tutoring:public_detail", args=[inst.pk])).content.decode()
    link = f"{reverse('tutoring:public_complaint')}?institution={inst.pk}"
    assert link in page
    form = client.get(link).content.decode()
    assert "投诉对象" in form and "阳光艺术培训中心" in form and 'name="institution_name"' in form
    assert 'type="hidden" name="institution_name"' in form  # carried, not typed
    r = client.post(
        link,
        {"institution": inst.pk, "topic": "退费纠纷", "content": "退费申请两周无人处理，电话不接",
         "contact_name": "王女士", "contact_phone": "13900001111", "website": ""},
    )  # fmt: skip
    assert r.status_code == 200 and "查询码" in r.content.decode()
    c = Complaint.objects.get()
    assert (c.institution, c.area) == (inst, inst.area)  # the named one, not its namesake in town B
    assert c.events.get().step == ComplaintStep.SUBMIT
    cache.clear()


def test_api_steps(client, md, px, inst):
    c = submit(inst)
    login(client, px)
    base = f"/api/v1/tutoring/complaints/{c.pk}"
    assert client.post(f"{base}/reply/", {"reply": "x"}, content_type="application/json").status_code == 400
    assert client.post(f"{base}/accept/", {}, content_type="application/json").status_code == 200
    r = client.post(
        f"{base}/investigate/",
        {
            "investigators": "张三、李四",
            "investigated_on": timezone.localdate().isoformat(),
            "findings": "属实",
        },
        content_type="application/json",
    )
    assert r.status_code == 200 and [e["step"] for e in r.json()["events"]] == [
        "submit",
        "accept",
        "investigate",
    ]
    body = client.get(f"{base}/").json()
    assert body["status"] == "assigned" and body["overdue"] == "" and "contact_phone" not in body
