"""The three sources read through other modules' public per-school selectors, worked by hand:
the 优质均衡 indicators met (resources), inspectors' score rate (supervision) and serving
teachers found on tutoring institutions' staff (tutoring)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from edugov.accounts.models import Role
from edugov.appraisal import inputs
from edugov.appraisal.sources import SourceContext, get_source
from edugov.rectification.findings import BureauReader
from edugov.resources.tests.test_balanced import district  # noqa: F401  (the 优质均衡 fixture)
from edugov.supervision import services as supervision
from edugov.testing import make_mini_district

pytestmark = pytest.mark.django_db
AS_OF = dt.datetime(2025, 12, 1, 12, tzinfo=dt.UTC)


def _ctx(d, ids, as_of=AS_OF):
    return SourceContext(
        reader=BureauReader(area=d.district), school_year=d.year, school_ids=tuple(ids), as_of=as_of
    )


@pytest.fixture
def md(db):
    return make_mini_district()


def test_the_new_sources_are_registered():
    assert get_source("balanced_met") is not None
    assert get_source("inspector_score") is not None
    tutoring = get_source("in_service_tutoring")
    assert tutoring is not None and tutoring.lower_is_better


def test_balanced_met(district):  # noqa: F811
    d = district
    values = inputs.balanced_met(_ctx(d, [d.school_a.pk, d.p2.pk]))
    # P1 meets all seven indicators: 7/7; P2 misses R4 (4.0 of 4.5): 6/7 = 85.71%
    assert values[d.school_a.pk].value == D("100.00")
    assert values[d.p2.pk].value == D("85.71")
    assert "7项中达标6项（小学达标）" in values[d.p2.pk].detail
    assert set(values) == {d.school_a.pk, d.p2.pk}


def test_inspector_score(md):
    today = AS_OF.date()
    plan = supervision.plan_create(
        actor=md.users[Role.DISTRICT_ADMIN],
        title="督导",
        kind="routine",
        checklist_code="responsible_inspector",
        start_date=today - dt.timedelta(days=20),
        end_date=today + dt.timedelta(days=5),
        school_ids=[md.school_a.pk, md.school_b.pk],
        inspector_ids=[md.users[Role.INSPECTOR].pk],
        now=AS_OF,
    )
    # 15 + 8 + 9 + 8.9 + 15 + 10 + 20 = 85.9 of 100
    scores = {"RI01": 15, "RI02": 8, "RI03": 9, "RI04": "8.9", "RI05": 15, "RI06": 10, "RI07": 20}
    supervision.visit_save(
        actor=md.users[Role.INSPECTOR],
        plan=plan,
        school_id=md.school_a.pk,
        visited_on=today - dt.timedelta(days=3),
        entries={k: {"score": v} for k, v in scores.items()},
        submit=True,
        now=AS_OF,
    )
    values = inputs.inspector_score(_ctx(md, [md.school_a.pk, md.school_b.pk]))
    assert set(values) == {md.school_a.pk}  # school B has no submitted visit: missing, not 0
    assert values[md.school_a.pk].value == D("85.90")
    assert values[md.school_a.pk].detail == "督导1次，得分85.9（满分100）"
    # as of before the visit, nothing
    early = AS_OF - dt.timedelta(days=10)
    assert inputs.inspector_score(_ctx(md, [md.school_a.pk], as_of=early)) == {}


def test_in_service_tutoring(md):
    from edugov.tutoring import services as tutoring
    from edugov.tutoring.codes import id_check_char
    from edugov.tutoring.tests.factories import make_institution, officer

    md.teacher_a.id_number = "31010119800101123" + id_check_char("31010119800101123")
    md.teacher_a.save()
    px = officer(md)
    inst = make_institution(md, px, category="subject", custody_account="6222000011112222")
    tutoring.staff_create(
        actor=px,
        institution=inst,
        data={
            "name": "赵老师",
            "id_number": md.teacher_a.id_number,
            "teaches_subject": True,
            "qualification_number": "20201100001",
            "employed_from": dt.date(2025, 10, 1),
        },
    )
    ids = [md.school_a.pk, md.school_b.pk]
    values = inputs.in_service_tutoring(_ctx(md, ids))
    school = md.teacher_a.school_id
    other = next(i for i in ids if i != school)
    assert values[school].value == D(1) and values[other].value == D(0)
    assert values[school].detail == "在职教师在校外培训机构任职1人"
    # before the spell began, none
    early = dt.datetime(2025, 9, 20, 12, tzinfo=dt.UTC)
    assert inputs.in_service_tutoring(_ctx(md, ids, as_of=early))[school].value == D(0)
