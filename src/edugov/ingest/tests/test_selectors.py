"""Who sees an import batch and its error report, and who sees its personal identifiers in clear:
the uploader and the administrators over the batch's scope with its module; everyone else who may
see the batch sees them masked, on the page and in the downloaded report."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from edugov.accounts.models import Department, Role
from edugov.common.text import mask_id_number, mask_phone
from edugov.ingest import selectors
from edugov.ingest.models import BatchStatus
from edugov.ingest.services import import_file
from edugov.ingest.spec import KINDS
from edugov.registry import services as registry_services
from edugov.registry.models import AreaLevel
from edugov.testing import login, make_mini_district, make_user

from .helpers import write_csv

pytestmark = pytest.mark.django_db

# One valid and one invalid value per mask: a new kind of personal column needs its pair here.
VALUES: dict[Callable[[str | None], str], tuple[str, str]] = {
    mask_id_number: ("11010519491231002X", "110105194912310021"),  # the second fails the check digit
    mask_phone: ("13987654321", "23987654321"),
}


@pytest.fixture
def d():
    return make_mini_district()


def personal_columns() -> list[tuple[str, str]]:
    return [
        (kind, column.header)
        for kind, spec in sorted(KINDS.items())
        for column in spec.bound_columns()
        if column.personal is not None
    ]


def test_teachers_declare_their_identifiers_personal():
    assert {("teachers", "身份证号"), ("teachers", "手机号")} <= set(personal_columns())


def report_text(response) -> str:
    """Every cell value and cell comment of a downloaded report, as one text."""
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    parts = []
    for sheet in wb.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                parts.append(str(cell.value or ""))
                if cell.comment is not None:
                    parts.append(cell.comment.text)
    return "\n".join(parts)


def _rejected_batch(tmp_path, *, kind: str, personal_header: str, uploader):
    """A file of `kind` whose rows hold a valid and an invalid personal value, each row broken by
    a required column left blank, so it is rejected with a report listing the whole rows."""
    spec = KINDS[kind]
    columns = spec.bound_columns()
    target = next(c for c in columns if c.header == personal_header)
    blank = next(c for c in columns if c.required and c is not target)
    assert target.personal is not None
    rows = []
    for value in VALUES[target.personal]:
        row = []
        for c in columns:
            row.append(value if c is target else "" if c is blank else c.example)
        rows.append(row)
    path = write_csv(tmp_path / f"{kind}.csv", rows, headers=[c.header for c in columns])
    batch = import_file(kind=kind, path=path, original_name=f"{kind}.csv", user=uploader)
    assert batch.status == BatchStatus.REJECTED and batch.error_report_path
    return batch


def _uploader(d, kind):
    spec = KINDS[kind]
    return next(d.users[r] for r in (Role.DISTRICT_ADMIN, Role.DEPARTMENT_OFFICER) if spec.allows(d.users[r]))


@pytest.mark.parametrize(("kind", "header"), personal_columns())
def test_another_reader_downloads_every_personal_column_masked(client, d, tmp_path, kind, header):
    batch = _rejected_batch(tmp_path, kind=kind, personal_header=header, uploader=_uploader(d, kind))
    mask = next(c.personal for c in KINDS[kind].bound_columns() if c.header == header)
    assert mask is not None
    url = reverse("ingest:error_report", args=[batch.pk])

    own = report_text(login(client, batch.uploaded_by).get(url))
    for value in VALUES[mask]:
        assert value in own  # the uploader's report is in clear: the check below can fail

    other = report_text(login(client, d.users[Role.LEADER]).get(url))  # sees the batch, masked
    for value in VALUES[mask]:
        assert value not in other
        assert mask(value) in other


@pytest.fixture
def teacher_batch(d, tmp_path):
    """A teachers file uploaded by school A's administrator, rejected for its bad ID number."""
    return _rejected_batch(
        tmp_path, kind="teachers", personal_header="身份证号", uploader=d.users[Role.SCHOOL_ADMIN]
    )


def _other_district_admin(d):
    other = registry_services.area_create(
        code="310102", name="另一区", level=AreaLevel.DISTRICT, parent=d.city
    )
    return make_user(Role.DISTRICT_ADMIN, area=other)


READERS = {
    "uploader": (lambda d: d.users[Role.SCHOOL_ADMIN], "clear"),
    "district_admin": (lambda d: d.users[Role.DISTRICT_ADMIN], "clear"),
    "basic_education_officer": (lambda d: d.users[Role.DEPARTMENT_OFFICER], "clear"),
    "town_officer": (lambda d: d.users["town_officer"], "clear"),
    "school_colleague": (lambda d: make_user(Role.SCHOOL_ADMIN, school=d.school_a), "clear"),
    "leader": (lambda d: d.users[Role.LEADER], "masked"),
    "safety_officer": (
        lambda d: make_user(Role.DEPARTMENT_OFFICER, area=d.district, department=Department.SAFETY),
        "hidden",
    ),
    "inspector": (lambda d: d.users[Role.INSPECTOR], "hidden"),  # no registry module
    "teacher": (lambda d: d.users[Role.TEACHER], "hidden"),
    "other_school_admin": (lambda d: make_user(Role.SCHOOL_ADMIN, school=d.school_b), "hidden"),
    "other_district_admin": (_other_district_admin, "hidden"),
}


@pytest.mark.parametrize("reader", list(READERS))
def test_batch_page_list_and_report_per_reader(client, d, teacher_batch, reader):
    make, expected = READERS[reader]
    user = make(d)
    login(client, user)
    valid, invalid = VALUES[mask_id_number]
    detail = client.get(reverse("ingest:batch_detail", args=[teacher_batch.pk]))
    report = client.get(reverse("ingest:error_report", args=[teacher_batch.pk]))
    listed = teacher_batch in selectors.batch_list(user=user)
    if expected == "hidden":
        assert detail.status_code == 404 and report.status_code == 404 and not listed
        return
    assert listed and selectors.report_in_clear(user, teacher_batch) is (expected == "clear")
    page = detail.content.decode()
    text = report_text(report)
    assert "身份证号校验位错误" in page  # the invalid number's row is listed on the page
    if expected == "clear":
        assert invalid in page and valid in text and invalid in text
    else:
        assert mask_id_number(invalid) in page and invalid not in page
        assert valid not in text and invalid not in text and mask_id_number(valid) in text


def test_previous_values_of_updated_rows_are_masked(client, d, tmp_path):
    """A successful import lists each updated row's old values: the old identifiers too."""
    headers = ["学校标识码", "教职工号", "姓名", "性别", "身份证号", "手机号"]
    row = [d.school_a.code, "T001", "王老师", "女", "", "13900009999"]
    path = write_csv(tmp_path / "t.csv", [row], headers=headers)
    batch = import_file(kind="teachers", path=path, original_name="t.csv", user=d.users[Role.SCHOOL_ADMIN])
    assert batch.status == BatchStatus.SUCCEEDED and batch.updated_count == 1
    old_id, old_phone = d.teacher_a.id_number, d.teacher_a.phone
    url = reverse("ingest:batch_detail", args=[batch.pk])
    own = login(client, d.users[Role.SCHOOL_ADMIN]).get(url).content.decode()
    assert old_id in own and old_phone in own
    masked = login(client, d.users[Role.LEADER]).get(url).content.decode()
    assert old_id not in masked and old_phone not in masked
    assert mask_id_number(old_id) in masked and mask_phone(old_phone) in masked


def test_a_report_without_its_masked_copy_is_not_served_in_clear(client, d, teacher_batch):
    """Reports written before masking have no masked copy: readers without clear access get 404."""
    selectors.masked_report_path(Path(teacher_batch.error_report_path)).unlink()
    url = reverse("ingest:error_report", args=[teacher_batch.pk])
    assert login(client, d.users[Role.LEADER]).get(url).status_code == 404
    assert login(client, d.users[Role.SCHOOL_ADMIN]).get(url).status_code == 200
