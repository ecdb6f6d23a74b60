"""What the import templates tell the person filling them in: every column's allowed values come
from its real choices and ranges, never from the database's overflow bounds; kinds in Chinese."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest

from edugov.ingest.blank import template_xlsx
from edugov.ingest.spec import KINDS, get_spec

pytestmark = pytest.mark.django_db

# Any number of 5 or more digits in a note: a database bound (32767, 2147483647, 9223372036854775807)
HUGE = re.compile(r"\d{5,}")


def _notes(kind: str) -> dict[str, str]:
    spec = get_spec(kind)
    assert spec is not None
    return {c.header: c.describe() for c in spec.bound_columns()}


def test_the_class_template_lists_the_grades_not_the_int64_range():
    notes = _notes("classes")
    assert notes["年级"].startswith("必填；可选值：小班、中班、大班、一年级、二年级")
    assert "范围" not in notes["年级"] and not HUGE.search(notes["年级"])
    assert notes["男生数"] == "必填；整数；范围0～200"  # the model's own validators
    wb = openpyxl.load_workbook(io.BytesIO(template_xlsx(get_spec("classes"))))  # type: ignore[arg-type]
    guide = {row[0]: row[1] for row in wb["填写说明"].iter_rows(values_only=True) if row and row[0]}
    assert guide["年级"] == notes["年级"]


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_no_template_note_shows_a_database_bound(kind):
    for header, note in _notes(kind).items():
        assert not re.search(r"9223372036854775807|2147483647|32767", note), (kind, header, note)


def test_the_batch_list_names_kinds_in_chinese():
    from django.template import Context, Template

    rendered = Template("{% load ingest_labels %}{{ k|kind_label }}|{{ gone|kind_label }}").render(
        Context({"k": "classes", "gone": "no_such_kind"})
    )
    assert rendered == f"{get_spec('classes').label}|其他数据"  # type: ignore[union-attr]
    assert not re.search(r"[a-z]", rendered)
