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
