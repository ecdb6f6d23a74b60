"""The rejection summary names every error it counts (it said "4处错误" and named 3), or says how
many more there are; the error workbook keeps numbers as numbers (it wrote "25" as text)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from openpyxl import load_workbook

from edugov.ingest.models import BatchStatus
from edugov.ingest.services import import_file
from edugov.ingest.services.engine import RowProblem, error_summary
from edugov.testing import make_mini_district

from .helpers import write_csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def d():
    return make_mini_district()


def _import(tmp_path, rows):
    path = write_csv(tmp_path / "a.csv", rows)
    return import_file(kind="classes", path=path, original_name="a.csv", user=None)


def _rows(d, bad: int) -> list[list[str]]:
    code = d.school_a.code
    rows = [[code, "2025", "一年级", str(n), "", "20", "21"] for n in range(1, 4)]
    rows += [[code, "2025", "一年级", str(10 + n), "", "二十", "21"] for n in range(bad)]  # 男生数 as words
    return rows


def test_four_errors_are_all_named(tmp_path, d):
    batch = _import(tmp_path, _rows(d, 4))
    assert batch.status == BatchStatus.REJECTED and batch.error_count == 4
    assert batch.message.startswith("发现4处错误")
    assert [r for r in (5, 6, 7, 8) if f"第{r}行男生数：应为整数" in batch.message] == [5, 6, 7, 8]
    assert "另有" not in batch.message
    assert len(batch.errors) == 4


def test_many_errors_say_how_many_more(tmp_path, d):
    batch = _import(tmp_path, _rows(d, 9))
    assert batch.error_count == 9
    named = sum(f"第{r}行男生数" in batch.message for r in range(5, 14))
    assert named + int(batch.message.split("另有")[1].split("处")[0]) == 9
    assert len(batch.message) <= 500


def test_row_level_and_long_errors_fit_and_add_up():
    problems = [RowProblem(2 + n, None, "", "", "该行有9列，多于表头的7列" + "很长" * 60) for n in range(4)]
    text = error_summary(4, problems, room=300)
    named = text.count("（整行）")
    assert len(text) <= 300 and named >= 1
    assert f"另有{4 - named}处" in text


def test_error_workbook_writes_numbers_as_numbers(tmp_path, d):
    code = d.school_a.code
    rows = [
        [code, "2025", "一年级", "1", "一年级1班", "20", "21"],
        [code, "2025", "一年级", "2", "一年级2班", "201", "19"],  # 男生数 out of range: still a number
        [code, "2025", "一年级", "3", "一年级3班", "二十", "21"],  # not a number: kept as typed
    ]
    batch = _import(tmp_path, rows)
    assert batch.status == BatchStatus.REJECTED
    wb = load_workbook(batch.error_report_path)
    sheet = wb.worksheets[0]
    # 班号, 男生数, 女生数 are number columns; 学校标识码 (a code) stays text
    assert [sheet.cell(2, c).value for c in (4, 6, 7)] == [1, 20, 21]
    assert sheet.cell(3, 6).value == 201 and sheet.cell(3, 6).data_type == "n"
    assert sheet.cell(4, 6).value == "二十"
    assert sheet.cell(2, 1).value == code and sheet.cell(2, 1).data_type == "s"
    listing = [[c.value for c in row] for row in wb["错误清单"].iter_rows(min_row=2)]
    assert listing[0][:3] == [3, "男生数", 201] and listing[1][:3] == [4, "男生数", "二十"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("25", 25), ("12.50", Decimal("12.50")), ("-3", -3), ("007", "007"), ("1e5", "1e5"), ("", "")],
)
def test_number_cells(raw, expected):
    from edugov.ingest.report import _number

    assert _number(raw) == expected and type(_number(raw)) is type(expected)
