"""The class-week table behind the compliance pages is cached per data generation: reused by
every district reader until a write commits (homework published with its audit record), then
computed again; a rolled-back write leaves the cached table as it was."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import transaction

from edugov.accounts.models import Role
from edugov.audit.models import AuditAction
from edugov.audit.services import audit_record
from edugov.burden import selectors
from edugov.burden.models import Homework, HomeworkType
from edugov.reports.cache import read_scope_key

pytestmark = pytest.mark.django_db(transaction=True)
D = dt.date


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def _publish(school_class, day, minutes, *, audited=True):
    homework = Homework.objects.create(
        school_class=school_class, date=day, subject="数学", homework_type=HomeworkType.WRITTEN,
        content="练习", estimated_minutes=minutes,
    )  # fmt: skip
    if audited:
        audit_record(action=AuditAction.CREATE, instance=homework)
    return homework


def _minutes(report, class_id):
    return sum(cw.written_minutes for cw in report.class_weeks if cw.class_id == class_id)


def test_table_is_reused_until_homework_commits(district):
    term = district.year.terms.get(number=1)
    officer, admin = district.users[Role.DEPARTMENT_OFFICER], district.users[Role.DISTRICT_ADMIN]
    c = district.class_a1
    with transaction.atomic():
        _publish(c, D(2025, 9, 8), 30)
    assert _minutes(selectors.homework_compliance(user=officer, term=term), c.pk) == 30
    # Written without the write path (no audit, so no bump): not seen, the table is cached, and
    # another reader of the district reads the same table.
    _publish(c, D(2025, 9, 9), 40, audited=False)
    assert _minutes(selectors.homework_compliance(user=admin, term=term), c.pk) == 30
    # Rolled back: nothing moves.
    with pytest.raises(RuntimeError), transaction.atomic():
        _publish(c, D(2025, 9, 10), 50)
        raise RuntimeError("rolled back")
    assert _minutes(selectors.homework_compliance(user=officer, term=term), c.pk) == 30
    # Committed through the write path: computed again, with every row now in the database.
    with transaction.atomic():
        _publish(c, D(2025, 9, 11), 20)
    assert _minutes(selectors.homework_compliance(user=officer, term=term), c.pk) == 30 + 40 + 20


def _weeks(page) -> int:
    return page.report.total.class_weeks


def test_page_figures_are_shared_by_one_read_scope_and_computed_again_after_a_commit(district):
    """Officer and leader both read the whole district: one cached entry serves both. The town
    officer reads one town: their own entry. A commit through the write path moves every one."""
    term = district.year.terms.get(number=1)
    officer, leader = district.users[Role.DEPARTMENT_OFFICER], district.users[Role.LEADER]
    town_officer = district.users["town_officer"]
    assert read_scope_key(officer) == read_scope_key(leader)
    assert read_scope_key(officer) != read_scope_key(town_officer)
    c = district.class_a1
    with transaction.atomic():
        _publish(c, D(2025, 9, 8), 30)
    assert _weeks(selectors.compliance_page(user=officer, term=term)) == 1
    _publish(district.class_b1, D(2025, 9, 9), 40, audited=False)  # no bump: the cache holds
    assert _weeks(selectors.compliance_page(user=leader, term=term)) == 1
    # The town officer's first read computes: class b1 is in town b, not theirs.
    assert district.class_b1.school.area_id != town_officer.area_id
    assert _weeks(selectors.compliance_page(user=town_officer, term=term)) == 1
    with transaction.atomic():
        _publish(c, D(2025, 9, 15), 20)
    assert _weeks(selectors.compliance_page(user=leader, term=term)) == 3  # a1 twice, b1 once
    assert _weeks(selectors.compliance_page(user=town_officer, term=term)) == 2


def test_page_keeps_the_report_groups_and_leaves_out_the_class_weeks(district):
    term = district.year.terms.get(number=1)
    officer = district.users[Role.DEPARTMENT_OFFICER]
    with transaction.atomic():
        _publish(district.class_a1, D(2025, 9, 8), 30)  # 30 / 5 school days = 6 a day: within
        for day in range(15, 20):  # 5 × 120 / 5 school days = 120 a day: over any limit
            _publish(district.class_a1, D(2025, 9, day), 120)
    page = selectors.compliance_page(user=officer, term=term)
    full = selectors.homework_compliance(user=officer, term=term)
    assert page.report.class_weeks == [] and page.report.classes == {}
    assert (page.report.total.class_weeks, page.report.total.over_weeks) == (2, 1)
    assert [(g.name, g.class_weeks, g.over_weeks) for g in page.report.by_school] == [
        (g.name, g.class_weeks, g.over_weeks) for g in full.by_school
    ]
    assert page.latest_week == D(2025, 9, 15)
    assert page.charts == selectors.compliance_charts(full)
    assert len(page.report.over_classes) == 1


@pytest.mark.parametrize(
    ("url_name", "cold", "warm"),
    [("burden:compliance", 20, 8), ("burden:school_rules", 20, 8)],
)
def test_pages_read_the_cached_figures_in_a_pinned_number_of_queries(client, district, url_name, cold, warm):
    """A visit reads the session, the user, terms, towns and the cached figures: the second visit
    asks none of the figures' queries (pinned: a new query on every visit fails here)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from edugov.testing import login

    with transaction.atomic():
        _publish(district.class_a1, D(2025, 9, 8), 30)
    login(client, district.users[Role.LEADER])
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(url_name)).status_code == 200
        counts.append(len(queries))
    assert counts == [cold, warm]
