"""Issue 14 item 4 on the import pages: the error summary shows each cell as typed, and the
result page names each record and its previous values in words (Chinese field names, choices by
label, dates in Chinese), as does the audit trail's entry for the import."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from edugov.accounts.models import Role
from edugov.ingest.models import BatchStatus, ImportBatch
from edugov.registry.models import SchoolClass
from edugov.testing import make_mini_district

from .helpers import write_xlsx

pytestmark = pytest.mark.django_db


def _upload(client, path):
    with path.open("rb") as f:
        return client.post(reverse("ingest:upload"), {"kind": "classes", "file": f})


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_import_pages_read_in_words(client, tmp_path):
    d = make_mini_district()
    officer = d.users[Role.DEPARTMENT_OFFICER]
    client.force_login(officer)
    a, b = d.school_a.code, d.school_b.code
    year = f"{d.year.start_year}-{d.year.start_year + 1}"

    # A primary school has no grade 7: the summary quotes the cell as typed, not the grade number.
    bad = write_xlsx(tmp_path / "bad.xlsx", [[b, year, "七年级", 8, "七年级1班", 20, 20]])
    _upload(client, bad)
    batch = ImportBatch.objects.latest("id")
    assert batch.status == BatchStatus.REJECTED
    page = _text(client.get(reverse("ingest:batch_detail", args=[batch.pk])).content.decode())
    cells = re.findall(
        r'data-label="单元格内容">([^<]*)<',
        client.get(reverse("ingest:batch_detail", args=[batch.pk])).content.decode(),
    )
    assert cells == ["七年级"], page

    # A new class and a changed one (an existing class of school A renamed, with more boys).
    existing = SchoolClass.objects.filter(school=d.school_a).order_by("grade", "number").first()
    assert existing is not None
    grade = existing.get_grade_display()
    good = write_xlsx(
        tmp_path / "good.xlsx",
        [
            [a, year, "三年级", 9, "三年级(9)班", 21, 22],
            [a, year, grade, existing.number, "星光班", existing.boys + 1, existing.girls],
        ],
    )
    _upload(client, good)
    batch = ImportBatch.objects.latest("id")
    assert batch.status == BatchStatus.SUCCEEDED, batch.message
    html = client.get(reverse("ingest:batch_detail", args=[batch.pk])).content.decode()
    records = re.findall(r'data-label="记录">([^<]*)<', html)
    assert records == ["三年级(9)班", "星光班"], records
    old = re.findall(r'data-label="修改前的值">(.*?)</td>', html, re.S)
    old_text = _text(old[1])
    assert f"班级名称：{existing.name or '（空）'}" in old_text, old_text
    assert f"男生数：{existing.boys}" in old_text, old_text
    for raw in ("boys", "name=", "{", "记录ID"):
        assert raw not in _text(html), raw
    assert str(existing.pk) not in records

    # The audit trail names the import's figures and its kind in Chinese.
    client.force_login(d.users[Role.DISTRICT_ADMIN])
    audit = _text(client.get(reverse("audit:event_list"), {"action": "import"}).content.decode())
    assert "导入班级与学生数：good.xlsx" in audit, audit
    assert "文件 good.xlsx" in audit and re.search(r"文件大小 \d+(\.\d)? KB", audit), audit
    assert "新增 1 修改 1 未变化 0" in audit, audit
    assert f"文件哈希 {batch.sha256}" in audit, audit  # hex, but no internal code: always shown
    for raw in ("classes", "sha256", "'created'", "{'"):
        assert raw not in audit, raw
