"""Web upload: good and bad files, never a 500, Chinese messages, downloadable error report
with the bad cell highlighted, templates with dropdowns, scoped batch pages."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from edugov.accounts.models import Role
from edugov.ingest.models import BatchStatus, ImportBatch
from edugov.registry.models import SchoolClass
from edugov.testing import make_mini_district

from .helpers import write_csv, write_xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def d():
    return make_mini_district()


def _client(client, user):
    client.force_login(user)
    return client


def _upload(client, path, kind="classes"):
    with path.open("rb") as f:
        return client.post(reverse("ingest:upload"), {"kind": kind, "file": f})


def test_upload_page_lists_kinds_and_templates(client, d):
    c = _client(client, d.users[Role.SCHOOL_ADMIN])
    page = c.get(reverse("ingest:upload"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "班级与学生数" in text and reverse("ingest:template", args=["classes"]) in text
    assert reverse("ingest:template", args=["areas"]) not in text  # areas: district administrators only


def test_good_upload(client, d, tmp_path):
    c = _client(client, d.users[Role.SCHOOL_ADMIN])
    path = write_csv(
        tmp_path / "班级.csv", [[d.school_a.code, "2025", "一年级", "1", "", "20", "21"]], encoding="gbk"
    )
    response = _upload(c, path)
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response.url == reverse("ingest:batch_detail", args=[batch.pk])
    assert batch.status == BatchStatus.SUCCEEDED and batch.uploaded_by == d.users[Role.SCHOOL_ADMIN]
    assert batch.school == d.school_a
    page = c.get(response.url).content.decode()
    assert "导入成功" in page and "新增" in page
    assert SchoolClass.objects.filter(grade=1, school=d.school_a).count() == 1
    progress = c.get(reverse("ingest:batch_progress", args=[batch.pk]), HTTP_HX_REQUEST="true")
    assert progress.status_code == 200 and progress["HX-Refresh"] == "true"


def test_bad_upload_offers_a_highlighted_report(client, d, tmp_path):
    c = _client(client, d.users[Role.SCHOOL_ADMIN])
    rows = [
        [d.school_a.code, "2025", "一年级", "1", "", "20", "21"],
        [d.school_a.code, "2025", "一年级", "2", "", "二十", "21"],
    ]
    path = write_xlsx(tmp_path / "bad.xlsx", rows)
    response = _upload(c, path)
    batch = ImportBatch.objects.get()
    assert batch.status == BatchStatus.REJECTED
    page = c.get(response.url).content.decode()
    assert "文件未导入" in page and "应为整数" in page and "下载错误报告" in page
    report = c.get(reverse("ingest:error_report", args=[batch.pk]))
    assert report.status_code == 200
    wb = load_workbook(io.BytesIO(b"".join(report.streaming_content)))
    sheet = wb.worksheets[0]
    bad = sheet["F3"]  # row 3 of the original, column 男生数
    assert bad.value == "二十"
    assert bad.fill.fgColor.rgb == "FFFFC7CE"
    assert "应为整数" in bad.comment.text
    assert sheet["F2"].fill.fill_type is None
    listing = wb["错误清单"]
    assert [c.value for c in listing[2]] == [3, "男生数", "二十", "应为整数"]
    assert not SchoolClass.objects.filter(grade=1).exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("junk.xlsx", b"\x00\x01garbage" * 100, "不是有效的Excel"),
        ("empty.csv", b"", "空"),
        ("wrong.csv", "甲,乙\n1,2\n".encode(), "缺少必填列"),
    ],
)
def test_bad_files_never_500(client, d, name, content, message):
    c = _client(client, d.users[Role.SCHOOL_ADMIN])
    upload = SimpleUploadedFile(name, content)
    response = c.post(reverse("ingest:upload"), {"kind": "classes", "file": upload}, follow=True)
    assert response.status_code == 200
    assert message in response.content.decode()


def test_form_errors_are_chinese(client, d):
    c = _client(client, d.users[Role.SCHOOL_ADMIN])
    response = c.post(reverse("ingest:upload"), {"kind": "areas"})
    text = response.content.decode()
    assert response.status_code == 200 and "请选择要上传的文件" in text and "请选择可导入的数据类型" in text


def test_leader_reads_but_cannot_upload(client, d, tmp_path):
    c = _client(client, d.users[Role.LEADER])
    assert "没有导入权限" in c.get(reverse("ingest:upload")).content.decode()
    path = write_csv(tmp_path / "a.csv", [[d.school_a.code, "2025", "一年级", "1", "", "20", "21"]])
    response = _upload(c, path)
    assert response.status_code == 200 and not ImportBatch.objects.exists()


def test_large_files_go_to_the_task(client, d, tmp_path, settings, django_capture_on_commit_callbacks):
    settings.EDUGOV_IMPORT_INLINE_ROWS = 1
    c = _client(client, d.users[Role.SCHOOL_ADMIN])
    rows = [[d.school_a.code, "2025", "一年级", str(n), "", "20", "21"] for n in range(1, 30)]
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(c, write_csv(tmp_path / "a.csv", rows))
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert batch.status == BatchStatus.SUCCEEDED and batch.created_count == 29  # ImmediateBackend in tests


def test_batches_are_scoped(client, d, tmp_path):
    from edugov.ingest.services import import_file
    from edugov.testing import make_user

    path = write_csv(tmp_path / "a.csv", [[d.school_b.code, "2025", "一年级", "1", "", "20", "21"]])
    other_admin = make_user(Role.SCHOOL_ADMIN, school=d.school_b)
    batch = import_file(kind="classes", path=path, original_name="a.csv", user=other_admin)
    c = _client(client, d.users[Role.SCHOOL_ADMIN])
    assert c.get(reverse("ingest:batch_detail", args=[batch.pk])).status_code == 404
    assert c.get(reverse("ingest:error_report", args=[batch.pk])).status_code == 404
    assert "a.csv" not in c.get(reverse("ingest:upload")).content.decode()
    client.logout()
    c = _client(client, d.users[Role.DISTRICT_ADMIN])
    assert c.get(reverse("ingest:batch_detail", args=[batch.pk])).status_code == 200


@pytest.mark.parametrize("kind", ["areas", "schools", "classes", "teachers"])
def test_templates(client, d, kind):
    c = _client(client, d.users[Role.DISTRICT_ADMIN])
    response = c.get(reverse("ingest:template", args=[kind]))
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    ws = wb.worksheets[0]
    headers = [cell.value for cell in ws[1]]
    from edugov.ingest.spec import get_spec

    spec = get_spec(kind)
    assert spec is not None
    assert headers == [col.header for col in spec.columns]
    assert all(cell.comment is not None for cell in ws[1])
    choice_columns = [col for col in spec.columns if col.type in ("choice", "bool")]
    assert len(ws.data_validations.dataValidation) == len(choice_columns)
    csv_response = c.get(reverse("ingest:template", args=[kind]) + "?format=csv")
    assert (
        csv_response.content.startswith("\ufeff".encode())
        and spec.columns[0].header in csv_response.content.decode()
    )


def test_template_round_trip_is_accepted(client, d, tmp_path):
    """A template filled in as an office would is imported as it is."""
    c = _client(client, d.users[Role.SCHOOL_ADMIN])
    wb = load_workbook(io.BytesIO(c.get(reverse("ingest:template", args=["classes"])).content))
    ws = wb.worksheets[0]
    ws.append([d.school_a.code, "2025-2026", "二年级", 1, "二年级1班", 20, 19])
    path = tmp_path / "filled.xlsx"
    wb.save(path)
    _upload(c, path)
    batch = ImportBatch.objects.get()
    assert batch.status == BatchStatus.SUCCEEDED, batch.message
    assert batch.created_count == 1


def test_unknown_template_is_404(client, d):
    c = _client(client, d.users[Role.DISTRICT_ADMIN])
    assert c.get(reverse("ingest:template", args=["nothing"])).status_code == 404
