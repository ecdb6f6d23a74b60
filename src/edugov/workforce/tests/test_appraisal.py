"""Appraisal and allowances, worked by hand: the cap on 优秀 (floor of appraised × 20%), quotas
shared out with the rural tilt by largest remainder (and the ethics veto), the head-teacher
allowance (base + years + stars), the rural living allowance by tier, the 银龄 age limit."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from edugov.accounts.models import Role
from edugov.common.errors import DomainError, PermissionDenied
from edugov.registry.models import Teacher
from edugov.testing import login
from edugov.workforce import appraisal, ethics
from edugov.workforce.models import Appraisal, RemotenessTier
from edugov.workforce.tests.conftest import save

pytestmark = pytest.mark.django_db

HT = {
    "base": 300,
    "per_year": 20,
    "max_years": 15,
    "star1": 50,
    "star2": 100,
    "star3": 150,
    "star4": 200,
    "star5": 300,
}
RURAL = {"tier1": 200, "tier2": 400, "tier3": 600, "tier4": 800}


def test_formulas_by_hand():
    assert appraisal.excellent_cap(12, 20) == 2  # 2.4 rounded down
    assert appraisal.excellent_cap(5, 20) == 1 and appraisal.excellent_cap(4, 20) == 0
    assert appraisal.excellent_cap(10, 20) == 2  # exactly 2.0, not 1.99…
    assert appraisal.head_teacher_allowance(3, 2, HT) == 300 + 20 * 3 + 100 == 460
    assert appraisal.head_teacher_allowance(20, 5, HT) == 300 + 20 * 15 + 300 == 900  # years capped at 15
    assert appraisal.head_teacher_allowance(0, 0, HT) == 300
    assert appraisal.rural_allowance("rural", 3, RURAL) == 600
    assert appraisal.rural_allowance("rural", None, RURAL) == 200
    assert appraisal.rural_allowance("town", 3, RURAL) == 0
    # 5 shared by weights 13, 10, 4.4 (sum 27.4): exact 2.37, 1.82, 0.80 -> floors 2, 1, 0 and
    # the two left go to the largest remainders (.82, .80).
    assert appraisal.allocate(5, {1: 13, 2: 10, 3: 4.4}) == {1: 2, 2: 2, 3: 1}
    assert appraisal.allocate(3, {1: 0, 2: 0}) == {1: 0, 2: 0}


def _five(world: Any) -> list[Teacher]:
    """School A with five appraised teachers: 王, 李, 赵 and two more."""
    md = world.md
    for n in (4, 5):
        t = Teacher.objects.create(school=md.school_a, staff_number=f"T00{n}", name=f"教师{n}", sex="F")
        save(t, md.year, {"数学": 12})
    return list(Teacher.objects.filter(school=md.school_a).order_by("staff_number"))


def test_the_cap_on_excellent_and_bad_input_write_nothing(world):
    md = world.md
    t = _five(world)
    grades = {x.pk: "competent" for x in t}
    with pytest.raises(DomainError, match="参加考核5人，优秀不能超过1人（比例上限20%），本次将达到2人"):
        appraisal.appraisal_save(
            actor=world.personnel,
            school=md.school_a,
            year=md.year,
            grades=grades | {t[0].pk: "excellent", t[1].pk: "excellent"},
        )
    with pytest.raises(DomainError, match="考核等次"):
        appraisal.appraisal_save(
            actor=world.personnel, school=md.school_a, year=md.year, grades=grades | {t[0].pk: "good"}
        )
    with pytest.raises(DomainError, match="没有师资档案"):
        appraisal.appraisal_save(
            actor=world.personnel, school=md.school_a, year=md.year, grades={world.teacher_b.pk: "competent"}
        )
    with pytest.raises(PermissionDenied):
        appraisal.appraisal_save(actor=md.users[Role.LEADER], school=md.school_a, year=md.year, grades=grades)
    assert Appraisal.objects.count() == 0
    saved = appraisal.appraisal_save(
        actor=md.users[Role.SCHOOL_ADMIN],
        school=md.school_a,
        year=md.year,
        grades=grades | {t[0].pk: "excellent"},
    )
    assert len(saved) == 5
    # A second 优秀 later is still over the cap (the school's results are counted together).
    with pytest.raises(DomainError, match="本次将达到2人"):
        appraisal.appraisal_save(
            actor=world.personnel, school=md.school_a, year=md.year, grades={t[1].pk: "excellent"}
        )
    [row] = appraisal.appraisal_summary(actor=world.personnel, year=md.year)
    assert (row.appraised, row.excellent, row.cap, row.grades) == (5, 1, 1, {"优秀": 1, "合格": 4})


def test_quotas_tilt_to_rural_and_skip_the_vetoed(world):
    md = world.md
    # 在编: school A (urban) 王 and 赵 (李 is on contract) = 2; school B (town, tilt 0.1) 钱 = 1.
    # 3 shared by 2 and 1.1: exact 1.94 and 1.06 -> floors 1, 1; the one left to A (.94).
    rows = {
        r.school_name: r for r in appraisal.quota_allocation(actor=world.personnel, year=md.year, total=3)
    }
    assert (rows["甲街道第一小学"].allocated, rows["乙镇中心小学"].allocated) == (2, 1)
    assert rows["乙镇中心小学"].why == "在编且无师德否决的教师1人×（1＋0.1）＝权重1.1；按权重应得1.06个"
    # 王 vetoed: A has 1 eligible; 3 shared by 1 and 1.1: exact 1.43 and 1.57 -> B gets the one left.
    incident = ethics.incident_create(
        actor=world.personnel, teacher=md.teacher_a, school_year=md.year, category="care",
        occurred_on=dt.date(2025, 9, 9), summary="体罚学生", today=dt.date(2025, 11, 1),
    )  # fmt: skip
    ethics.incident_decide(actor=world.personnel, incident=incident, confirmed=True, handling="warning")
    rows = {
        r.school_name: r for r in appraisal.quota_allocation(actor=world.personnel, year=md.year, total=3)
    }
    assert (rows["甲街道第一小学"].allocated, rows["乙镇中心小学"].allocated) == (1, 2)
    for bad in ("0", "abc", "1001", ""):
        with pytest.raises(DomainError, match="指标总数应为1～1000之间的整数"):
            appraisal.quota_allocation(actor=world.personnel, year=md.year, total=bad)


def test_allowances_and_the_silver_age_limit(world):
    md = world.md
    world.records["a"].head_teacher_stars = 2
    world.records["a"].save()
    rows = {r.school_name: r for r in appraisal.allowances(actor=world.personnel, year=md.year)}
    a = rows["甲街道第一小学"]  # 王: 3 years, 2 stars -> 300 + 60 + 100; an urban school: no rural allowance
    assert (a.head_teachers, a.head_teacher_monthly, a.rural_each, a.monthly) == (1, 460, 0, 460)
    # A teacher of the programme born 1959-01 is 66 in 2025-11: over the limit of 65.
    t = Teacher.objects.create(school=md.school_a, staff_number="S001", name="银龄教师", sex="M")
    save(t, md.year, {"语文": 10}, employment_type="retired_programme", birth_year=1959, birth_month=1)
    limit, silver = appraisal.silver_programme(
        actor=world.personnel, year=md.year, today=dt.date(2025, 11, 1)
    )
    assert limit == 65 and [(s.record.teacher.name, s.age, s.over_limit) for s in silver] == [
        ("银龄教师", 66, True)
    ]


def test_rural_tier_and_the_page(world):
    md = world.md
    with pytest.raises(DomainError, match="只有乡村学校分档"):
        appraisal.tier_set(actor=world.personnel, school=md.school_a, tier=2)
    assert RemotenessTier.objects.count() == 0
    client = login(Client(), md.users[Role.LEADER])
    html = client.get("/workforce/appraisal/?year=2025&quota=3").content.decode()
    assert "评优评先和职称指标分配" in html and "按权重应得" in html and "460" not in html
    r = client.get("/workforce/appraisal/?year=2025&quota=abc")
    assert r.status_code == 400 and "指标总数应为1～1000之间的整数" in r.content.decode()
    assert login(Client(), md.users[Role.TEACHER]).get("/workforce/appraisal/").status_code == 403
