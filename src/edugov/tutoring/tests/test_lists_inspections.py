"""The white list follows its rules (an institution with violations cannot stand on it, and leaves
it when one is recorded); inspections name two officers or more, picked among those who may inspect
there, and the inspection form finds the institution by a scoped search."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from edugov.accounts.models import Role
from edugov.common.errors import DomainError
from edugov.testing import login, make_mini_district, make_user
from edugov.tutoring import selectors, services
from edugov.tutoring.models import Inspection, Institution

from .factories import make_institution, officer

pytestmark = pytest.mark.django_db

D = dt.date(2025, 9, 1)


@pytest.fixture
def md():
    return make_mini_district()


@pytest.fixture
def px(md):
    return officer(md)


def over_limit_order(px, inst):
    # 6,000 yuan at once: over the 5,000 yuan cap, recorded and flagged
    return services.order_create(
        actor=px, institution=inst, data={"pupil_name": "小明", "lessons": 20, "amount": Decimal("6000"),
                                          "paid_on": D},
    )  # fmt: skip


def test_white_list_refused_while_violations_are_on_record(md, px):
    inst = make_institution(md, px)
    over_limit_order(px, inst)
    assert services.violation_count(inst) == 1
    with pytest.raises(DomainError, match="不能列入白名单：有1条违规记录"):
        services.institution_set_list(institution=inst, actor=px, list_status="white", reason="年检合格")
    inst.refresh_from_db()
    assert inst.list_status == ""


def test_a_violation_takes_an_institution_off_the_white_list(client, md, px):
    inst = make_institution(md, px, name="晨光美术培训中心")
    services.institution_set_list(institution=inst, actor=px, list_status="white", reason="年检合格")
    assert selectors.dashboard(user=px, today=D)["white"] == 1
    over_limit_order(px, inst)  # the violation the page showed beside the white-list badge
    inst.refresh_from_db()
    assert inst.list_status == "" and "移出白名单：有1条违规记录" in inst.list_reason
    assert selectors.dashboard(user=px, today=D)["white"] == 0
    # the public page and the internal list say the same thing
    page = client.get(reverse("tutoring:public_detail", args=[inst.pk])).content.decode()
    assert 'badge ok">白名单' not in page and "移出白名单" in page
    login(client, px)
    listed = client.get(reverse("tutoring:institution_list"), {"list_status": "white"}).content.decode()
    assert "晨光美术培训中心" not in listed


def test_suspension_takes_an_institution_off_the_white_list(md, px):
    inst = make_institution(md, px)
    services.institution_set_list(institution=inst, actor=px, list_status="white", reason="年检合格")
    services.institution_transition(institution=inst, actor=px, to_status="suspended", reason="消防隐患")
    inst.refresh_from_db()
    assert inst.list_status == "" and "未处于“已取得许可”状态" in inst.list_reason


def test_inspection_needs_two_officers_who_may_inspect_there(md, px):
    inst = make_institution(md, px)
    data = {"institution": inst, "inspected_on": D, "findings": "证照齐全", "compliant": True}
    with pytest.raises(DomainError, match=r"2名以上检查人员.*行政处罚法.*当前1名"):
        services.inspection_record(actor=px, data={**data, "inspectors": [px]})
    teacher = md.users[Role.TEACHER]
    with pytest.raises(DomainError, match="不在您的管辖范围内"):
        services.inspection_record(actor=px, data={**data, "inspectors": [px, teacher]})
    town_b_officer = make_user(Role.DEPARTMENT_OFFICER, area=md.town_b, department=px.department)
    with pytest.raises(DomainError, match="不在您的管辖范围内"):  # town B's officer does not cover town A
        services.inspection_record(actor=px, data={**data, "inspectors": [px, town_b_officer]})
    second = officer(md)
    insp = services.inspection_record(actor=px, data={**data, "inspectors": [px, second, px]})
    assert set(insp.inspectors.all()) == {px, second} and insp.inspector == px
    # planned only: the officers may be named later
    planned = services.inspection_record(actor=px, data={"institution": inst, "planned_on": D})
    assert planned.inspectors.count() == 0


def test_inspection_page_picks_by_search_and_shows_the_officers(client, md, px):
    second = officer(md)
    for n in range(30):
        make_institution(md, px, name=f"测试机构{n:03d}")
    target = make_institution(md, px, name="启明星科技培训部")
    other_district = Institution.objects.exclude(area__path__startswith=md.district.path)
    assert not other_district.exists()
    login(client, px)
    pick = reverse("tutoring:institution_pick")
    html = client.get(pick, {"institution_q": "启明"}).content.decode()
    assert f'value="{target.pk}"' in html and html.count('type="radio"') == 1
    assert "未找到" in client.get(pick, {"institution_q": "不存在的机构"}).content.decode()
    many = client.get(pick, {"institution_q": "测试机构"}).content.decode()
    assert many.count('type="radio"') == 20 and "仅显示前20条" in many
    page = client.get(reverse("tutoring:inspection_list")).content.decode()
    assert '<select name="institution"' not in page  # no 300-name dropdown: a search box
    assert 'name="institution_q"' in page
    r = client.post(
        reverse("tutoring:inspection_list"),
        {"what": "inspection", "institution": target.pk, "inspected_on": "2025-09-01", "findings": "证照齐全",
         "compliant": "true", "inspectors": [px.pk]},
    )  # fmt: skip
    assert r.status_code == 200 and "2名以上检查人员" in r.content.decode()
    assert "启明星科技培训部" in r.content.decode()  # the pick survives the error
    r = client.post(
        reverse("tutoring:inspection_list"),
        {"what": "inspection", "institution": target.pk, "inspected_on": "2025-09-01", "findings": "证照齐全",
         "compliant": "true", "inspectors": [px.pk, second.pk]},
    )  # fmt: skip
    assert r.status_code == 302
    insp = Inspection.objects.get()
    assert set(insp.inspectors.all()) == {px, second}
    page = client.get(reverse("tutoring:inspection_list")).content.decode()
    assert f"{px}、{second}" in page or f"{second}、{px}" in page
    # and in the supervision report's inspection records
    from edugov.tutoring.exports import supervision_report

    doc = supervision_report(actor=px, today=D, start=dt.date(2025, 1, 1), end=D)
    rows = next(sec.rows for sec in doc.sections if sec.key == "inspections")
    assert [r[:2] for r in rows] == [
        [dt.date(2025, 9, 1), "启明星科技培训部"]
    ]  # a date cell, printed 2025年9月1日
    assert set(rows[0][2].split("、")) == {str(px), str(second)}


def test_picker_is_scoped_and_refused_to_readers(client, md, px):
    make_institution(md, px, name="甲街道书法培训", town=md.town_a)
    make_institution(md, px, name="乙镇书法培训", town=md.town_b)
    town_a = officer(md)
    town_a.area = md.town_a
    town_a.save()
    login(client, town_a)
    html = client.get(reverse("tutoring:institution_pick"), {"institution_q": "书法"}).content.decode()
    assert "甲街道书法培训" in html and "乙镇书法培训" not in html
    login(client, md.users[Role.LEADER])
    assert client.get(reverse("tutoring:institution_pick"), {"institution_q": "书法"}).status_code == 403


def test_violation_rows_read_the_shown_columns_only(md, px, django_assert_num_queries, monkeypatch):
    """The violations list: one row per recorded violation, dated in Chinese, in one query per
    source (courses, sessions, orders, staff) and never decrypting an order's pupil fields."""
    from edugov.common import fields

    inst = make_institution(md, px, name="晨光美术培训中心")
    order = over_limit_order(px, inst)

    def refuse(*args, **kwargs):
        raise AssertionError("an encrypted field was decrypted")

    monkeypatch.setattr(fields, "decrypt_value", refuse)
    with django_assert_num_queries(4):
        rows = selectors.violation_rows(user=px)
    assert [(r.institution_id, r.institution, r.what, r.when) for r in rows] == [
        (inst.pk, "晨光美术培训中心", f"收费订单{order.pk}", "2025年9月1日")
    ]
    assert "5000" in rows[0].message or "5,000" in rows[0].message
