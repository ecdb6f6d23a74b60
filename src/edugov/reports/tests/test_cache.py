"""Report files kept per data generation and reader: the same reader's second download is the
first file (still audited), a reader with other rows or other read actions never gets another's
file, and a committed write renders the next download afresh. Two tests: each flushes the
database (real commits)."""

from __future__ import annotations

import io

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from edugov.accounts.models import Department, Role
from edugov.audit.models import AuditAction, AuditEvent
from edugov.reports import report_download
from edugov.reports.cache import read_actions, reader_key
from edugov.reports.warmup import warm_files
from edugov.testing import make_mini_district, make_user
from edugov.tutoring import services as tutoring_services
from edugov.tutoring.tests.factories import make_institution

# Real commits: the data generation moves on commit as in production.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world():  # type: ignore[no-untyped-def]
    cache.clear()
    md = make_mini_district()
    district = make_user(
        Role.DEPARTMENT_OFFICER, area=md.district, department=Department.TUTORING_SUPERVISION
    )
    town_a = make_user(Role.DEPARTMENT_OFFICER, area=md.town_a, department=Department.TUTORING_SUPERVISION)
    a = make_institution(md, district, town=md.town_a, name="甲镇培训机构")
    make_institution(md, district, town=md.town_b, name="乙镇培训机构")
    yield md, district, town_a, a
    cache.clear()


def names(content: bytes) -> list[str]:
    ws = load_workbook(io.BytesIO(content)).active
    return [str(row[0]) for row in ws.iter_rows(min_row=2, values_only=True)]


def test_the_same_reader_gets_the_same_file_without_building_it_again_and_is_still_audited(world):
    md, district, _, _ = world
    first = report_download(district, "tutoring.institutions", "xlsx")
    assert first.document is not None and sorted(names(first.content)) == ["乙镇培训机构", "甲镇培训机构"]
    with CaptureQueriesContext(connection) as queries:
        second = report_download(district, "tutoring.institutions", "xlsx")
    assert second.document is None and second.content == first.content
    assert second.filename == first.filename and second.title == first.title and second.rows == 2
    # The hit reads the reader's read scope (anchors) and writes the audit event, nothing else.
    assert not any("tutoring_institution" in q["sql"] for q in queries.captured_queries)
    events = AuditEvent.objects.filter(
        action=AuditAction.EXPORT, actor=district, object_id="tutoring.institutions"
    )
    assert events.count() == 2
    assert {e.object_repr for e in events} == {"校外培训机构（2条，XLSX）"}
    # Another reader with the same rows and the same read actions (a second district officer of
    # the same department) shares the file: the person is not part of the key.
    colleague = make_user(
        Role.DEPARTMENT_OFFICER, area=md.district, department=Department.TUTORING_SUPERVISION
    )
    assert reader_key(colleague) == reader_key(district)
    assert report_download(colleague, "tutoring.institutions", "xlsx").document is None
    # The start-up warming renders each district reader's file: a first download is then a hit.
    cache.clear()
    with pytest.MonkeyPatch.context() as patch:  # however cheap the report is here: warm it all
        patch.setattr("edugov.reports.warmup.CHEAP_SECONDS", 0.0)
        assert warm_files(60, names={"tutoring.institutions"}) >= 4  # XLSX and PDF, office and leader
    for reader in (district, md.users[Role.LEADER]):
        assert report_download(reader, "tutoring.institutions", "pdf").document is None
    # Parameters and formats are files of their own.
    found = report_download(district, "tutoring.institutions", "xlsx", {"q": "乙镇"})
    assert found.document is not None and names(found.content) == ["乙镇培训机构"]
    pdf = report_download(district, "tutoring.institutions", "pdf")
    assert pdf.content.startswith(b"%PDF") and first.content.startswith(b"PK")


def test_other_rows_other_read_actions_or_a_write_never_get_a_kept_file(world):
    md, district, town_a, a = world
    office = report_download(district, "tutoring.institutions", "xlsx")
    # A reader of the same role and actions with other rows (town A only).
    assert read_actions(town_a) == read_actions(district)  # the same role and actions: rows differ
    mine = report_download(town_a, "tutoring.institutions", "xlsx")
    assert mine.document is not None and names(mine.content) == ["甲镇培训机构"]
    # and the district's own file is still the district's
    assert sorted(names(report_download(district, "tutoring.institutions", "xlsx").content)) == [
        "乙镇培训机构",
        "甲镇培训机构",
    ]
    # The leader reads the same district as the tutoring office but may not see contact phones in
    # full: the office's file (phones in clear) is never the leader's.
    phones = {
        str(r[8])
        for r in load_workbook(io.BytesIO(office.content)).active.iter_rows(min_row=2, values_only=True)
    }
    assert phones == {"13912345678"}
    leader = md.users[Role.LEADER]
    assert reader_key(leader).split("|")[0] == reader_key(district).split("|")[0]
    masked = report_download(leader, "tutoring.institutions", "xlsx")
    assert masked.document is not None
    rows = list(load_workbook(io.BytesIO(masked.content)).active.iter_rows(min_row=2, values_only=True))
    assert {str(r[8]) for r in rows} == {"139****5678"}
    # A committed write: the next download is rendered afresh.
    assert report_download(district, "tutoring.institutions", "xlsx").document is None
    tutoring_services.institution_update(actor=district, institution=a, data={"name": "甲镇培训机构（更名）"})
    after = report_download(district, "tutoring.institutions", "xlsx")
    assert after.document is not None
    assert sorted(names(after.content)) == ["乙镇培训机构", "甲镇培训机构（更名）"]
